package org.targetwatch.rules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.facts.Threshold;

/**
 * Parses {@code targets.json}: every target of the work report, as {@link TargetDefinition}s and as the
 * {@link Threshold}s (kind {@code target}) the rules in {@code targets.drl} compare progress with. A target's
 * thresholds carry its phrase as source, its strength, and a severity chosen by strength and outcome.
 */
final class TargetFile {
    static final String NAME = "targets.json";
    private static final Set<String> MODES = Set.of(
            "growth",
            "level",
            "cumulative",
            "done",
            "milestone",
            "zero",
            "reach-zero",
            "decrease",
            "covered-by-rule",
            "not-checkable");
    private static final Set<String> STRENGTHS = Set.of("底线", "确保", "预期", "力争", "—");

    record Parsed(List<TargetDefinition> targets, List<Threshold> thresholds) {}

    private TargetFile() {}

    static Parsed parse(String text, List<RuleBuildException.Problem> problems) {
        List<TargetDefinition> targets = new ArrayList<>();
        List<Threshold> thresholds = new ArrayList<>();
        JsonObject root;
        try {
            root = new JsonObject(text);
        } catch (RuntimeException e) {
            problems.add(new RuleBuildException.Problem(NAME, 0, "not valid JSON: " + e.getMessage()));
            return new Parsed(targets, thresholds);
        }
        int year = root.getInteger("year", 0);
        JsonObject severities = root.getJsonObject("severityByStrength", new JsonObject());
        JsonArray list = root.getJsonArray("targets", new JsonArray());
        JsonObject sections = root.getJsonObject("sections", new JsonObject());
        LocalDate from = LocalDate.of(year, 1, 1);
        LocalDate to = LocalDate.of(year, 12, 31);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "targets[" + i + "]";
            try {
                JsonObject o = list.getJsonObject(i);
                String id = req(o, "id");
                String mode = req(o, "mode");
                String strength = req(o, "strength");
                if (!MODES.contains(mode)) {
                    throw new IllegalArgumentException("mode must be one of " + MODES);
                }
                if (!STRENGTHS.contains(strength)) {
                    throw new IllegalArgumentException("strength must be one of " + STRENGTHS);
                }
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("duplicate id " + id);
                }
                boolean checkable = !mode.equals("covered-by-rule") && !mode.equals("not-checkable");
                Map<Integer, Double> profile = new LinkedHashMap<>();
                JsonObject p = o.getJsonObject("profile");
                if (p != null) {
                    for (String m : p.fieldNames()) {
                        profile.put(Integer.parseInt(m), ((Number) p.getValue(m)).doubleValue());
                    }
                }
                String phrase = req(o, "phrase");
                String measure = mode.equals("done") ? "done" : null;
                LocalDate start = from;
                LocalDate due = to;
                if (mode.equals("milestone")) {
                    measure = req(o, "measure");
                    if (!Set.of("share", "done").contains(measure)) {
                        throw new IllegalArgumentException("measure must be share or done");
                    }
                }
                if (mode.equals("milestone") || mode.equals("done")) {
                    start = date(o, "start", from, from, to);
                    due = date(o, "due", to, start, to);
                }
                String item = o.getString("item", "");
                if (!item.isEmpty() && !phrase.contains(item)) {
                    throw new IllegalArgumentException("item '" + item + "' is not part of the phrase " + phrase);
                }
                TargetDefinition def = new TargetDefinition(
                        id,
                        phrase,
                        o.getString("metric", ""),
                        o.getString("section", ""),
                        o.getString("category", ""),
                        strength,
                        mode,
                        checkable ? req(o, "indicator") : null,
                        o.getString("unit"),
                        o.getString("op"),
                        o.containsKey("target") ? ((Number) o.getValue("target")).doubleValue() : Double.NaN,
                        profile,
                        o.getString("status", "CONFIRMED"),
                        o.getString("statusNote", ""),
                        o.getString("reason", ""),
                        o.getString("baseline2022", ""),
                        o.getString("role", "target"),
                        start,
                        due,
                        measure,
                        item,
                        o.getString("partOf", ""),
                        sections.getString(o.getString("section", ""), o.getString("section", "")),
                        o.getJsonArray("rules", new JsonArray()).stream()
                                .map(String::valueOf)
                                .toList());
                targets.add(def);
                if (checkable) {
                    if (def.op() == null || !Set.of(">", ">=", "<", "<=").contains(def.op())) {
                        throw new IllegalArgumentException("op must be one of > >= < <=");
                    }
                    JsonObject sev = severities.getJsonObject(strength);
                    if (sev == null) {
                        throw new IllegalArgumentException("no severityByStrength entry for " + strength);
                    }
                    for (String stat : statistics(mode, measure)) {
                        String outcome = switch (stat) {
                            case "pace" -> "behind-pace";
                            case "projection" -> "at-risk";
                            default -> "missed";
                        };
                        String source = "曾都区2023年政府工作报告 " + def.section() + " " + def.phrase() + " (" + id + ")";
                        // A milestone's schedule is not in the report: unless the entry confirms its plan
                        // (scheduleStatus), the pace it is held to is UNCONFIRMED; its due date and goal are not.
                        String status = stat.equals("pace") && def.milestone()
                                ? o.getString("scheduleStatus", "UNCONFIRMED")
                                : def.status();
                        thresholds.add(new Threshold(
                                id + "/" + stat,
                                "target",
                                def.indicator(),
                                stat,
                                def.op(),
                                Double.isNaN(def.target()) ? 0 : def.target(),
                                def.unit() == null ? "" : def.unit(),
                                sev.getString(outcome),
                                strength,
                                source,
                                status,
                                from,
                                to,
                                def.metric() + (def.statusNote().isEmpty() ? "" : ". " + def.statusNote()),
                                true,
                                null,
                                1,
                                0,
                                null,
                                null));
                    }
                }
            } catch (RuntimeException e) {
                problems.add(new RuleBuildException.Problem(NAME, 0, where + ": " + e.getMessage()));
            }
        }
        return new Parsed(targets, thresholds);
    }

    /**
     * The threshold statistics a mode is judged by. {@code year-end} is the judgement on the due date (31 December
     * unless a milestone gives one); a milestone measured as a completion share is also paced.
     */
    static List<String> statistics(String mode, String measure) {
        return switch (mode) {
            case "cumulative" -> List.of("pace", "projection", "year-end");
            case "growth", "level" -> List.of("pace", "year-end");
            case "milestone" -> "share".equals(measure) ? List.of("pace", "year-end") : List.of("year-end");
            case "done", "reach-zero" -> List.of("year-end");
            case "zero" -> List.of("bottom-line");
            case "decrease" -> List.of("previous-year");
            default -> List.of();
        };
    }

    /** An optional ISO date within {@code min}..{@code max}, else {@code absent}. */
    private static LocalDate date(JsonObject o, String field, LocalDate absent, LocalDate min, LocalDate max) {
        String v = o.getString(field);
        if (v == null) {
            return absent;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a date (YYYY-MM-DD), not '" + v + "'");
        }
        if (d.isBefore(min) || d.isAfter(max)) {
            throw new IllegalArgumentException(field + " " + v + " must be within " + min + ".." + max);
        }
        return d;
    }

    private static String req(JsonObject o, String field) {
        String v = o.getString(field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v;
    }
}
