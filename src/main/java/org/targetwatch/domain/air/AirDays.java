package org.targetwatch.domain.air;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Decimals;
import org.targetwatch.facts.AirDay;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.facts.Threshold;

/**
 * Daily air statistics from hourly values (GB 3095-2012 表4, HJ 663-2013) and their AQI (HJ 633-2012).
 *
 * <p>Contract:
 * <ul>
 *   <li>An hourly value belongs to the calendar day (Asia/Shanghai) of the start of its hour; index 0 is 00:00.</li>
 *   <li>Only what a validity rule in force allows is assessed: an item without a validity threshold in force on
 *       the day (before the district's {@code airStandardFrom}, by default 2016-01-01) is never valid, never
 *       averaged into its district and never makes a valid or good day.</li>
 *   <li>24-hour mean of SO2, NO2, PM10, CO, PM2.5: the exact decimal mean of the day's hourly values, valid with at
 *       least the validity threshold's number of hours (20), rounded by GB/T 8170 to the precision of the
 *       24-hour limit in force (whole µg/m³; CO 0.1 mg/m³).</li>
 *   <li>O3 8-hour moving means: the 17 windows of the day starting at 00:00 ... 16:00 (ending 08:00 ... 24:00, HJ
 *       663-2013's 8时至24时), each valid with at least 6 hourly values and equal to the mean of those present; the
 *       daily maximum 8-hour mean (MDA8) is the largest valid window, valid with at least 14 valid windows, or
 *       with fewer when it already exceeds the 8-hour limit in force (HJ 663-2013 表3: 当不满足14个有效数据时, 若日
 *       最大8小时平均浓度超过浓度限值标准时, 统计结果仍有效). Rounded to the 8-hour limit's precision.</li>
 *   <li>O3 daily maximum 1-hour: the largest hourly value, valid with at least 20 hourly values (a choice: the
 *       catalog has no validity rule for it).</li>
 *   <li>A valid monitoring day has all seven items valid.</li>
 *   <li>District: for each item the mean over its stations that have a valid (rounded) value (HJ 663: stations
 *       averaged first), rounded again to the item's precision, then IAQI and AQI; valid when all seven items have
 *       at least one station value.</li>
 *   <li>The AQI is computed from the rounded values, as they are published.</li>
 * </ul>
 */
public final class AirDays {
    public static final List<String> HOURLY = List.of("SO2", "NO2", "PM10", "CO", "PM2_5", "O3");
    static final Map<String, Aqi.Item> MEAN_ITEMS = new LinkedHashMap<>();

    static {
        MEAN_ITEMS.put("SO2", Aqi.Item.SO2_24H);
        MEAN_ITEMS.put("NO2", Aqi.Item.NO2_24H);
        MEAN_ITEMS.put("PM10", Aqi.Item.PM10_24H);
        MEAN_ITEMS.put("CO", Aqi.Item.CO_24H);
        MEAN_ITEMS.put("PM2_5", Aqi.Item.PM2_5_24H);
    }

    private AirDays() {}

    /**
     * The data rules in force on a day for one district, from the enabled thresholds of the ruleset: minimum
     * counts (null: no validity rule in force, the item is not assessed), the precision of each daily item
     * ({@code SO2} ... {@code O3_1H}, {@code O3_8H}; absent: not rounded) and the O3 8-hour limit (null if none).
     */
    public record Validity(
            Map<String, Integer> min24hHours,
            Integer minO3Hours,
            Integer min8hHours,
            Integer minMda8Windows,
            Map<String, Integer> decimals,
            Threshold o3EightHourLimit,
            LocalDate standardFrom) {

        /** The rules in force on {@code day} from their own effective dates (a district without airStandardFrom). */
        public static Validity of(List<Threshold> thresholds, LocalDate day) {
            return of(thresholds, day, null);
        }

        /** The rules in force on {@code day} for a district whose {@code airStandardFrom} is {@code standardFrom}. */
        public static Validity of(List<Threshold> thresholds, LocalDate day, LocalDate standardFrom) {
            Map<String, Integer> min24 = new LinkedHashMap<>();
            Map<String, Integer> decimals = new LinkedHashMap<>();
            Integer o3Hours = null;
            Integer w8 = null;
            Integer mda8 = null;
            Threshold o3Limit = null;
            for (Threshold t : thresholds) {
                if (!t.enabled() || !t.inForceOn(day, standardFrom)) {
                    continue;
                }
                if (t.kind().equals("limit")) {
                    String item = switch (t.statistic()) {
                        case "24h-mean" -> MEAN_ITEMS.containsKey(t.indicator()) ? t.indicator() : null;
                        case "8h-mean" -> t.indicator().equals("O3") ? "O3_8H" : null;
                        case "1h-max" -> t.indicator().equals("O3") ? "O3_1H" : null;
                        default -> null;
                    };
                    if (item != null && t.decimals() != null) {
                        decimals.put(item, t.decimals());
                    }
                    if (item != null && item.equals("O3_8H")) {
                        o3Limit = t;
                    }
                    continue;
                }
                if (!t.kind().equals("validity")) {
                    continue;
                }
                int v = (int) Math.ceil(t.value());
                switch (t.statistic()) {
                    case "24h-mean" -> min24.put(t.indicator(), v);
                    case "1h-max" -> o3Hours = v;
                    case "8h-mean" -> w8 = v;
                    case "mda8" -> mda8 = v;
                    default -> {}
                }
            }
            return new Validity(min24, o3Hours, w8, mda8, decimals, o3Limit, standardFrom);
        }

        /** Whether {@code n} values meet the minimum {@code min}; never when no rule is in force. */
        static boolean enough(Integer min, int n) {
            return min != null && n > 0 && n >= min;
        }

        Integer decimals(String item) {
            return decimals.get(item);
        }
    }

    /** The hourly values of one station-day: per indicator 24 slots (NaN = missing) and the reading ids. */
    public record Hours(Map<String, double[]> values, Map<String, List<Long>> readingIds) {
        public static Hours empty() {
            return new Hours(new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        public void put(String indicator, int hour, double value, long id) {
            values.computeIfAbsent(indicator, k -> {
                double[] a = new double[24];
                java.util.Arrays.fill(a, Double.NaN);
                return a;
            })[hour] = value;
            readingIds.computeIfAbsent(indicator, k -> new ArrayList<>()).add(id);
        }
    }

    /**
     * The 24-hour statistic of every indicator with hourly values that day (valid or not): the mean rounded to the
     * precision of {@code v}, and the district's {@code airStandardFrom} (of {@code v}) the rules judge it by.
     */
    public static List<DailyStat> dailyStats(String subject, LocalDate date, Hours h, Validity v) {
        List<DailyStat> out = new ArrayList<>();
        h.values().forEach((ind, arr) -> {
            int n = count(arr);
            if (n > 0) {
                out.add(new DailyStat(
                        subject,
                        ind,
                        date,
                        n,
                        mean(arr, 0, 24, v.decimals(ind)),
                        List.copyOf(h.readingIds().get(ind)),
                        v.standardFrom(),
                        Validity.enough(v.min24hHours().get(ind), n)));
            }
        });
        return out;
    }

    public static AirDay station(String subject, LocalDate date, Hours h, Validity v) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Integer> hours = new LinkedHashMap<>();
        for (String ind : MEAN_ITEMS.keySet()) {
            double[] arr = h.values().get(ind);
            int n = count(arr);
            hours.put(ind, n);
            if (Validity.enough(v.min24hHours().get(ind), n)) {
                values.put(ind, mean(arr, 0, 24, v.decimals(ind)));
            }
        }
        double[] o3 = h.values().get("O3");
        int o3n = count(o3);
        hours.put("O3", o3n);
        if (Validity.enough(v.minO3Hours(), o3n)) {
            double max = Double.NEGATIVE_INFINITY;
            for (double x : o3) {
                if (!Double.isNaN(x)) {
                    max = Math.max(max, x);
                }
            }
            values.put("O3_1H", v.decimals("O3_1H") == null ? max : Decimals.round(max, v.decimals("O3_1H")));
        }
        if (o3 != null && v.min8hHours() != null) {
            int validWindows = 0;
            double mda8 = Double.NEGATIVE_INFINITY;
            for (int start = 0; start <= 16; start++) {
                int n = 0;
                for (int i = start; i < start + 8; i++) {
                    n += Double.isNaN(o3[i]) ? 0 : 1;
                }
                if (Validity.enough(v.min8hHours(), n)) {
                    validWindows++;
                    mda8 = Math.max(mda8, mean(o3, start, start + 8, v.decimals("O3_8H")));
                }
            }
            // HJ 663-2013 表3: fewer than 14 valid windows still give a valid MDA8 when it already exceeds the limit
            boolean exceeds = validWindows > 0
                    && v.o3EightHourLimit() != null
                    && v.o3EightHourLimit().test(mda8);
            if (Validity.enough(v.minMda8Windows(), validWindows) || (v.minMda8Windows() != null && exceeds)) {
                values.put("O3_8H", mda8);
            }
        }
        List<Long> ids = new ArrayList<>();
        h.readingIds().values().forEach(ids::addAll);
        return build(subject, "air-station", date, values, hours, ids, v.standardFrom());
    }

    /** The district's day from its stations' days, each item rounded to the precision of {@code v}. */
    public static AirDay district(String district, LocalDate date, List<AirDay> stations, Validity v) {
        Map<String, java.math.BigDecimal> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> decimals = v.decimals();
        for (AirDay s : stations) {
            s.values().forEach((item, val) -> {
                sums.merge(item, Decimals.of(val), java.math.BigDecimal::add);
                counts.merge(item, 1, Integer::sum);
            });
        }
        Map<String, Double> values = new LinkedHashMap<>();
        sums.forEach((item, sum) -> values.put(item, Decimals.mean(sum, counts.get(item), decimals.get(item))));
        return build(district, "district", date, values, counts, List.of(), v.standardFrom());
    }

    private static AirDay build(
            String subject,
            String kind,
            LocalDate date,
            Map<String, Double> values,
            Map<String, Integer> hours,
            List<Long> ids,
            LocalDate standardFrom) {
        Map<Aqi.Item, Double> conc = new EnumMap<>(Aqi.Item.class);
        MEAN_ITEMS.forEach((ind, item) -> {
            if (values.containsKey(ind)) {
                conc.put(item, values.get(ind));
            }
        });
        if (values.containsKey("O3_1H")) {
            conc.put(Aqi.Item.O3_1H, values.get("O3_1H"));
        }
        if (values.containsKey("O3_8H")) {
            conc.put(Aqi.Item.O3_8H, values.get("O3_8H"));
        }
        Aqi.Result r = Aqi.compute(conc);
        Map<String, Integer> iaqi = new LinkedHashMap<>();
        if (r != null) {
            r.iaqi().forEach((item, val) -> iaqi.put(item.name(), val));
        }
        boolean valid = values.keySet().containsAll(List.of("SO2", "NO2", "PM10", "CO", "PM2_5", "O3_1H", "O3_8H"));
        return new AirDay(
                subject,
                kind,
                date,
                values,
                hours,
                iaqi,
                r == null ? -1 : r.aqi(),
                r == null ? null : r.category(),
                r == null ? List.of() : r.primaryPollutants(),
                r == null ? List.of() : r.overStandard(),
                valid,
                ids,
                standardFrom);
    }

    private static int count(double[] arr) {
        if (arr == null) {
            return 0;
        }
        int n = 0;
        for (double v : arr) {
            n += Double.isNaN(v) ? 0 : 1;
        }
        return n;
    }

    /** The exact decimal mean of the present values of {@code arr[from, to)}, rounded to {@code decimals}. */
    private static double mean(double[] arr, int from, int to, Integer decimals) {
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(arr[i])) {
                sum = sum.add(Decimals.of(arr[i]));
                n++;
            }
        }
        return Decimals.mean(sum, n, decimals);
    }
}
