package org.targetwatch.facts;

import java.time.LocalDate;
import java.util.List;

/**
 * One annual evaluation statistic of HJ 663-2013 for a subject and year, from its daily values so far.
 *
 * @param statistic    {@code annual-mean}, {@code p98-24h}, {@code p95-24h} or {@code p90-mda8}
 * @param value        the statistic, computed in decimal and rounded by GB/T 8170 to its limit's precision
 * @param days         number of valid daily values it was computed from
 * @param monthDays    valid daily values in each month, January first (12 entries)
 * @param determined   GB 3095-2012 表4 is met: at least 324 valid days and at least 27 in every month (25 in
 *                     February), by the validity thresholds in force; otherwise there is no verdict: the statistic
 *                     neither raises nor clears an alert
 * @param undetermined why not, in words (null when determined)
 * @param standardFrom the district's {@code airStandardFrom} (null: the thresholds' own dates)
 */
public record AnnualStatistic(
        String subject,
        String kind,
        int year,
        String indicator,
        String statistic,
        double value,
        int days,
        List<Integer> monthDays,
        boolean determined,
        String undetermined,
        LocalDate standardFrom)
        implements Scope.Covered {

    /** The last day of the year: the statistic is judged by the thresholds in force on it. */
    public LocalDate yearEnd() {
        return LocalDate.of(year, 12, 31);
    }

    /** Alert period: the year and the statistic, e.g. {@code 2023:annual-mean}. */
    public String period() {
        return year + ":" + statistic;
    }

    @Override
    public List<Scope> scopes() {
        return determined ? List.of(new Scope(subject, indicator, period(), value, List.of())) : List.of();
    }
}
