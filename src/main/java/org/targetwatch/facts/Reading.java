package org.targetwatch.facts;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A stored reading as the rules see it: the revision in force for its (indicator, subject, observedAt).
 *
 * @param date the calendar day of {@code observedAt} in Asia/Shanghai
 * @param flag the HJ 212 data flag of a value that is not valid (maintenance, calibration, ...), or null. A flagged
 *             reading is stored and shown but is no fact of an evaluation and counts in no statistic.
 */
public record Reading(
        long id,
        String indicator,
        String subject,
        Instant observedAt,
        LocalDate date,
        double value,
        String unit,
        int revision,
        String flag)
        implements Scope.Covered {

    /** A valid reading (no flag). */
    public Reading(
            long id,
            String indicator,
            String subject,
            Instant observedAt,
            LocalDate date,
            double value,
            String unit,
            int revision) {
        this(id, indicator, subject, observedAt, date, value, unit, revision, null);
    }

    /** Whether the value is valid (it has no flag), so counts in statistics and is evaluated. */
    public boolean valid() {
        return flag == null;
    }

    @Override
    public java.util.List<Scope> scopes() {
        return java.util.List.of(
                new Scope(subject, indicator, date.toString(), value, java.util.List.of(id)),
                new Scope(subject, indicator, Scope.NO_DATA, value, java.util.List.of(id)));
    }
}
