package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.targetwatch.RejectedRequestException;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.facts.Subject;
import org.targetwatch.store.SubjectStore;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.facts.Reading;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hot path of a reading batch, in one transaction committed before the caller answers:
 * lock the batch's subjects, classify each reading (new, idempotent repeat, correction), insert the new rows in
 * one statement, load the daily statistics the rules need once per (subject, indicator, day), evaluate every new
 * fact in one Drools call on a worker thread, and open or update alerts. A failure anywhere rolls everything back.
 */
public final class IngestService {
    /**
     * Outcome of one request.
     *
     * @param accepted readings in the request (all accepted: repeats are accepted and change nothing)
     * @param stored   rows written (new readings and corrections)
     * @param alerts   alerts this request opened or updated
     */
    public record Result(int accepted, int stored, int corrections, List<JsonObject> alerts) {
        public JsonObject toJson() {
            return new JsonObject().put("accepted", accepted).put("stored", stored).put("corrections", corrections)
                    .put("unchanged", accepted - stored).put("alerts", alerts);
        }
    }

    private final Pool pool;
    private final SubjectStore subjects;
    private final ReadingStore readings;
    private final AlertService alerts;
    private final RuleEngine engine;
    private final IndicatorCatalog catalog;
    private final Clock clock;

    public IngestService(Pool pool, SubjectStore subjects, ReadingStore readings, AlertService alerts,
                         RuleEngine engine, IndicatorCatalog catalog, Clock clock) {
        this.pool = pool;
        this.subjects = subjects;
        this.readings = readings;
        this.alerts = alerts;
        this.engine = engine;
        this.catalog = catalog;
        this.clock = clock;
    }

    public Future<Result> ingest(ReadingParser.ParsedBatch batch, Long submittedBy) {
        RuleSet ruleSet = engine.current();
        List<ReadingInput> inputs = batch.readings();
        Set<String> subjectIds = new LinkedHashSet<>();
        List<ReadingInput.Key> keys = new ArrayList<>(inputs.size());
        for (ReadingInput in : inputs) {
            subjectIds.add(in.subject());
            keys.add(in.key());
        }
        return pool.withTransaction(conn -> subjects.find(conn, subjectIds).compose(known -> {
            checkSubjects(inputs, known, batch.array());
            return readings.lockSubjects(conn, subjectIds)
                    .compose(v -> readings.latestRevisions(conn, keys))
                    .compose(latest -> {
                        List<ReadingInput> toStore = new ArrayList<>();
                        List<Integer> revisions = new ArrayList<>();
                        int corrections = classify(inputs, latest, toStore, revisions);
                        if (toStore.isEmpty()) {
                            return Future.succeededFuture(new Result(batch.items(), 0, 0, List.of()));
                        }
                        return readings.insert(conn, toStore, revisions, submittedBy)
                                .compose(stored -> dailyStats(conn, stored)
                                        .compose(stats -> {
                                            List<Object> facts = new ArrayList<>(stored.size() + stats.size()
                                                    + known.size());
                                            facts.addAll(stored);
                                            facts.addAll(stats);
                                            facts.addAll(known.values());
                                            return engine.evaluate(ruleSet, facts);
                                        })
                                        .compose(breaches -> alerts.apply(conn, breaches, ruleSet, clock.instant()))
                                        .map(changed -> new Result(batch.items(), stored.size(), corrections,
                                                changed)));
                    });
        }));
    }

    /**
     * Every reading must be about a registered subject of a kind its indicator allows.
     *
     * @throws InvalidReadingException (422) naming each offending item's {@code subject}
     */
    private static void checkSubjects(List<ReadingInput> inputs, Map<String, Subject> known, boolean array) {
        List<RejectedRequestException.FieldError> errors = new ArrayList<>();
        for (ReadingInput in : inputs) {
            Integer index = array ? in.index() : null;
            Subject s = known.get(in.subject());
            if (s == null) {
                errors.add(new RejectedRequestException.FieldError(index, "subject", "unknown subject '"
                        + in.subject() + "'; register it first (POST /api/v1/subjects)"));
            } else if (!in.indicator().subjectKinds().contains(s.kind())) {
                errors.add(new RejectedRequestException.FieldError(index, "subject", "subject '" + s.id()
                        + "' is a " + s.kind() + "; " + in.indicator().code() + " is reported for "
                        + String.join(" or ", in.indicator().subjectKinds())));
            }
            if (errors.size() >= 100) {
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidReadingException(errors);
        }
    }

    /** Splits inputs into rows to store (with their revision); returns how many of those are corrections. */
    private static int classify(List<ReadingInput> inputs, Map<ReadingInput.Key, ReadingStore.Latest> latest,
                                List<ReadingInput> toStore, List<Integer> revisions) {
        int corrections = 0;
        for (ReadingInput in : inputs) {
            ReadingStore.Latest l = latest.get(in.key());
            if (l == null) {
                toStore.add(in);
                revisions.add(1);
            } else if (Double.compare(l.value(), in.value()) != 0) {
                toStore.add(in);
                revisions.add(l.revision() + 1);
                corrections++;
            }
        }
        return corrections;
    }

    private Future<List<DailyStat>> dailyStats(io.vertx.sqlclient.SqlConnection conn, List<Reading> stored) {
        Set<ReadingStore.DayKey> days = new LinkedHashSet<>();
        for (Reading r : stored) {
            if (catalog.find(r.indicator()).map(Indicator::hourly).orElse(false)) {
                days.add(new ReadingStore.DayKey(r.subject(), r.indicator(), r.date()));
            }
        }
        return days.isEmpty() ? Future.succeededFuture(List.of()) : readings.dailyStats(conn, days);
    }
}
