package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.common.Times;
import org.targetwatch.facts.Breach;
import org.targetwatch.ingest.IngestService;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.SubjectStore;

/**
 * Evaluates a candidate ruleset and the live one over the stored readings of a period, day by day, and compares
 * the alerts each would raise: added (only the candidate), removed (only the live one), changed (both, with another
 * severity, threshold or value). Each day's facts are derived exactly as at ingest, inside a transaction that is
 * always rolled back: a backtest never changes readings, derived statistics, alerts or hits.
 */
public final class Backtest {
    private final Pool pool;
    private final ReadingStore readings;
    private final SubjectStore subjects;
    private final IngestService ingest;
    private final RuleEngine engine;

    public Backtest(Pool pool, ReadingStore readings, SubjectStore subjects, IngestService ingest, RuleEngine engine) {
        this.pool = pool;
        this.readings = readings;
        this.subjects = subjects;
        this.ingest = ingest;
        this.engine = engine;
    }

    /** One alert a ruleset would raise, by fingerprint. */
    record Outcome(
            String rule,
            String subject,
            String indicator,
            String period,
            String severity,
            String thresholdId,
            double thresholdValue,
            double value) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("rule", rule)
                    .put("subject", subject)
                    .put("indicator", indicator)
                    .put("period", period)
                    .put("severity", severity)
                    .put("thresholdId", thresholdId)
                    .put("thresholdValue", thresholdValue)
                    .put("value", value);
        }
    }

    /**
     * The job of kind {@code backtest}: {@code {"from", "to", "files": {path: text}}}, the candidate's complete
     * files (resolved when the job was submitted, so that any instance runs the same candidate).
     */
    public Jobs.Work asJob(io.vertx.core.Vertx vertx, java.nio.file.Path rulesDir) {
        return (params, progress) -> {
            LocalDate from = LocalDate.parse(params.getString("from"));
            LocalDate to = LocalDate.parse(params.getString("to"));
            Map<String, byte[]> files = new TreeMap<>();
            params.getJsonObject("files")
                    .forEach(e -> files.put(
                            e.getKey(), ((String) e.getValue()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return vertx.executeBlocking(() -> RuleSet.build(files, rulesDir), false)
                    .compose(candidate -> run(candidate, from, to, progress));
        };
    }

    /** Runs over [from, to] (days, Asia/Shanghai), reporting progress to {@code job}. */
    public Future<JsonObject> run(RuleSet candidate, LocalDate from, LocalDate to, Jobs.Progress job) {
        RuleSet live = engine.current();
        Map<String, Outcome> liveOut = new TreeMap<>();
        Map<String, Outcome> candOut = new TreeMap<>();
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        Future<Void> chain = Future.succeededFuture();
        int[] done = {0};
        long[] evaluated = {0};
        long t0 = System.nanoTime();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            LocalDate day = d;
            chain = chain.compose(x -> day(day, live, candidate, liveOut, candOut))
                    .map(n -> {
                        evaluated[0] += n;
                        job.progress(++done[0], days);
                        return null;
                    });
        }
        return chain.map(x -> {
            double seconds = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
            return compare(live, candidate, from, to, liveOut, candOut)
                    .put("readingsEvaluated", evaluated[0])
                    .put("seconds", Math.round(seconds * 1000) / 1000.0)
                    // each reading is evaluated twice, under the live ruleset and the candidate
                    .put("readingsPerSecond", Math.round(evaluated[0] / seconds));
        });
    }

    /** @return the readings of the day that were evaluated */
    private Future<Integer> day(
            LocalDate day,
            RuleSet live,
            RuleSet candidate,
            Map<String, Outcome> liveOut,
            Map<String, Outcome> candOut) {
        return pool.getConnection()
                .compose(conn -> conn.exceptionHandler(org.targetwatch.store.DatabaseHealth::connectionFailed)
                        .begin()
                        .compose(tx -> evaluateDay(conn, day, live, candidate, liveOut, candOut)
                                .eventually(() -> tx.rollback()))
                        .eventually(conn::close));
    }

    private Future<Integer> evaluateDay(
            SqlConnection conn,
            LocalDate day,
            RuleSet live,
            RuleSet candidate,
            Map<String, Outcome> liveOut,
            Map<String, Outcome> candOut) {
        return readings.inForceBetween(
                        conn,
                        day.atStartOfDay(Times.ZONE).toInstant(),
                        day.plusDays(1).atStartOfDay(Times.ZONE).toInstant())
                .compose(list -> {
                    if (list.isEmpty()) {
                        return Future.succeededFuture(0);
                    }
                    LinkedHashSet<String> ids = new LinkedHashSet<>();
                    list.forEach(r -> ids.add(r.subject()));
                    // facts are derived with each ruleset's own validity thresholds (a candidate may change them)
                    return subjects.find(conn, ids)
                            .compose(known -> ingest.derivation()
                                    .derive(conn, list, known, live)
                                    .compose(facts -> engine.evaluate(live, facts))
                                    .map(lb -> {
                                        collect(lb, liveOut);
                                        return known;
                                    }))
                            .compose(known -> ingest.derivation().derive(conn, list, known, candidate))
                            .compose(facts -> engine.evaluate(candidate, facts))
                            .map(cb -> {
                                collect(cb, candOut);
                                return list.size();
                            });
                });
    }

    private static void collect(List<Breach> breaches, Map<String, Outcome> out) {
        for (Map.Entry<String, Breach> e : AlertService.dedupe(breaches).entrySet()) {
            Breach b = e.getValue();
            out.put(
                    e.getKey(),
                    new Outcome(
                            b.rule(),
                            b.subject(),
                            b.indicator(),
                            b.period(),
                            b.threshold().severity(),
                            b.threshold().id(),
                            b.threshold().value(),
                            b.value()));
        }
    }

    private static JsonObject compare(
            RuleSet live,
            RuleSet candidate,
            LocalDate from,
            LocalDate to,
            Map<String, Outcome> liveOut,
            Map<String, Outcome> candOut) {
        JsonArray added = new JsonArray();
        JsonArray removed = new JsonArray();
        JsonArray changed = new JsonArray();
        int unchanged = 0;
        for (Map.Entry<String, Outcome> e : candOut.entrySet()) {
            Outcome l = liveOut.get(e.getKey());
            Outcome c = e.getValue();
            if (l == null) {
                added.add(c.toJson());
            } else if (!l.equals(c)) {
                changed.add(new JsonObject().put("live", l.toJson()).put("candidate", c.toJson()));
            } else {
                unchanged++;
            }
        }
        for (Map.Entry<String, Outcome> e : liveOut.entrySet()) {
            if (!candOut.containsKey(e.getKey())) {
                removed.add(e.getValue().toJson());
            }
        }
        return new JsonObject()
                .put("from", from.toString())
                .put("to", to.toString())
                .put("liveVersion", live.version())
                .put("candidateVersion", candidate.version())
                .put("liveAlerts", liveOut.size())
                .put("candidateAlerts", candOut.size())
                .put("added", added)
                .put("removed", removed)
                .put("changed", changed)
                .put("unchanged", unchanged);
    }
}
