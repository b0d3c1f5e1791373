package org.targetwatch.facts;

import java.time.LocalDate;
import java.util.List;

/**
 * The 24-hour statistic of an hourly indicator at one subject for one calendar day (Asia/Shanghai), computed from
 * the revisions in force. Derived, never stored: recomputed from readings whenever a reading of that day arrives.
 *
 * @param count      number of hourly values present that day (one per hour)
 * @param mean       arithmetic mean of those values, unrounded, in the indicator's unit
 * @param readingIds ids of the readings the mean was computed from, in observation order
 */
public record DailyStat(String subject, String indicator, LocalDate date, int count, double mean,
                        List<Long> readingIds) implements Scope.Covered {

    @Override
    public List<Scope> scopes() {
        return List.of(new Scope(subject, indicator, date.toString(), mean, readingIds));
    }
}
