package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.common.Telemetry;
import org.targetwatch.domain.Domain;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.Transactions;

/**
 * The path of a reading batch, generic over domains. Before it: parse and validate ({@link ReadingParser},
 * {@link StrictJson}), group commit ({@link IngestQueue}). Here, in one transaction committed before the caller
 * answers, one stage after the other:
 * <ol>
 *   <li>subjects: look up and lock the batch's subjects, refuse requests about unknown subjects or subjects of the
 *       wrong kind ({@link SubjectCheck}), set hour labels ({@link HourLabels});</li>
 *   <li>store: write new readings and corrections once ({@link ReadingWriter}), with each domain's reads
 *       {@link Domain#ahead ahead} pipelined behind the insert;</li>
 *   <li>derive: each domain's facts ({@link Derivation}), taking later locks in the {@link LockOrder};</li>
 *   <li>evaluate: every fact in one Drools call on a worker thread ({@link RuleEngine});</li>
 *   <li>alerts: open, update or resolve alerts ({@link AlertService});</li>
 *   <li>answer: each request's share ({@link Outcomes}).</li>
 * </ol>
 * A failure anywhere rolls everything back.
 */
public final class IngestService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestService.class);

    /**
     * Outcome of one request.
     *
     * @param accepted readings in the request (all accepted: repeats are accepted and change nothing)
     * @param stored   rows written (new readings and corrections)
     * @param alerts   alerts this request's readings opened, updated, reopened, resolved or withdrawn: those about
     *                 its subjects, their districts or regions (an alert of a group-commit transaction that is
     *                 about none of its requests' subjects is reported to all of them)
     */
    public record Result(int accepted, int stored, int corrections, List<JsonObject> alerts) {
        public JsonObject toJson() {
            return new JsonObject()
                    .put("accepted", accepted)
                    .put("stored", stored)
                    .put("corrections", corrections)
                    .put("unchanged", accepted - stored)
                    .put("alerts", alerts);
        }
    }

    /** One parsed request and the token that sent it. */
    public record Request(ReadingParser.ParsedBatch batch, Long submittedBy) {}

    /** A request's result, or the rejection of that request alone. */
    public record Outcome(Result result, RuntimeException rejection) {}

    private final Pool pool;
    private final ReadingStore readings;
    private final ReadingWriter writer;
    private final Derivation derivation;
    private final AlertService alerts;
    private final RuleEngine engine;
    private final Clock clock;
    private final Telemetry telemetry;

    public IngestService(
            Pool pool,
            ReadingStore readings,
            List<Domain> domains,
            AlertService alerts,
            RuleEngine engine,
            Clock clock,
            Telemetry telemetry) {
        this.pool = pool;
        this.readings = readings;
        this.writer = new ReadingWriter(readings);
        this.derivation = new Derivation(domains);
        this.alerts = alerts;
        this.engine = engine;
        this.clock = clock;
        this.telemetry = telemetry;
    }

    /** The derive stage, for evaluations outside this path (backtests). */
    public Derivation derivation() {
        return derivation;
    }

    /** Stores and evaluates one request in its own transaction; a rejection fails the future. */
    public Future<Result> ingest(ReadingParser.ParsedBatch batch, Long submittedBy) {
        return ingest(List.of(new Request(batch, submittedBy))).map(outcomes -> {
            Outcome o = outcomes.get(0);
            if (o.rejection() != null) {
                throw o.rejection();
            }
            return o.result();
        });
    }

    /**
     * Stores and evaluates several requests in one transaction (group commit). The requests' subjects must be
     * disjoint (the caller, {@link IngestQueue}, ensures it), so every stored reading belongs to exactly one
     * request. A request about unknown subjects, or subjects of the wrong kind, is rejected on its own (422) before
     * anything is written; the others go on. Any other failure fails the whole transaction, and so every request.
     *
     * @return one outcome per request, in order
     */
    public Future<List<Outcome>> ingest(List<Request> requests) {
        return attempt(requests).recover(e -> retryOnce(e) ? attempt(requests) : Future.failedFuture(e));
    }

    /**
     * Failures after which the whole transaction rolled back and a second attempt is expected to pass: a row
     * routed to a default partition while its month's partition was being attached (by maintenance or another
     * instance) fails the default's partition constraint, and the second attempt routes it to the new partition;
     * a transaction chosen as a deadlock victim (40P01: against a partition being attached, whose locks are taken
     * in another order than an insert's) rolled back whole and can simply run again.
     */
    static boolean retryOnce(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg
                    && ("40P01".equals(pg.getSqlState())
                            || ("23514".equals(pg.getSqlState())
                                    && pg.getErrorMessage() != null
                                    && pg.getErrorMessage().contains("violates partition constraint")))) {
                return true;
            }
        }
        return false;
    }

    private Future<List<Outcome>> attempt(List<Request> requests) {
        RuleSet ruleSet = engine.current();
        Set<String> subjectIds = new LinkedHashSet<>();
        for (Request r : requests) {
            Set<String> own = IngestQueue.subjectsOf(r.batch());
            if (!Collections.disjoint(subjectIds, own)) {
                throw new IllegalArgumentException("requests of one group must not share subjects");
            }
            subjectIds.addAll(own);
        }
        Stages t = new Stages();
        Instant now = clock.instant();
        List<ReadingInput> all = new ArrayList<>();
        Map<ReadingInput, Long> sentBy = new java.util.IdentityHashMap<>();
        for (Request r : requests) {
            for (ReadingInput in : r.batch().readings()) {
                all.add(in);
                sentBy.put(in, r.submittedBy());
            }
        }
        // series and batches first, outside the transaction (usually known already: no round trip); then the
        // lookup, which also locks the subjects that are not districts (the first step of the lock order)
        return readings.prepare(all, sentBy::get, now)
                .compose(p -> Transactions.inTransaction(
                        pool, conn -> readings.findAndLockSubjects(conn, subjectIds), (conn, found) -> {
                            t.mark(1);
                            return inTransaction(conn, requests, found, ruleSet, t, now);
                        }))
                .andThen(ar -> {
                    t.mark(7);
                    if (ar.succeeded()) {
                        t.log(requests.size(), ar.result());
                    }
                });
    }

    private Future<List<Outcome>> inTransaction(
            SqlConnection conn,
            List<Request> requests,
            Map<String, Subject> found,
            RuleSet ruleSet,
            Stages t,
            Instant now) {
        // 1. subjects
        Outcome[] outcomes = new Outcome[requests.size()];
        List<ReadingInput> inputs = new ArrayList<>();
        Map<String, Integer> requestOf = new HashMap<>();
        Map<String, Long> submitterOf = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            try {
                SubjectCheck.check(r.batch().readings(), found, r.batch().array());
            } catch (InvalidReadingException e) {
                outcomes[i] = new Outcome(null, e);
                continue;
            }
            for (ReadingInput given : r.batch().readings()) {
                ReadingInput in = HourLabels.toStart(given, r.batch().hourLabel(), found.get(given.subject()));
                inputs.add(in);
                requestOf.put(in.subject(), i);
                submitterOf.put(in.subject(), r.submittedBy());
            }
        }
        Map<String, Subject> known = new HashMap<>();
        requestOf.keySet().forEach(id -> known.put(id, found.get(id)));
        if (inputs.isEmpty()) {
            return Future.succeededFuture(Arrays.asList(outcomes));
        }
        // A batch with readings of districts themselves takes the locks of every district it touches now (their
        // statistics and alerts are rewritten whatever else happens); any other batch takes district locks later,
        // in the derive stage and only if a district's days change, so batches of different stations run in
        // parallel until then.
        LockOrder locks = new LockOrder(conn, readings);
        Set<String> districtLevel = new LinkedHashSet<>();
        known.values().forEach(s -> {
            if (s.kind().equals("district")) {
                districtLevel.add(s.id());
            }
        });
        if (!districtLevel.isEmpty()) {
            known.values().forEach(s -> {
                if (s.district() != null) {
                    districtLevel.add(s.district());
                }
            });
        }
        List<Map<Domain, Future<?>>> ahead = new ArrayList<>(1);
        return locks.districts(districtLevel)
                .compose(v -> {
                    // 2. store, with the domains' reads pipelined behind the insert
                    t.mark(2);
                    java.util.function.Function<ReadingInput, Long> submitter = in -> submitterOf.get(in.subject());
                    // the reads ahead must reach PostgreSQL after the insert: when the insert first has to resolve
                    // series or batches (rare: see ReadingStore.prepare), they wait for it instead
                    boolean resolving = readings.mustResolve(inputs, submitter, now);
                    Future<List<Reading>> stored = writer.store(conn, inputs, submitter, now);
                    if (!resolving) {
                        ahead.add(derivation.ahead(conn, inputs));
                        return stored;
                    }
                    return stored.map(rows -> {
                        ahead.add(derivation.ahead(conn, inputs));
                        return rows;
                    });
                })
                .compose(stored -> {
                    t.mark(3);
                    if (stored.isEmpty()) {
                        return Future.succeededFuture(List.<JsonObject>of());
                    }
                    // 3. derive
                    return derivation
                            .derive(conn, stored, known, ruleSet, locks, ahead.get(0))
                            .compose(facts -> {
                                t.mark(4);
                                // the alerts the evaluation may resolve are looked up while it runs
                                AlertService.Evaluated evaluated = alerts.lockActiveInScopes(conn, facts);
                                // 4. evaluate
                                return engine.evaluate(ruleSet, facts).compose(breaches -> {
                                    t.mark(5);
                                    // 5. alerts
                                    return alerts.apply(
                                            conn,
                                            breaches,
                                            evaluated,
                                            ruleSet,
                                            clock.instant(),
                                            Outcomes.correctedSubjects(stored));
                                });
                            })
                            .map(changes -> {
                                t.mark(6);
                                // 6. answer
                                Outcomes.split(requests, outcomes, stored, changes.alerts(), requestOf, known);
                                return changes.alerts();
                            });
                })
                .map(changed -> {
                    for (int i = 0; i < outcomes.length; i++) {
                        if (outcomes[i] == null) {
                            // nothing stored at all: every reading of the request was a repeat
                            outcomes[i] = new Outcome(
                                    new Result(requests.get(i).batch().items(), 0, 0, List.of()), null);
                        }
                    }
                    return Arrays.asList(outcomes);
                });
    }

    /**
     * Stage times of one transaction for the debug log and the counters: begin, subjects (BEGIN, lookup and
     * subject locks), district locks, store, derive, evaluate, alerts, commit.
     */
    private final class Stages {
        private final long[] t = new long[8];

        Stages() {
            t[0] = System.nanoTime();
        }

        void mark(int stage) {
            t[stage] = System.nanoTime();
        }

        void log(int requests, List<Outcome> outcomes) {
            int accepted = 0;
            int stored = 0;
            for (Outcome o : outcomes) {
                if (o.result() != null) {
                    accepted += o.result().accepted();
                    stored += o.result().stored();
                }
            }
            if (LOG.isDebugEnabled() && t[6] != 0) {
                LOG.debug(
                        "batch of {} in {} request(s), stored {}: subjects {} district locks {} store {}"
                                + " derive {} evaluate {} alerts {} commit {} (µs)",
                        accepted,
                        requests,
                        stored,
                        (t[1] - t[0]) / 1000,
                        (t[2] - t[1]) / 1000,
                        (t[3] - t[2]) / 1000,
                        (t[4] - t[3]) / 1000,
                        (t[5] - t[4]) / 1000,
                        (t[6] - t[5]) / 1000,
                        (t[7] - t[6]) / 1000);
            }
            telemetry.received(accepted);
            telemetry.stored(stored);
            telemetry.ingestGroup(requests);
        }
    }
}
