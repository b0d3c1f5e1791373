package org.targetwatch.facts;

import java.time.LocalDate;
import java.util.List;

/**
 * The 24-hour statistic of an hourly indicator at one subject for one calendar day (Asia/Shanghai), computed from
 * the revisions in force. Derived, never stored: recomputed from readings whenever a reading of that day arrives.
 *
 * @param count        number of hourly values present that day (one per hour)
 * @param mean         exact decimal mean of those values, rounded by GB/T 8170 to the precision of the 24-hour
 *                     limit in force (whole µg/m³, CO 0.1 mg/m³), in the indicator's unit
 * @param readingIds   ids of the readings the mean was computed from, in observation order
 * @param standardFrom the district's {@code airStandardFrom} (null: the thresholds' own dates), which rules pass to
 *                     {@link Threshold#inForceOn(LocalDate, LocalDate)}
 * @param valid        a validity rule is in force and the day has enough hours: only then is the mean judged, and
 *                     only then does it cover (and so may clear) an alert of its day
 */
public record DailyStat(
        String subject,
        String indicator,
        LocalDate date,
        int count,
        double mean,
        List<Long> readingIds,
        LocalDate standardFrom,
        boolean valid)
        implements Scope.Covered {

    @Override
    public List<Scope> scopes() {
        return valid ? List.of(new Scope(subject, indicator, date.toString(), mean, readingIds)) : List.of();
    }
}
