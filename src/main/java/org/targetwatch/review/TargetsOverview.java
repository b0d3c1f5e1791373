package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Times;
import org.targetwatch.facts.Reading;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.rules.TargetDefinition;
import org.targetwatch.store.SubjectStore;

/**
 * Every target of the report for one year, reported or not: the rows of {@code GET /api/v1/targets}.
 *
 * <p>Contract: each 2023 commitment of {@code targets.json} (role {@code target}; the 2022 baselines S01/S02 are
 * not) appears at least once, in the report's order, grouped by the heading of its section, with the bottom lines
 * (底线) and 确保 targets first in a group of their own. A target with readings this year has one row per subject
 * that reported it, with its latest value against its pace ({@link Compliance} decides the status); one with none
 * has one row with status {@code not-reported}; one the numbers cannot check has {@code not-checkable} and its
 * reason; one checked by other rules ({@code covered-by-rule}) has {@code by-rule}, the rules and the count of
 * their unresolved alerts.
 */
public final class TargetsOverview {
    static final String LATEST_OF_YEAR = Compliance.LATEST_OF_YEAR;
    static final String OPEN_ALERTS_BY_RULE = """
            SELECT rule, count(*) AS n FROM alerts
            WHERE resolved_at IS NULL AND status <> 'pending' AND rule = ANY($1::text[])
              AND ($2::text IS NULL OR subject = $2 OR region = $2
                   OR subject IN (SELECT id FROM subjects WHERE region = $2 OR settings ->> 'district' = $2))
            GROUP BY rule""";
    /** The strengths that stand first: the report's bottom lines and what it 确保. */
    static final List<String> FIRST = List.of("底线", "确保");

    private final Pool pool;
    private final SubjectStore subjects;
    private final RuleEngine engine;

    public TargetsOverview(Pool pool, SubjectStore subjects, RuleEngine engine) {
        this.pool = pool;
        this.subjects = subjects;
        this.engine = engine;
    }

    /** The year's targets, for one district's subject id or (null) every subject that reported. */
    public Future<JsonObject> overview(int year, String district) {
        return overview(year, district, null);
    }

    /** The same as of the end of {@code until} (inclusive; null: the whole year): later readings are not read. */
    public Future<JsonObject> overview(int year, String district, LocalDate until) {
        RuleSet rs = engine.current();
        List<TargetDefinition> targets =
                rs.targets().stream().filter(t -> t.role().equals("target")).toList();
        List<String> indicators = targets.stream()
                .map(TargetDefinition::indicator)
                .filter(i -> i != null)
                .toList();
        List<String> rules =
                targets.stream().flatMap(t -> t.rules().stream()).distinct().toList();
        LocalDate from = LocalDate.of(year, 1, 1);
        Future<Map<String, List<Reading>>> latest = pool.preparedQuery(LATEST_OF_YEAR)
                .execute(Tuple.of(
                        indicators.toArray(new String[0]),
                        from.atStartOfDay(Times.ZONE).toOffsetDateTime(),
                        (until == null || !until.isBefore(from.plusYears(1)) ? from.plusYears(1) : until.plusDays(1))
                                .atStartOfDay(Times.ZONE)
                                .toOffsetDateTime()))
                .map(rows -> {
                    Map<String, List<Reading>> byIndicator = new HashMap<>();
                    for (Row row : rows) {
                        if (district != null && !district.equals(row.getString("subject"))) {
                            continue;
                        }
                        byIndicator
                                .computeIfAbsent(row.getString("indicator"), k -> new ArrayList<>())
                                .add(Compliance.reading(row));
                    }
                    return byIndicator;
                });
        Future<Map<String, Long>> open = pool.preparedQuery(OPEN_ALERTS_BY_RULE)
                .execute(Tuple.of(rules.toArray(new String[0]), district))
                .map(rows -> {
                    Map<String, Long> n = new HashMap<>();
                    rows.forEach(r -> n.put(r.getString("rule"), r.getLong("n")));
                    return n;
                });
        Future<Map<String, String>> names = latest.compose(byIndicator -> subjects.names(
                pool,
                byIndicator.values().stream()
                        .flatMap(List::stream)
                        .map(Reading::subject)
                        .collect(java.util.stream.Collectors.toSet())));
        return Future.all(latest, open, names)
                .map(x -> build(year, district, targets, latest.result(), open.result(), names.result()));
    }

    private static JsonObject build(
            int year,
            String district,
            List<TargetDefinition> targets,
            Map<String, List<Reading>> latest,
            Map<String, Long> openByRule,
            Map<String, String> names) {
        Map<String, JsonArray> groups = new LinkedHashMap<>();
        groups.put("", new JsonArray()); // bottom lines and 确保 first
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TargetDefinition def : targets) {
            List<JsonObject> rows = new ArrayList<>();
            if (def.mode().equals("not-checkable")) {
                rows.add(base(def, "not-checkable"));
            } else if (def.mode().equals("covered-by-rule")) {
                JsonObject row = base(def, "by-rule");
                long n = def.rules().stream()
                        .mapToLong(r -> openByRule.getOrDefault(r, 0L))
                        .sum();
                rows.add(row.put("openAlerts", n));
            } else {
                List<Reading> mine =
                        def.indicator() == null ? List.of() : latest.getOrDefault(def.indicator(), List.of());
                if (mine.isEmpty()) {
                    rows.add(base(def, "not-reported"));
                }
                for (Reading r : mine) {
                    JsonObject p = Compliance.progress(def, r);
                    rows.add(base(def, p.getString("status"))
                            .put("subject", r.subject())
                            .put("subjectName", names.get(r.subject()))
                            .put("date", p.getString("date"))
                            .put("value", p.getDouble("value"))
                            .put("expected", p.getDouble("expected"))
                            .put("share", p.getDouble("share")));
                }
            }
            String group = FIRST.contains(def.strength()) ? "" : def.sectionTitle();
            for (JsonObject row : rows) {
                groups.computeIfAbsent(group, k -> new JsonArray()).add(row);
                counts.merge(row.getString("status"), 1, Integer::sum);
            }
        }
        JsonArray out = new JsonArray();
        groups.forEach((title, rows) -> {
            if (!rows.isEmpty()) {
                out.add(new JsonObject()
                        .put("title", title.isEmpty() ? "底线与确保目标" : title)
                        .put("bottomLines", title.isEmpty())
                        .put("targets", rows));
            }
        });
        return new JsonObject()
                .put("year", year)
                .put("district", district)
                .put("counts", new JsonObject(new LinkedHashMap<>(counts)))
                .put("groups", out);
    }

    private static JsonObject base(TargetDefinition def, String status) {
        return new JsonObject()
                .put("id", def.id())
                .put("phrase", def.phrase())
                .put("item", def.item().isEmpty() ? null : def.item())
                .put("partOf", def.partOf().isEmpty() ? null : def.partOf())
                .put("section", def.sectionTitle())
                .put("strength", def.strength())
                .put("category", def.category())
                .put("mode", def.mode())
                .put("milestone", def.milestone())
                .put("indicator", def.indicator())
                .put("op", def.op())
                .put("target", Double.isNaN(def.target()) ? null : def.target())
                .put("unit", def.unit())
                .put("due", def.due().toString())
                .put("thresholdStatus", def.status())
                .put("reason", def.reason().isEmpty() ? null : def.reason())
                .put("rules", new JsonArray(def.rules()))
                .put("status", status)
                .put("subject", null)
                .put("subjectName", null)
                .put("date", null)
                .put("value", null)
                .put("expected", null)
                .put("share", null);
    }
}
