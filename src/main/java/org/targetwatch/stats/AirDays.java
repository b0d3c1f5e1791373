package org.targetwatch.stats;

import org.targetwatch.facts.AirDay;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.facts.Threshold;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Daily air statistics from hourly values (GB 3095-2012 表4, HJ 663-2013) and their AQI (HJ 633-2012).
 *
 * <p>Contract:
 * <ul>
 *   <li>An hourly value belongs to the calendar day (Asia/Shanghai) of the start of its hour; index 0 is 00:00.</li>
 *   <li>24-hour mean of SO2, NO2, PM10, CO, PM2.5: arithmetic mean of the day's hourly values, valid with at least
 *       the validity threshold's number of hours (20).</li>
 *   <li>O3 8-hour moving means: the 17 windows of the day starting at 00:00 ... 16:00 (ending 08:00 ... 24:00), each
 *       valid with at least 6 hourly values and equal to the mean of those present; the daily maximum 8-hour mean
 *       (MDA8) is the largest valid window, valid with at least 14 valid windows.</li>
 *   <li>O3 daily maximum 1-hour: the largest hourly value, valid with at least 20 hourly values (a choice: the
 *       catalog has no validity rule for it).</li>
 *   <li>A valid monitoring day has all seven items valid.</li>
 *   <li>District: for each item the mean over its stations that have a valid value (HJ 663: stations averaged
 *       first), then IAQI and AQI; valid when all seven items have at least one station value.</li>
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

    private AirDays() {
    }

    /** Minimum data counts in force on a day, from the validity thresholds of the ruleset. */
    public record Validity(Map<String, Integer> min24hHours, int minO3Hours, int min8hHours, int minMda8Windows) {

        /** Reads the validity thresholds in force on {@code day}; an absent one means "at least 1". */
        public static Validity of(List<Threshold> thresholds, LocalDate day) {
            Map<String, Integer> min24 = new LinkedHashMap<>();
            int o3Hours = 1;
            int w8 = 1;
            int mda8 = 1;
            for (Threshold t : thresholds) {
                if (!t.kind().equals("validity") || !t.inForceOn(day)) {
                    continue;
                }
                int v = (int) Math.ceil(t.value());
                switch (t.statistic()) {
                    case "24h-mean" -> min24.put(t.indicator(), v);
                    case "1h-max" -> o3Hours = v;
                    case "8h-mean" -> w8 = v;
                    case "mda8" -> mda8 = v;
                    default -> { }
                }
            }
            return new Validity(min24, o3Hours, w8, mda8);
        }

        int min24(String indicator) {
            return min24hHours.getOrDefault(indicator, 1);
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

    /** The 24-hour statistic of every indicator with hourly values that day (valid or not). */
    public static List<DailyStat> dailyStats(String subject, LocalDate date, Hours h) {
        List<DailyStat> out = new ArrayList<>();
        h.values().forEach((ind, arr) -> {
            int n = 0;
            double sum = 0;
            for (double v : arr) {
                if (!Double.isNaN(v)) {
                    n++;
                    sum += v;
                }
            }
            if (n > 0) {
                out.add(new DailyStat(subject, ind, date, n, sum / n, List.copyOf(h.readingIds().get(ind))));
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
            if (n > 0 && n >= v.min24(ind)) {
                values.put(ind, mean(arr, 0, 24));
            }
        }
        double[] o3 = h.values().get("O3");
        int o3n = count(o3);
        hours.put("O3", o3n);
        if (o3n > 0 && o3n >= v.minO3Hours()) {
            double max = Double.NEGATIVE_INFINITY;
            for (double x : o3) {
                if (!Double.isNaN(x)) {
                    max = Math.max(max, x);
                }
            }
            values.put("O3_1H", max);
        }
        if (o3 != null) {
            int validWindows = 0;
            double mda8 = Double.NEGATIVE_INFINITY;
            for (int start = 0; start <= 16; start++) {
                int n = 0;
                for (int i = start; i < start + 8; i++) {
                    n += Double.isNaN(o3[i]) ? 0 : 1;
                }
                if (n >= v.min8hHours()) {
                    validWindows++;
                    mda8 = Math.max(mda8, mean(o3, start, start + 8));
                }
            }
            if (validWindows > 0 && validWindows >= v.minMda8Windows()) {
                values.put("O3_8H", mda8);
            }
        }
        List<Long> ids = new ArrayList<>();
        h.readingIds().values().forEach(ids::addAll);
        return build(subject, "air-station", date, values, hours, ids);
    }

    public static AirDay district(String district, LocalDate date, List<AirDay> stations) {
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (AirDay s : stations) {
            s.values().forEach((item, val) -> {
                sums.merge(item, val, Double::sum);
                counts.merge(item, 1, Integer::sum);
            });
        }
        Map<String, Double> values = new LinkedHashMap<>();
        sums.forEach((item, sum) -> values.put(item, sum / counts.get(item)));
        return build(district, "district", date, values, counts, List.of());
    }

    private static AirDay build(String subject, String kind, LocalDate date, Map<String, Double> values,
                                Map<String, Integer> hours, List<Long> ids) {
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
        return new AirDay(subject, kind, date, values, hours, iaqi, r == null ? -1 : r.aqi(),
                r == null ? null : r.category(), r == null ? List.of() : r.primaryPollutants(),
                r == null ? List.of() : r.overStandard(), valid, ids);
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

    private static double mean(double[] arr, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(arr[i])) {
                sum += arr[i];
                n++;
            }
        }
        return sum / n;
    }
}
