package org.targetwatch.facts;

import java.time.LocalDate;

/**
 * Where a target of the work report stands on the date of a reading.
 *
 * @param mode       growth, level, cumulative, done, zero, reach-zero or decrease (see rules/targets.json)
 * @param value      the reported year-to-date value
 * @param share      elapsed share of the year on {@code date} (day of year ÷ days in year, or the seasonal
 *                   profile's share for the month)
 * @param expected   the value due by {@code date}: target × share for cumulative targets, the target otherwise
 * @param projection for cumulative targets value ÷ share (NaN when share is 0); the value otherwise
 * @param yearEnd    the reading is dated the last day of the year: the value decides met or missed
 * @param previous   for decrease targets the value reported for the same date a year earlier, else NaN
 */
public record TargetProgress(String subject, String targetId, String indicator, String mode, LocalDate date,
                             double value, double target, double share, double expected, double projection,
                             boolean yearEnd, double previous, long readingId) implements Scope.Covered {

    /** Progress of the target {@code def} as of reading {@code r}; {@code previous} for decrease targets. */
    public static TargetProgress of(org.targetwatch.rules.TargetDefinition def, Reading r, double previous) {
        LocalDate day = r.date();
        double share = def.share(day);
        boolean cumulative = def.mode().equals("cumulative");
        double target = Double.isNaN(def.target()) ? 0 : def.target();
        double expected = cumulative ? target * share : target;
        double projection = cumulative ? (share > 0 ? r.value() / share : Double.NaN) : r.value();
        boolean yearEnd = day.getMonthValue() == 12 && day.getDayOfMonth() == 31;
        return new TargetProgress(r.subject(), def.id(), r.indicator(), def.mode(), day, r.value(), target, share,
                expected, projection, yearEnd, previous, r.id());
    }

    public boolean hasProjection() {
        return !Double.isNaN(projection);
    }

    public boolean hasPrevious() {
        return !Double.isNaN(previous);
    }

    public String year() {
        return String.valueOf(date.getYear());
    }

    @Override
    public java.util.List<Scope> scopes() {
        String period = mode.equals("zero") ? date.toString() : year();
        return java.util.List.of(new Scope(subject, indicator, period, value, java.util.List.of(readingId)));
    }
}
