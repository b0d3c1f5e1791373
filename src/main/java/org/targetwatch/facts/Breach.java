package org.targetwatch.facts;

import java.util.List;

/**
 * Created by a rule consequence when a fact crosses a threshold. Java turns breaches into alerts; rules never do
 * I/O.
 *
 * @param rule       the DRL rule name
 * @param period     what the breach is about in time: a day {@code 2023-03-01} for daily statistics and samples
 * @param value      the observed value or statistic that crossed the threshold, in the threshold's unit
 * @param readingIds the readings behind {@code value}
 * @param note       what the rule adds to the threshold's description (e.g. the worst parameters), or ""
 */
public record Breach(
        String rule,
        String subject,
        String indicator,
        String period,
        double value,
        Threshold threshold,
        List<Long> readingIds,
        String note) {

    public Breach(
            String rule,
            String subject,
            String indicator,
            String period,
            double value,
            Threshold threshold,
            List<Long> readingIds) {
        this(rule, subject, indicator, period, value, threshold, readingIds, "");
    }
}
