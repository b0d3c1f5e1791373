package org.targetwatch.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builders of reading JSON as officers send it. */
public final class Readings {
    private Readings() {}

    public static JsonObject reading(String indicator, String subject, String observedAt, double value, String unit) {
        return new JsonObject()
                .put("indicator", indicator)
                .put("subject", subject)
                .put("observedAt", observedAt)
                .put("value", value)
                .put("unit", unit);
    }

    /** {@code hours} hourly PM2.5 values starting at 00:00 (+08:00) of {@code day}. */
    public static JsonArray hourlyPm25(String subject, String day, int hours, double value) {
        JsonArray a = new JsonArray();
        for (int h = 0; h < hours; h++) {
            a.add(reading("PM2_5", subject, String.format("%sT%02d:00:00+08:00", day, h), value, "ug/m3"));
        }
        return a;
    }
}
