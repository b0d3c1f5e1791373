package org.targetwatch.common;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Timestamps leave the API in ISO-8601 with the Asia/Shanghai offset (+08:00), as officers read them. */
public final class Times {
    /** The zone of every local date and time: dates of readings, periods, the reporting calendar. */
    public static final java.time.ZoneId ZONE = java.time.ZoneId.of("Asia/Shanghai");

    private Times() {}

    public static String format(java.time.Instant t) {
        return t == null ? null : format(t.atOffset(java.time.ZoneOffset.UTC));
    }

    public static String format(OffsetDateTime t) {
        return t == null
                ? null
                : t.atZoneSameInstant(ZONE).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
