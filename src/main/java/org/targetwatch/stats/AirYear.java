package org.targetwatch.stats;

import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.AnnualStatistic;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 *       valid value, with {@link Percentile}.</li>
 * </ul>
 */
public final class AirYear {
    /** One stored day: validity, AQI and the daily values by item ({@code PM2_5}, {@code O3_8H}, ...). */
    public record Day(LocalDate date, boolean valid, int aqi, Map<String, Double> values) {
    }

    private AirYear() {
    }

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
        return new AirYearToDate(subject, kind, year, asOf, valid, good, ratio, remaining, best,
                mean(days, "PM2_5", year, asOf), mean(days, "PM10", year, asOf),
                mean(days, "PM2_5", year - 1, prevEnd), mean(days, "PM10", year - 1, prevEnd));
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

    /** The HJ 663-2013 annual statistics of {@code year} (from the days of that year only). */
    public static List<AnnualStatistic> annual(String subject, String kind, int year, List<Day> days) {
        List<AnnualStatistic> out = new ArrayList<>();
        for (String ind : List.of("SO2", "NO2", "PM10", "PM2_5")) {
            add(out, subject, kind, year, ind, "annual-mean", values(days, ind, year), -1);
        }
        add(out, subject, kind, year, "SO2", "p98-24h", values(days, "SO2", year), 98);
        add(out, subject, kind, year, "NO2", "p98-24h", values(days, "NO2", year), 98);
        add(out, subject, kind, year, "PM10", "p95-24h", values(days, "PM10", year), 95);
        add(out, subject, kind, year, "PM2_5", "p95-24h", values(days, "PM2_5", year), 95);
        add(out, subject, kind, year, "CO", "p95-24h", values(days, "CO", year), 95);
        add(out, subject, kind, year, "O3", "p90-mda8", values(days, "O3_8H", year), 90);
        return out;
    }

    private static void add(List<AnnualStatistic> out, String subject, String kind, int year, String indicator,
                            String statistic, double[] values, double p) {
        if (values.length == 0) {
            return;
        }
        double v;
        if (p < 0) {
            double sum = 0;
            for (double x : values) {
                sum += x;
            }
            v = sum / values.length;
        } else {
            v = Percentile.of(values, p);
        }
        out.add(new AnnualStatistic(subject, kind, year, indicator, statistic, v, values.length));
    }

    private static double[] values(List<Day> days, String item, int year) {
        return days.stream().filter(d -> d.date().getYear() == year && d.values().get(item) != null)
                .mapToDouble(d -> d.values().get(item)).toArray();
    }
}
