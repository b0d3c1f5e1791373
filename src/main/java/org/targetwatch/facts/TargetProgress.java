package org.targetwatch.facts;

import java.time.LocalDate;

/**
 * Where a target of the work report stands on the date of a reading.
 *
 * @param mode       growth, level, cumulative, done, milestone, zero, reach-zero or decrease (see
 *                   rules/targets.json)
 * @param value      the reported year-to-date value (for a milestone its completion share in % or 1 = done)
 * @param share      elapsed share of the schedule on {@code date} (day of year ÷ days in year, for a milestone
 *                   the days since its start ÷ the days to its due date, or the profile's share for the month)
 * @param expected   the value due by {@code date}: target × share for cumulative targets and share milestones,
 *                   the target otherwise
 * @param projection for cumulative targets value ÷ share (NaN when share is 0); NaN for milestones (a project's
 *                   completion is not extrapolated); the value otherwise
 * @param due        the day the target is judged: 31 December, or a milestone's due date
 * @param pastDue    the reading is dated on or after {@code due}: the value decides met or missed
 * @param previous   for decrease targets the value reported for the same date a year earlier, else NaN
 */
public record TargetProgress(
        String subject,
        String targetId,
        String indicator,
        String mode,
        LocalDate date,
        double value,
        double target,
        double share,
        double expected,
        double projection,
        LocalDate due,
        boolean pastDue,
        double previous,
        long readingId)
        implements Scope.Covered {

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
