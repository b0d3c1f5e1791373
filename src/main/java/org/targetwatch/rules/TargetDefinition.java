package org.targetwatch.rules;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.Map;

/**
 * One target of the work report as written in {@code targets.json}. {@code indicator} is null for targets that
 * are checked by another rule or cannot be checked by numbers ({@code reason} says which).
 *
 * @param profile cumulative share of the year's amount due by the end of each month (1..12), or empty for a
 *                linear pace
 * @param role    {@code target} (a 2023 commitment of the report) or {@code baseline} (a 2022 result the report
 *                quotes, S01/S02: checked only by its year-on-year reading, never shown as a 2023 target)
 */
public record TargetDefinition(String id, String phrase, String metric, String section, String category,
                               String strength, String mode, String indicator, String unit, String op,
                               double target, Map<Integer, Double> profile, String status, String statusNote,
                               String reason, String baseline2022, String role) {

    /** Elapsed share of the year on {@code day}: the profile's value for its month, else day of year ÷ days. */
    public double share(LocalDate day) {
        if (!profile.isEmpty()) {
            return profile.getOrDefault(day.getMonthValue(), (double) day.getDayOfYear() / day.lengthOfYear());
        }
        return (double) day.getDayOfYear() / day.lengthOfYear();
    }

    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("phrase", phrase).put("metric", metric).put("section", section)
                .put("category", category).put("strength", strength).put("mode", mode).put("indicator", indicator)
                .put("unit", unit).put("op", op).put("target", Double.isNaN(target) ? null : target)
                .put("seasonalProfile", profile.isEmpty() ? null : new JsonObject(Map.copyOf(profile).entrySet()
                        .stream().collect(java.util.stream.Collectors.toMap(e -> String.valueOf(e.getKey()),
                                Map.Entry::getValue))))
                .put("status", status).put("statusNote", statusNote.isEmpty() ? null : statusNote)
                .put("checkable", indicator != null).put("reason", reason.isEmpty() ? null : reason)
                .put("baseline2022", baseline2022).put("role", role);
    }
}
