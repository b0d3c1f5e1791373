package org.targetwatch.store;

import java.time.Instant;
import org.targetwatch.config.Indicator;

/**
 * One validated reading of a request, before storage. {@code index} is its position in the request. {@code flag}
 * is its HJ 212 data flag when it is not a valid value ({@code F M S D C T B}; see {@link org.targetwatch.facts.DataFlags}), or null for a
 * valid one ({@code N}).
 */
public record ReadingInput(
        int index,
        Indicator indicator,
        String subject,
        Instant observedAt,
        double value,
        String unit,
        String source,
        String flag) {

    /** A valid value (no flag). */
    public ReadingInput(
            int index,
            Indicator indicator,
            String subject,
            Instant observedAt,
            double value,
            String unit,
            String source) {
        this(index, indicator, subject, observedAt, value, unit, source, null);
    }

    /** Identity of a reading: two inputs with the same key describe the same observation. */
    public record Key(String indicator, String subject, Instant observedAt) {}

    public Key key() {
        return new Key(indicator.code(), subject, observedAt);
    }
}
