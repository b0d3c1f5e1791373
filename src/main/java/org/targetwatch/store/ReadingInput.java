package org.targetwatch.store;

import java.time.Instant;
import org.targetwatch.config.Indicator;

/** One validated reading of a request, before storage. {@code index} is its position in the request. */
public record ReadingInput(
        int index, Indicator indicator, String subject, Instant observedAt, double value, String unit, String source) {

    /** Identity of a reading: two inputs with the same key describe the same observation. */
    public record Key(String indicator, String subject, Instant observedAt) {}

    public Key key() {
        return new Key(indicator.code(), subject, observedAt);
    }
}
