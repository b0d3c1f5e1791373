package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.targetwatch.common.Times;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.domain.air.AirSummary;
import org.targetwatch.domain.targets.TargetsDomain;
import org.targetwatch.domain.water.WaterStats;
import org.targetwatch.domain.water.WaterStore;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.TargetProgress;
import org.targetwatch.facts.WaterAssessment;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.rules.TargetDefinition;
import org.targetwatch.store.SubjectStore;

/**
 * The compliance overview of the report's commitments for one year, from stored data: each district's good-day
 * ratio against 86% and annual attainment, each target's latest progress against its pace, each water section's
 * and source's annual class against its target class, each district's latest debt ratio band, and the active
 * safety bottom-line alerts.
 */
public final class Compliance {
    static final String LATEST_OF_YEAR = """
            SELECT DISTINCT ON (subject, indicator) id, subject, indicator, observed_at, value, unit, revision
            FROM readings_full WHERE indicator = ANY($1::text[]) AND observed_at >= $2 AND observed_at < $3
            ORDER BY subject, indicator, observed_at DESC, revision DESC""";
    static final String SAFETY_ALERTS = """
            SELECT count(*) FILTER (WHERE severity = 'critical') AS critical, count(*) AS total
            FROM alerts WHERE category = 'safety' AND resolved_at IS NULL""";

    private final Pool pool;
    private final SubjectStore subjects;
    private final AirStore air;
    private final WaterStore water;
    private final RuleEngine engine;

    public Compliance(Pool pool, SubjectStore subjects, AirStore air, WaterStore water, RuleEngine engine) {
        this.pool = pool;
        this.subjects = subjects;
        this.air = air;
        this.water = water;
        this.engine = engine;
    }

    public Future<JsonObject> overview(int year) {
        RuleSet rs = engine.current();
        LocalDate from = LocalDate.of(year, 1, 1);
        LocalDate to = LocalDate.of(year + 1, 1, 1);
        JsonObject out = new JsonObject().put("year", year).put("rulesetVersion", rs.version());
        return subjects.list(null, null).compose(all -> {
            List<Subject> districts =
                    all.stream().filter(s -> s.kind().equals("district")).toList();
            List<Subject> waters = all.stream()
                    .filter(s -> s.kind().equals("water-section") || s.kind().equals("drinking-water-source"))
                    .toList();
            JsonArray airRows = new JsonArray();
            Future<Void> chain = Future.succeededFuture();
            for (Subject d : districts) {
                chain = chain.compose(x -> air.days(
                                pool, d.id(), LocalDate.of(year - 1, 1, 1), LocalDate.of(year, 12, 31))
                        .map(days -> {
                            JsonObject s = AirSummary.build(
                                    d.id(), d.kind(), year, days, rs.thresholds(), d.airStandardFrom());
                            if (s.getString("asOf") != null) {
                                airRows.add(s.put("name", d.name()).put("annual", (Object) null));
                            }
                            return null;
                        }));
            }
            List<String> targetIndicators = new ArrayList<>();
            rs.targets().forEach(t -> {
                if (t.indicator() != null) {
                    targetIndicators.add(t.indicator());
                }
            });
            targetIndicators.add("DEBT_RATIO");
            JsonArray targetRows = new JsonArray();
            JsonArray debtRows = new JsonArray();
            chain = chain.compose(x -> pool.preparedQuery(LATEST_OF_YEAR)
                    .execute(Tuple.of(
                            targetIndicators.toArray(new String[0]),
                            from.atStartOfDay(Times.ZONE).toOffsetDateTime(),
                            to.atStartOfDay(Times.ZONE).toOffsetDateTime()))
                    .map(rows -> {
                        rows.forEach(row -> {
                            Reading r = reading(row);
                            if (r.indicator().equals("DEBT_RATIO")) {
                                debtRows.add(new JsonObject()
                                        .put("subject", r.subject())
                                        .put("date", r.date().toString())
                                        .put("value", r.value())
                                        .put("band", band(r.value())));
                                return;
                            }
                            rs.targetOf(r.indicator()).ifPresent(def -> targetRows.add(progress(def, r)));
                        });
                        return null;
                    }));
            JsonArray waterRows = new JsonArray();
            chain = chain.compose(x -> water(rs, year, waters).map(rows -> {
                waterRows.addAll(rows);
                return null;
            }));
            return chain.compose(x -> pool.query(SAFETY_ALERTS).execute()).map(rows -> {
                var row = rows.iterator().next();
                return out.put("air", airRows)
                        .put("targets", targetRows)
                        .put("water", waterRows)
                        .put("debt", debtRows)
                        .put(
                                "safety",
                                new JsonObject()
                                        .put("activeCritical", row.getLong("critical"))
                                        .put("activeTotal", row.getLong("total")));
            });
        });
    }

    /**
     * The annual (year-to-date) assessment of each of {@code waters} with samples in {@code year}: its class,
     * target class, whether it meets it, main pollutants and the separately assessed parameters.
     */
    Future<JsonArray> water(RuleSet rs, int year, List<Subject> waters) {
        LocalDate from = LocalDate.of(year, 1, 1);
        LocalDate to = LocalDate.of(year + 1, 1, 1);
        return water.readings(
                        pool,
                        waters.stream()
                                .map(w -> new WaterStore.Range(w.id(), from, to))
                                .toList())
                .map(readings -> {
                    JsonArray rows = new JsonArray();
                    for (Subject w : waters) {
                        List<Reading> mine = readings.stream()
                                .filter(r -> r.subject().equals(w.id()))
                                .toList();
                        if (mine.isEmpty()) {
                            continue;
                        }
                        WaterAssessment a = WaterStats.assess(
                                rs.table(org.targetwatch.domain.water.WaterClasses.class),
                                w,
                                "year",
                                String.valueOf(year),
                                mine);
                        JsonObject separate = new JsonObject();
                        a.separateClasses()
                                .forEach((k, c) -> separate.put(k, org.targetwatch.domain.water.WaterClasses.name(c)));
                        rows.add(new JsonObject()
                                .put("subject", w.id())
                                .put("name", w.name())
                                .put("kind", w.kind())
                                .put("classNumber", a.classNumber())
                                .put(
                                        "class",
                                        a.classNumber() == 0
                                                ? null
                                                : org.targetwatch.domain.water.WaterClasses.name(a.classNumber()))
                                .put("targetClass", org.targetwatch.domain.water.WaterClasses.name(a.targetClass()))
                                .put("status", a.status())
                                .put("yearToDate", !a.judged())
                                .put("meetsTarget", a.classNumber() == 0 || !a.judged() ? null : !a.worseThanTarget())
                                .put("samples", a.samples())
                                .put("requiredSamples", a.requiredSamples())
                                .put("worstParameters", new JsonArray(a.worstParameters()))
                                .put("mainPollutants", new JsonArray(a.worstParameters()))
                                .put("exceedances", new JsonObject(new java.util.LinkedHashMap<>(a.exceedances())))
                                .put("separate", separate));
                    }
                    return rows;
                });
    }

    /** A row of {@link #LATEST_OF_YEAR} as a reading, its date the local day of its time. */
    static Reading reading(io.vertx.sqlclient.Row row) {
        java.time.Instant at = row.getOffsetDateTime("observed_at").toInstant();
        return new Reading(
                row.getLong("id"),
                row.getString("indicator"),
                row.getString("subject"),
                at,
                at.atZone(Times.ZONE).toLocalDate(),
                row.getDouble("value"),
                row.getString("unit"),
                row.getInteger("revision"));
    }

    /**
     * A target's row: {@code met} or {@code missed} on its due date; before it {@code on-pace}, {@code behind-pace}
     * or {@code at-risk} (the projection misses), and for a done/not-done milestone not yet done {@code pending}
     * (nothing is due before its due date).
     */
    static JsonObject progress(TargetDefinition def, Reading r) {
        TargetProgress p = TargetsDomain.progress(def, r, Double.NaN);
        boolean meets = switch (def.op()) {
            case ">" -> p.value() > p.expected();
            case ">=" -> p.value() >= p.expected();
            case "<" -> p.value() < p.expected();
            default -> p.value() <= p.expected();
        };
        boolean projectionMeets = !p.hasProjection()
                || !def.mode().equals("cumulative")
                || (def.op().startsWith(">") ? p.projection() >= p.target() : p.projection() <= p.target());
        String status = p.pastDue()
                ? (meets ? "met" : "missed")
                : "done".equals(def.measure())
                        ? (meets ? "met" : "pending")
                        : !meets ? (projectionMeets ? "behind-pace" : "at-risk") : "on-pace";
        return new JsonObject()
                .put("id", def.id())
                .put("phrase", def.phrase())
                .put("strength", def.strength())
                .put("item", def.item().isEmpty() ? null : def.item())
                .put("milestone", def.milestone())
                .put("subject", r.subject())
                .put("date", r.date().toString())
                .put("value", r.value())
                .put("expected", Math.round(p.expected() * 100) / 100.0)
                .put("target", def.target())
                .put("unit", def.unit())
                .put("share", Math.round(p.share() * 1000) / 10.0)
                .put("due", def.due().toString())
                .put("status", status);
    }

    static String band(double ratio) {
        return ratio >= 300
                ? "red"
                : ratio >= 200 ? "orange" : ratio >= 120 ? "yellow" : ratio > 100 ? "warning-line" : "green";
    }
}
