package org.targetwatch.rules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.targetwatch.facts.Threshold;

/** Parses {@code thresholds.json}: the limits and targets the rules compare with, each with provenance. */
final class ThresholdFile {
    static final String NAME = "thresholds.json";
    private static final Set<String> KINDS = Set.of("limit", "validity");
    private static final Set<String> OPS = Set.of(">", ">=", "<", "<=", "==", "!=");
    static final Set<String> SEVERITIES = Set.of("info", "warning", "major", "critical");
    private static final Set<String> STATUSES = Set.of("CONFIRMED", "PARTIAL", "UNCONFIRMED");

    private ThresholdFile() {}

    /** Parses the file text; every defect is added to {@code problems} with its entry index. */
    static List<Threshold> parse(String text, List<RuleBuildException.Problem> problems) {
        List<Threshold> out = new ArrayList<>();
        JsonArray list;
        try {
            list = new JsonObject(text).getJsonArray("thresholds");
        } catch (RuntimeException e) {
            problems.add(new RuleBuildException.Problem(NAME, 0, "not valid JSON: " + e.getMessage()));
            return out;
        }
        if (list == null) {
            problems.add(new RuleBuildException.Problem(NAME, 0, "missing 'thresholds' array"));
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "thresholds[" + i + "]";
            try {
                JsonObject o = list.getJsonObject(i);
                String to = o.getString("effectiveTo");
                Threshold t = new Threshold(
                        req(o, "id"),
                        oneOf(o, "kind", KINDS),
                        req(o, "indicator"),
                        req(o, "statistic"),
                        oneOf(o, "op", OPS),
                        number(o, "value"),
                        req(o, "unit"),
                        oneOf(o, "severity", SEVERITIES),
                        req(o, "strength"),
                        req(o, "source"),
                        oneOf(o, "status", STATUSES),
                        LocalDate.parse(req(o, "effectiveFrom")),
                        to == null ? null : LocalDate.parse(to),
                        o.getString("description", ""),
                        o.getBoolean("enabled", true),
                        o.getDouble("recovery"),
                        o.getInteger("pendingEvaluations", 1),
                        o.getInteger("pendingSeconds", 0),
                        o.getInteger("decimals"),
                        o.getString("fromSetting"));
                if (t.fromSetting() != null && !t.fromSetting().equals(Threshold.AIR_STANDARD_FROM)) {
                    throw new IllegalArgumentException("'fromSetting' must be " + Threshold.AIR_STANDARD_FROM);
                }
                if (t.pendingEvaluations() < 1 || t.pendingSeconds() < 0) {
                    throw new IllegalArgumentException(
                            "pendingEvaluations must be at least 1, pendingSeconds at least 0");
                }
                if (t.effectiveTo() != null && t.effectiveTo().isBefore(t.effectiveFrom())) {
                    throw new IllegalArgumentException("effectiveTo is before effectiveFrom");
                }
                if (!ids.add(t.id())) {
                    throw new IllegalArgumentException("duplicate id " + t.id());
                }
                out.add(t);
            } catch (ClassCastException | DateTimeParseException | IllegalArgumentException e) {
                problems.add(new RuleBuildException.Problem(NAME, 0, where + ": " + e.getMessage()));
            }
        }
        return out;
    }

    private static String req(JsonObject o, String field) {
        String v = o.getString(field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v;
    }

    private static String oneOf(JsonObject o, String field, Set<String> allowed) {
        String v = req(o, field);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException("'" + field + "' must be one of " + allowed + ", got " + v);
        }
        return v;
    }

    private static double number(JsonObject o, String field) {
        Double v = o.getDouble(field);
        if (v == null || !Double.isFinite(v)) {
            throw new IllegalArgumentException("'" + field + "' must be a finite number");
        }
        return v;
    }
}
