package org.targetwatch.facts;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A stored reading as the rules see it: the revision in force for its (indicator, subject, observedAt).
 *
 * @param date the calendar day of {@code observedAt} in Asia/Shanghai
 */
public record Reading(
        long id,
        String indicator,
        String subject,
        Instant observedAt,
        LocalDate date,
        double value,
        String unit,
        int revision)
        implements Scope.Covered {

    @Override
    public java.util.List<Scope> scopes() {
        return java.util.List.of(
                new Scope(subject, indicator, date.toString(), value, java.util.List.of(id)),
                new Scope(subject, indicator, Scope.NO_DATA, value, java.util.List.of(id)));
    }
}
