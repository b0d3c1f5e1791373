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
 * @param start   first day of the target's schedule: 1 January of the report year unless a milestone gives one
 * @param due     the day the target is judged met or missed: 31 December unless a milestone gives one
 * @param measure for milestones, {@code share} (completion in percent, 0–100) or {@code done} (1 = done); for
 *                mode {@code done} always {@code done}; null for other targets
 * @param item    for a commitment that names several things in one phrase, the one this target follows (quoted
 *                verbatim from the phrase), else empty
 * @param partOf  the target whose phrase this one shares (M07 is the 万安生态陵园 part of T69), else empty
 * @param sectionTitle the heading of its section in the report, verbatim (from {@code sections}), else its section
 * @param rules   for mode {@code covered-by-rule}, the rules that check it (their alerts are its state), else empty
 */
public record TargetDefinition(
        String id,
        String phrase,
        String metric,
        String section,
        String category,
        String strength,
        String mode,
        String indicator,
        String unit,
        String op,
        double target,
        Map<Integer, Double> profile,
        String status,
        String statusNote,
        String reason,
        String baseline2022,
        String role,
        LocalDate start,
        LocalDate due,
        String measure,
        String item,
        String partOf,
        String sectionTitle,
        java.util.List<String> rules) {

    /**
     * Elapsed share of the schedule on {@code day}: the profile's value for its month, else the days from
     * {@code start} to {@code day} (both counted) ÷ the days from {@code start} to {@code due}, within 0..1. For a
     * target of the whole year that is day of year ÷ days in the year.
     */
    public double share(LocalDate day) {
        if (!profile.isEmpty() && profile.containsKey(day.getMonthValue())) {
            return profile.get(day.getMonthValue());
        }
        double elapsed = java.time.temporal.ChronoUnit.DAYS.between(start, day) + 1;
        double length = java.time.temporal.ChronoUnit.DAYS.between(start, due) + 1;
        return Math.max(0, Math.min(1, elapsed / length));
    }

    /** A commitment to complete something by a due date: mode {@code milestone}, or {@code done}. */
    public boolean milestone() {
        return mode.equals("milestone") || mode.equals("done");
    }

    /** Progress is an amount due pro rata over the schedule: cumulative targets and share milestones. */
    public boolean paced() {
        return mode.equals("cumulative") || (mode.equals("milestone") && "share".equals(measure));
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("phrase", phrase)
                .put("metric", metric)
                .put("section", section)
                .put("category", category)
                .put("strength", strength)
                .put("mode", mode)
                .put("indicator", indicator)
                .put("unit", unit)
                .put("op", op)
                .put("target", Double.isNaN(target) ? null : target)
                .put(
                        "seasonalProfile",
                        profile.isEmpty()
                                ? null
                                : new JsonObject(Map.copyOf(profile).entrySet().stream()
                                        .collect(java.util.stream.Collectors.toMap(
                                                e -> String.valueOf(e.getKey()), Map.Entry::getValue))))
                .put("status", status)
                .put("statusNote", statusNote.isEmpty() ? null : statusNote)
                .put("checkable", indicator != null)
                .put("reason", reason.isEmpty() ? null : reason)
                .put("baseline2022", baseline2022)
                .put("role", role)
                .put("milestone", milestone())
                .put("measure", measure)
                .put("due", due.toString())
                .put("item", item.isEmpty() ? null : item)
                .put("partOf", partOf.isEmpty() ? null : partOf)
                .put("sectionTitle", sectionTitle)
                .put("rules", new io.vertx.core.json.JsonArray(rules));
    }
}
