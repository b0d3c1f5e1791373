package org.targetwatch.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One entry of the indicator catalog. Values outside [min, max] (inclusive) are rejected at ingest.
 *
 * @param missingAfterMinutes reporting calendar: a subject that has reported this indicator and has no newer
 *                     observation for this long raises a no-data alert (null: not watched)
 * @param subjectKinds kinds of registered subject a reading of this indicator may be about
 * @param frequency {@code hourly} (value is an hourly mean, observedAt on the hour, feeds daily statistics),
 *                  {@code sample} (one laboratory sample) or {@code period} (a statistic reported for a period)
 * @param aliases      column headers of station exports and workbooks that name it besides its code
 *                     ({@code PM2.5}, {@code 细颗粒物}); see {@code ingest.WideLayout}
 */
public record Indicator(
        String code,
        String nameZh,
        String nameEn,
        String unit,
        String category,
        String frequency,
        double min,
        double max,
        boolean integer,
        List<String> subjectKinds,
        Integer missingAfterMinutes,
        List<String> aliases) {

    public boolean hourly() {
        return "hourly".equals(frequency);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("code", code)
                .put("nameZh", nameZh)
                .put("nameEn", nameEn)
                .put("unit", unit)
                .put("category", category)
                .put("frequency", frequency)
                .put("min", min)
                .put("max", max)
                .put("integer", integer)
                .put("subjectKinds", new JsonArray(List.copyOf(subjectKinds)))
                .put("missingAfterMinutes", missingAfterMinutes)
                .put("aliases", new JsonArray(List.copyOf(aliases)));
    }
}
