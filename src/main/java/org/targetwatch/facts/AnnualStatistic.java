package org.targetwatch.facts;

/**
 * One annual evaluation statistic of HJ 663-2013 for a subject and year, from its daily values so far.
 *
 * @param statistic {@code annual-mean}, {@code p98-24h}, {@code p95-24h} or {@code p90-mda8}
 * @param days      number of daily values it was computed from (GB 3095 表4: ≥ 324 for a valid annual value)
 */
public record AnnualStatistic(String subject, String kind, int year, String indicator, String statistic,
                              double value, int days) implements Scope.Covered {

    /** The last day of the year: the statistic is judged by the thresholds in force on it. */
    public java.time.LocalDate yearEnd() {
        return java.time.LocalDate.of(year, 12, 31);
    }

    /** Alert period: the year and the statistic, e.g. {@code 2023:annual-mean}. */
    public String period() {
        return year + ":" + statistic;
    }

    @Override
    public java.util.List<Scope> scopes() {
        return java.util.List.of(new Scope(subject, indicator, period(), value, java.util.List.of()));
    }
}
