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

    /** One station-day of hourly values for all six pollutants, constant over the day (a valid day of HJ 663). */
    public static JsonArray hourlyAirDay(
            String station, String day, double pm25, double pm10, double so2, double no2, double co, double o3) {
        JsonArray out = new JsonArray();
        for (int h = 0; h < 24; h++) {
            String at = String.format("%sT%02d:00:00+08:00", day, h);
            out.add(reading("PM2_5", station, at, pm25, "ug/m3"));
            out.add(reading("PM10", station, at, pm10, "ug/m3"));
            out.add(reading("SO2", station, at, so2, "ug/m3"));
            out.add(reading("NO2", station, at, no2, "ug/m3"));
            out.add(reading("CO", station, at, co, "mg/m3"));
            out.add(reading("O3", station, at, o3, "ug/m3"));
        }
        return out;
    }
}
