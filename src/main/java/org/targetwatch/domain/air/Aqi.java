package org.targetwatch.domain.air;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Air quality sub-indices and index per HJ 633-2012 《环境空气质量指数(AQI)技术规定(试行)》 表1, 5.1 and 5.2.
 * Pure functions; thread-safe.
 *
 * <p>Contract, including the choices HJ 633 leaves to implementations (stated because the catalog could not
 * confirm the normative wording):
 * <ul>
 *   <li>IAQI_P = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C_P − BP_Lo) + IAQI_Lo on the segment with
 *       BP_Lo ≤ C_P ≤ BP_Hi; at a breakpoint both segments give the same value.</li>
 *   <li>Rounding: the sub-index is rounded <b>up</b> to a whole number (ceiling), as most published
 *       implementations do; concentrations enter unrounded. A concentration of 35.1 µg/m³ PM2.5 gives 51.</li>
 *   <li>Above the top breakpoint the sub-index is 500.</li>
 *   <li>Cut-offs (表1 notes): SO2 1-hour above 800 µg/m³ has no 1-hour sub-index (the 24-hour one is reported);
 *       O3 8-hour above 800 µg/m³ has no 8-hour sub-index (the 1-hour one is reported).</li>
 *   <li>AQI = the largest sub-index. Primary pollutants: every pollutant whose sub-index equals the AQI, only when
 *       AQI &gt; 50. Pollutants over the standard: sub-index &gt; 100.</li>
 * </ul>
 */
public final class Aqi {
    /** The IAQI levels of 表1's first column. */
    static final double[] LEVELS = {0, 50, 100, 150, 200, 300, 400, 500};

    /** One column of 表1: an averaging item and its concentration breakpoints (same unit as the indicator). */
    public enum Item {
        SO2_24H("SO2", 0, 50, 150, 475, 800, 1600, 2100, 2620),
        SO2_1H("SO2", 0, 150, 500, 650, 800),
        NO2_24H("NO2", 0, 40, 80, 180, 280, 565, 750, 940),
        NO2_1H("NO2", 0, 100, 200, 700, 1200, 2340, 3090, 3840),
        PM10_24H("PM10", 0, 50, 150, 250, 350, 420, 500, 600),
        CO_24H("CO", 0, 2, 4, 14, 24, 36, 48, 60),
        CO_1H("CO", 0, 5, 10, 35, 60, 90, 120, 150),
        O3_1H("O3", 0, 160, 200, 300, 400, 800, 1000, 1200),
        O3_8H("O3", 0, 100, 160, 215, 265, 800),
        PM2_5_24H("PM2_5", 0, 35, 75, 115, 150, 250, 350, 500);

        public final String pollutant;
        final double[] breakpoints;

        Item(String pollutant, double... breakpoints) {
            this.pollutant = pollutant;
            this.breakpoints = breakpoints;
        }
    }

    /** The items of a daily AQI (HJ 633 日报): 24-hour means, O3 daily maximum 1-hour and maximum 8-hour. */
    public static final List<Item> DAILY_ITEMS =
            List.of(Item.SO2_24H, Item.NO2_24H, Item.PM10_24H, Item.CO_24H, Item.O3_1H, Item.O3_8H, Item.PM2_5_24H);

    /** Category names of 表2, by level 1..6. */
    static final String[] CATEGORIES = {"优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"};

    static final String[] CATEGORIES_EN = {
        "Excellent", "Good", "Lightly polluted", "Moderately polluted", "Heavily polluted", "Severely polluted"
    };

    private Aqi() {}

    /**
     * Sub-index of one item, or -1 where no sub-index is computed (a cut-off, or a SO2 1-hour / O3 8-hour value
     * beyond the end of its column). Negative concentrations are treated as 0.
     */
    public static int iaqi(Item item, double concentration) {
        double c = Math.max(0, concentration);
        double[] bp = item.breakpoints;
        if ((item == Item.SO2_1H || item == Item.O3_8H) && c > 800) {
            return -1;
        }
        if (c > bp[bp.length - 1]) {
            return 500;
        }
        for (int i = 1; i < bp.length; i++) {
            if (c <= bp[i]) {
                double v = (LEVELS[i] - LEVELS[i - 1]) / (bp[i] - bp[i - 1]) * (c - bp[i - 1]) + LEVELS[i - 1];
                return (int) Math.ceil(v - 1e-9);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Category level 1 (优) to 6 (严重污染) of an AQI value. */
    public static int level(int aqi) {
        if (aqi <= 50) {
            return 1;
        } else if (aqi <= 100) {
            return 2;
        } else if (aqi <= 150) {
            return 3;
        } else if (aqi <= 200) {
            return 4;
        } else if (aqi <= 300) {
            return 5;
        }
        return 6;
    }

    public static String category(int aqi) {
        return CATEGORIES[level(aqi) - 1];
    }

    public static String categoryEn(int aqi) {
        return CATEGORIES_EN[level(aqi) - 1];
    }

    /**
     * The AQI of a set of item concentrations (missing items are simply absent).
     *
     * @return null if no item has a sub-index
     */
    public static Result compute(Map<Item, Double> concentrations) {
        Map<Item, Integer> sub = new EnumMap<>(Item.class);
        concentrations.forEach((item, c) -> {
            if (c != null) {
                int v = iaqi(item, c);
                if (v >= 0) {
                    sub.put(item, v);
                }
            }
        });
        // O3 8-hour above 800: report O3 by its 1-hour sub-index (already present when given); SO2 1-hour above
        // 800: report SO2 by its 24-hour sub-index (already present when given).
        if (sub.isEmpty()) {
            return null;
        }
        int aqi = Collections.max(sub.values());
        Set<String> primary = new LinkedHashSet<>();
        Set<String> over = new LinkedHashSet<>();
        sub.forEach((item, v) -> {
            if (aqi > 50 && v == aqi) {
                primary.add(item.pollutant);
            }
            if (v > 100) {
                over.add(item.pollutant);
            }
        });
        return new Result(sub, aqi, category(aqi), new ArrayList<>(primary), new ArrayList<>(over));
    }

    /** Sub-indices by item, the AQI, its category, primary pollutants and pollutants over the standard. */
    public record Result(
            Map<Item, Integer> iaqi,
            int aqi,
            String category,
            List<String> primaryPollutants,
            List<String> overStandard) {}
}
