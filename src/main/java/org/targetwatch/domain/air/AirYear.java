package org.targetwatch.domain.air;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Decimals;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.AnnualStatistic;
import org.targetwatch.facts.Threshold;

/**
 * Year-to-date and annual air statistics from stored daily values.
 *
 * <p>Contract:
 * <ul>
 *   <li>优良天数比例 = good days (valid, AQI ≤ 100) ÷ valid days × 100, as of the latest day with data.</li>
 *   <li>Best possible ratio: (good + remaining) ÷ (valid + remaining) × 100, remaining = days of the year after
 *       that day; below the target it can no longer be reached.</li>
 *   <li>Year-on-year: PM2.5 and PM10 means of the valid daily means from 1 January to that day, this year and the
 *       same calendar span of the previous year.</li>
 *   <li>Annual statistics (HJ 663-2013): annual means of SO2, NO2, PM10, PM2.5; 98th percentile of daily SO2 and
 *       NO2; 95th percentile of daily PM10, PM2.5 and CO; 90th percentile of O3 MDA8 — each over the days with a
 *       valid (already rounded) value, computed in decimal ({@link Percentile}) and rounded by GB/T 8170 to the
 *       precision of its limit; determined only with GB 3095-2012 表4's ≥ 324 valid days and ≥ 27 in every month
 *       (25 in February).</li>
 * </ul>
 */
public final class AirYear {
    /** One stored day: validity, AQI and the daily values by item ({@code PM2_5}, {@code O3_8H}, ...). */
    public record Day(LocalDate date, boolean valid, int aqi, Map<String, Double> values) {}

    private AirYear() {}

    /** Year-to-date statistics of {@code year}; {@code days} may also hold days of the previous year. */
    public static AirYearToDate yearToDate(String subject, String kind, int year, List<Day> days) {
        LocalDate asOf = null;
        int valid = 0;
        int good = 0;
        for (Day d : days) {
            if (d.date().getYear() != year) {
                continue;
            }
            asOf = asOf == null || d.date().isAfter(asOf) ? d.date() : asOf;
            if (d.valid()) {
                valid++;
                if (d.aqi() >= 0 && d.aqi() <= 100) {
                    good++;
                }
            }
        }
        if (asOf == null) {
            return null;
        }
        int daysInYear = asOf.lengthOfYear();
        int remaining = daysInYear - asOf.getDayOfYear();
        double ratio = valid == 0 ? 0 : 100.0 * good / valid;
        double best = valid + remaining == 0 ? 0 : 100.0 * (good + remaining) / (valid + remaining);
        LocalDate prevEnd = asOf.minusYears(1);
        return new AirYearToDate(
                subject,
                kind,
                year,
                asOf,
                valid,
                good,
                ratio,
                remaining,
                best,
                mean(days, "PM2_5", year, asOf),
                mean(days, "PM10", year, asOf),
                mean(days, "PM2_5", year - 1, prevEnd),
                mean(days, "PM10", year - 1, prevEnd));
    }

    private static double mean(List<Day> days, String item, int year, LocalDate until) {
        double sum = 0;
        int n = 0;
        for (Day d : days) {
            Double v = d.values().get(item);
            if (v != null && d.date().getYear() == year && !d.date().isAfter(until)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The HJ 663-2013 annual statistics of {@code year} (from the days of that year only), each rounded to the
     * precision of its limit in force at the year's end and judged determined by the validity thresholds
     * {@code annual-days}, {@code month-days} and {@code february-days} of its indicator in force then (for a
     * district whose {@code airStandardFrom} is {@code standardFrom}); a missing rule leaves it undetermined.
     */
    public static List<AnnualStatistic> annual(
            String subject, String kind, int year, List<Day> days, List<Threshold> thresholds, LocalDate standardFrom) {
        List<AnnualStatistic> out = new ArrayList<>();
        Context c = new Context(subject, kind, year, days, thresholds, standardFrom);
        for (String ind : List.of("SO2", "NO2", "PM10", "PM2_5")) {
            c.add(out, ind, ind, "annual-mean", -1);
        }
        c.add(out, "SO2", "SO2", "p98-24h", 98);
        c.add(out, "NO2", "NO2", "p98-24h", 98);
        c.add(out, "PM10", "PM10", "p95-24h", 95);
        c.add(out, "PM2_5", "PM2_5", "p95-24h", 95);
        c.add(out, "CO", "CO", "p95-24h", 95);
        c.add(out, "O3", "O3_8H", "p90-mda8", 90);
        return out;
    }

    private record Context(
            String subject, String kind, int year, List<Day> days, List<Threshold> thresholds, LocalDate standardFrom) {

        void add(List<AnnualStatistic> out, String indicator, String item, String statistic, double p) {
            List<BigDecimal> values = new ArrayList<>();
            Integer[] months = new Integer[12];
            java.util.Arrays.fill(months, 0);
            for (Day d : days) {
                Double v = d.values().get(item);
                if (v != null && d.date().getYear() == year) {
                    values.add(Decimals.of(v));
                    months[d.date().getMonthValue() - 1]++;
                }
            }
            if (values.isEmpty()) {
                return;
            }
            LocalDate end = LocalDate.of(year, 12, 31);
            Integer decimals = Threshold.inForce(thresholds, "limit", indicator, statistic, end, standardFrom)
                    .map(Threshold::decimals)
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            BigDecimal exact = p < 0 ? Decimals.mean(values) : Percentile.of(values, p);
            double v = Decimals.value(exact, decimals);
            String why = undetermined(indicator, values.size(), months, end);
            out.add(new AnnualStatistic(
                    subject,
                    kind,
                    year,
                    indicator,
                    statistic,
                    v,
                    values.size(),
                    List.of(months),
                    why == null,
                    why,
                    standardFrom));
        }

        /** Why the year's values do not make a valid annual statistic (GB 3095-2012 表4), or null if they do. */
        private String undetermined(String indicator, int total, Integer[] months, LocalDate end) {
            Threshold annual = validity(indicator, "annual-days", end);
            Threshold month = validity(indicator, "month-days", end);
            Threshold february = validity(indicator, "february-days", end);
            if (annual == null || month == null || february == null) {
                return "无年评价数据有效性规定 / no validity rule for an annual statistic in force";
            }
            if (!annual.test(total)) {
                return "有效日数" + total + "天, 不足" + fmt(annual.value()) + "天 / " + total + " valid days, fewer than "
                        + fmt(annual.value());
            }
            for (int m = 0; m < 12; m++) {
                Threshold rule = m == 1 ? february : month;
                if (!rule.test(months[m])) {
                    return (m + 1) + "月有效日数" + months[m] + "天, 不足" + fmt(rule.value()) + "天 / month " + (m + 1) + ": "
                            + months[m] + " valid days, fewer than " + fmt(rule.value());
                }
            }
            return null;
        }

        private Threshold validity(String indicator, String statistic, LocalDate end) {
            return Threshold.inForce(thresholds, "validity", indicator, statistic, end, standardFrom)
                    .findFirst()
                    .orElse(null);
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }
}
