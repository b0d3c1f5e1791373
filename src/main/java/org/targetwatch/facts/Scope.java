package org.targetwatch.facts;

import java.util.List;

/**
 * What one evaluated fact covers: alerts about this subject, indicator and period were judged by this evaluation.
 * An active alert in an evaluated scope that no rule breached again is resolved, with {@code value} and
 * {@code readingIds} as the values that cleared it.
 */
public record Scope(String subject, String indicator, String period, double value, List<Long> readingIds) {
    /** Period of missing-data alerts: any new reading of the subject and indicator resolves them. */
    public static final String NO_DATA = "no-data";

    /** The key alerts are matched on. */
    public String key() {
        return subject + "\u0000" + indicator + "\u0000" + period;
    }

    /** Facts whose evaluation decides alerts; each names the scopes it covers. */
    public interface Covered {
        List<Scope> scopes();
    }
}
