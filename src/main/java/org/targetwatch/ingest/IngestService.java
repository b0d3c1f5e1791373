package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.targetwatch.RejectedRequestException;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.facts.Subject;
import org.targetwatch.store.SubjectStore;
import io.vertx.sqlclient.SqlConnection;
import org.targetwatch.facts.AirDay;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.stats.AirDays;
import org.targetwatch.stats.AirYear;
import org.targetwatch.store.AirStore;
import org.targetwatch.facts.Accident;
import org.targetwatch.facts.DebtQuotaCheck;
import org.targetwatch.stats.AccidentGrades;
import java.util.LinkedHashMap;
import org.targetwatch.rules.TargetDefinition;
import org.targetwatch.facts.TargetProgress;
import org.targetwatch.store.WaterStore;
import org.targetwatch.stats.WaterClasses;
import org.targetwatch.stats.WaterStats;
import java.time.YearMonth;
import java.time.LocalDate;
import java.util.TreeMap;
import java.util.TreeSet;
import org.targetwatch.facts.Reading;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hot path of a reading batch, in one transaction committed before the caller answers:
 * lock the batch's subjects, insert the new readings in one statement (only keys already stored are looked up, to
 * tell idempotent repeats from corrections), load the daily statistics the rules need once per (subject,
 * indicator, day), lock the districts whose statistics change, evaluate every new fact in one Drools call on a
 * worker thread, and open or update alerts. A failure anywhere rolls everything back.
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
            return new JsonObject().put("accepted", accepted).put("stored", stored).put("corrections", corrections)
                    .put("unchanged", accepted - stored).put("alerts", alerts);
        }
    }

    /** One parsed request and the token that sent it. */
    public record Request(ReadingParser.ParsedBatch batch, Long submittedBy) {
    }

    /** What became of one request of a group: its result, or its own rejection (then nothing of it is stored). */
    public record Outcome(Result result, RuntimeException rejection) {
    }

    private final Pool pool;
    private final SubjectStore subjects;
    private final ReadingStore readings;
    private final AirStore air = new AirStore();
    private final WaterStore water = new WaterStore();
    private final AlertService alerts;
    private final RuleEngine engine;
    private final IndicatorCatalog catalog;
    private final Clock clock;
    private final org.targetwatch.Telemetry telemetry;

    public IngestService(Pool pool, SubjectStore subjects, ReadingStore readings, AlertService alerts,
                         RuleEngine engine, IndicatorCatalog catalog, Clock clock,
                         org.targetwatch.Telemetry telemetry) {
        this.telemetry = telemetry;
        this.pool = pool;
        this.subjects = subjects;
        this.readings = readings;
        this.alerts = alerts;
        this.engine = engine;
        this.catalog = catalog;
        this.clock = clock;
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
        RuleSet ruleSet = engine.current();
        Set<String> subjectIds = new LinkedHashSet<>();
        for (Request r : requests) {
            Set<String> own = IngestQueue.subjectsOf(r.batch());
            if (!java.util.Collections.disjoint(subjectIds, own)) {
                throw new IllegalArgumentException("requests of one group must not share subjects");
            }
            subjectIds.addAll(own);
        }
        // stage times for the debug log: begin, subjects (BEGIN, lookup and subject locks), district locks, store
        // (with reporting state), derive, evaluate, alerts, commit
        long[] t = new long[8];
        t[0] = System.nanoTime();
        // the lookup also locks the subjects that are not districts (the first step of the lock order below)
        return inTransaction(conn -> readings.findAndLockSubjects(conn, subjectIds), (conn, found) -> {
            t[1] = System.nanoTime();
            Outcome[] outcomes = new Outcome[requests.size()];
            List<ReadingInput> inputs = new ArrayList<>();
            Map<String, Integer> requestOf = new java.util.HashMap<>();
            Map<String, Long> submitterOf = new java.util.HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                Request r = requests.get(i);
                try {
                    checkSubjects(r.batch().readings(), found, r.batch().array());
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
            Map<String, Subject> known = new java.util.HashMap<>();
            requestOf.keySet().forEach(id -> known.put(id, found.get(id)));
            // Locks, in one global order so that no two batches deadlock: first the subjects that are not
            // districts (taken by the lookup above, for every registered subject of the group), then districts,
            // then regions (see LateLocks). A station's batch also rewrites its district's daily and yearly
            // statistics and alerts, so it must hold the district's lock from before it reads the district's
            // station days until commit (or concurrent batches of one district's stations would each recompute it
            // from a snapshot missing the other's station). A batch with readings of districts themselves takes
            // every district lock now; any other batch takes them later, only when a station day changed (see
            // airFacts), so batches of different stations run in parallel until then.
            Set<String> districtLevel = new LinkedHashSet<>();
            known.values().forEach(s -> {
                if (s.kind().equals("district")) {
                    districtLevel.add(s.id());
                }
            });
            LateLocks lateLocks = new LateLocks(conn);
            if (!districtLevel.isEmpty()) {
                known.values().forEach(s -> {
                    if (s.district() != null) {
                        districtLevel.add(s.district());
                    }
                });
            }
            if (inputs.isEmpty()) {
                return Future.succeededFuture(Arrays.asList(outcomes));
            }
            // the hourly values of the batch's station-days are asked for right behind the insert, pipelined on
            // the connection; airFacts uses them only if the insert stored nothing but first revisions
            List<Future<Map<AirStore.SubjectDay, AirDays.Hours>>> hourlyAhead = new ArrayList<>(1);
            return lateLocks.districts(districtLevel)
                    .compose(v -> {
                        t[2] = System.nanoTime();
                        Future<List<Reading>> stored = storeNew(conn, inputs, in -> submitterOf.get(in.subject()),
                                clock.instant());
                        Set<AirStore.SubjectDay> days = new LinkedHashSet<>();
                        for (ReadingInput in : inputs) {
                            if (in.indicator().hourly()) {
                                days.add(new AirStore.SubjectDay(in.subject(),
                                        in.observedAt().atZone(ReadingParser.ZONE).toLocalDate()));
                            }
                        }
                        if (!days.isEmpty()) {
                            hourlyAhead.add(air.hourly(conn, days));
                        }
                        return stored;
                    })
                    .compose(stored -> {
                        t[3] = System.nanoTime();
                        if (stored.isEmpty()) {
                            return Future.succeededFuture(new AlertService.Changes(List.of(), List.of()));
                        }
                        return deriveFacts(conn, stored, known, ruleSet, lateLocks,
                                hourlyAhead.isEmpty() ? null : hourlyAhead.get(0))
                                .compose(facts -> {
                                    t[4] = System.nanoTime();
                                    // the alerts the evaluation may resolve are looked up while it runs
                                    AlertService.Evaluated evaluated = alerts.lockActiveInScopes(conn, facts);
                                    return engine.evaluate(ruleSet, facts).compose(breaches -> {
                                        t[5] = System.nanoTime();
                                        return alerts.apply(conn, breaches, evaluated, ruleSet, clock.instant(),
                                                correctedSubjects(stored));
                                    });
                                })
                                .map(changes -> {
                                    t[6] = System.nanoTime();
                                    split(requests, outcomes, stored, changes.alerts(), requestOf, known);
                                    return changes;
                                });
                    })
                    .map(changes -> {
                        for (int i = 0; i < outcomes.length; i++) {
                            if (outcomes[i] == null) {
                                // nothing stored at all: every reading of the request was a repeat
                                outcomes[i] = new Outcome(new Result(requests.get(i).batch().items(), 0, 0,
                                        List.of()), null);
                            }
                        }
                        return Arrays.asList(outcomes);
                    });
        }).andThen(ar -> {
            t[7] = System.nanoTime();
            if (!ar.succeeded()) {
                return;
            }
            int accepted = 0;
            int stored = 0;
            for (Outcome o : ar.result()) {
                if (o.result() != null) {
                    accepted += o.result().accepted();
                    stored += o.result().stored();
                }
            }
            if (LOG.isDebugEnabled() && t[6] != 0) {
                LOG.debug("batch of {} in {} request(s), stored {}: subjects {} district locks {} store {}"
                        + " derive {} evaluate {} alerts {} commit {} (µs)", accepted, requests.size(), stored,
                        (t[1] - t[0]) / 1000, (t[2] - t[1]) / 1000, (t[3] - t[2]) / 1000,
                        (t[4] - t[3]) / 1000, (t[5] - t[4]) / 1000, (t[6] - t[5]) / 1000, (t[7] - t[6]) / 1000);
            }
            telemetry.received(accepted);
            telemetry.stored(stored);
            telemetry.ingestGroup(requests.size());
        });
    }

    /**
     * Like {@code Pool.withTransaction}, minus one round trip: BEGIN goes to PostgreSQL together with the first
     * statement instead of being awaited on its own (the client pipelines them on the connection). Contract: the
     * first statement only reads and takes transaction-scoped locks, because if BEGIN failed it ran on its own;
     * nothing after it runs unless BEGIN succeeded. Commits if {@code rest} succeeds, rolls back otherwise, and
     * always returns the connection to the pool.
     */
    private <F, T> Future<T> inTransaction(java.util.function.Function<SqlConnection, Future<F>> first,
                                           java.util.function.BiFunction<SqlConnection, F, Future<T>> rest) {
        return pool.getConnection().compose(conn -> {
            conn.exceptionHandler(org.targetwatch.store.DatabaseHealth::connectionFailed);
            Future<io.vertx.sqlclient.Transaction> begun = conn.begin();
            Future<F> firstDone = first.apply(conn);
            return Future.join(begun, firstDone).transform(settled -> {
                if (begun.failed()) {
                    return Future.<T>failedFuture(begun.cause());   // the first statement ran alone: it only read
                }
                io.vertx.sqlclient.Transaction tx = begun.result();
                Future<T> work;
                try {
                    work = firstDone.failed() ? Future.failedFuture(firstDone.cause())
                            : rest.apply(conn, firstDone.result());
                } catch (RuntimeException e) {
                    work = Future.failedFuture(e);
                }
                return work.compose(result -> tx.commit().map(result),
                        failure -> tx.rollback().transform(ignored -> Future.<T>failedFuture(failure)));
            }).eventually(conn::close);
        });
    }

    /**
     * Each accepted request's share of a transaction: the readings stored for its subjects, and the changed alerts
     * about its subjects, their districts or regions; an alert about none of them goes to every request.
     */
    private static void split(List<Request> requests, Outcome[] outcomes, List<Reading> stored,
                              List<JsonObject> changed, Map<String, Integer> requestOf, Map<String, Subject> known) {
        int n = requests.size();
        int[] storedOf = new int[n];
        int[] correctionsOf = new int[n];
        for (Reading r : stored) {
            int i = requestOf.get(r.subject());
            storedOf[i]++;
            if (r.revision() > 1) {
                correctionsOf[i]++;
            }
        }
        Map<String, Set<Integer>> concerned = new java.util.HashMap<>();
        requestOf.forEach((subject, i) -> {
            Subject s = known.get(subject);
            for (String scope : java.util.Arrays.asList(subject, s.district(), s.region())) {
                if (scope != null) {
                    concerned.computeIfAbsent(scope, k -> new java.util.TreeSet<>()).add(i);
                }
            }
        });
        List<List<JsonObject>> alertsOf = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alertsOf.add(new ArrayList<>());
        }
        for (JsonObject a : changed) {
            Set<Integer> to = concerned.get(a.getString("subject"));
            if (to == null) {
                for (int i = 0; i < n; i++) {
                    if (outcomes[i] == null) {
                        alertsOf.get(i).add(a);
                    }
                }
            } else {
                to.forEach(i -> alertsOf.get(i).add(a));
            }
        }
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = new Outcome(new Result(requests.get(i).batch().items(), storedOf[i], correctionsOf[i],
                        alertsOf.get(i)), null);
            }
        }
    }

    /**
     * The locks a transaction takes after its subjects', in one global order: districts (whose daily and yearly
     * statistics and alerts a station's readings rewrite), then regions (whose drinking-water compliance a source's
     * samples change). Every transaction takes districts only before regions (air statistics are derived before
     * water's, see {@link #deriveFacts}), so none waits for a district while holding a region. A lock already held
     * is not taken again. {@code conn} null: no locks (a backtest's rolled-back transaction).
     */
    private final class LateLocks {
        private final SqlConnection conn;
        private final Set<String> districts = new java.util.HashSet<>();
        private final Set<String> regions = new java.util.HashSet<>();

        LateLocks(SqlConnection conn) {
            this.conn = conn;
        }

        Future<Void> districts(Set<String> wanted) {
            return take(wanted, districts, false);
        }

        Future<Void> regions(Set<String> wanted) {
            return take(wanted, regions, true);
        }

        private Future<Void> take(Set<String> wanted, Set<String> held, boolean region) {
            Set<String> missing = new java.util.TreeSet<>(wanted);
            missing.removeAll(held);
            if (conn == null || missing.isEmpty()) {
                return Future.succeededFuture();
            }
            held.addAll(missing);
            return region ? readings.lockRegions(conn, missing) : readings.lockSubjects(conn, missing);
        }
    }

    /**
     * Writes the inputs under their subjects' locks (and records them in {@code reporting_state}): first revision
     * 1 of every key never stored (one statement; the common case needs no other), then, only for keys stored
     * already, the revision in force is read and a different value is stored as the next revision (a correction);
     * an equal value is an idempotent repeat.
     *
     * @return the rows written: new readings and corrections (revision above 1)
     */
    private Future<List<Reading>> storeNew(SqlConnection conn, List<ReadingInput> inputs,
                                           java.util.function.Function<ReadingInput, Long> submitter, Instant now) {
        return readings.insertNew(conn, inputs, submitter, now).compose(fresh -> {
            if (fresh.size() == inputs.size()) {
                return Future.succeededFuture(fresh);
            }
            Set<ReadingInput.Key> freshKeys = new java.util.HashSet<>();
            fresh.forEach(r -> freshKeys.add(new ReadingInput.Key(r.indicator(), r.subject(), r.observedAt())));
            List<ReadingInput> existing = inputs.stream().filter(in -> !freshKeys.contains(in.key())).toList();
            return readings.latestRevisions(conn, existing.stream().map(ReadingInput::key).toList())
                    .compose(latest -> {
                        List<ReadingInput> toStore = new ArrayList<>();
                        List<Integer> revisions = new ArrayList<>();
                        corrections(existing, latest, toStore, revisions);
                        if (toStore.isEmpty()) {
                            return Future.succeededFuture(fresh);
                        }
                        return readings.insert(conn, toStore, revisions, submitter, now).map(more -> {
                            List<Reading> all = new ArrayList<>(fresh);
                            all.addAll(more);
                            return all;
                        });
                    });
        });
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

    private static Set<String> correctedSubjects(List<Reading> stored) {
        Set<String> out = new java.util.HashSet<>();
        for (Reading r : stored) {
            if (r.revision() > 1) {
                out.add(r.subject());
            }
        }
        return out;
    }

    /**
     * The corrections among inputs whose keys are stored already (the insert of first revisions skipped them): an
     * input whose value differs from the revision in force is stored as the next revision; an equal value is an
     * idempotent repeat and is left out.
     */
    private static void corrections(List<ReadingInput> existing, Map<ReadingInput.Key, ReadingStore.Latest> latest,
                                    List<ReadingInput> toStore, List<Integer> revisions) {
        for (ReadingInput in : existing) {
            ReadingStore.Latest l = latest.get(in.key());
            if (Double.compare(l.value(), in.value()) != 0) {
                toStore.add(in);
                revisions.add(l.revision() + 1);
            }
        }
    }

    /**
     * Every fact an evaluation of {@code stored} needs: the readings, the derived statistics of the periods they
     * touch (air days and years, water samples and means, accidents, debt quotas, target progress) and the
     * subjects. Writes the derived daily air statistics ({@code air_daily}) in the caller's transaction.
     */
    public Future<List<Object>> deriveFacts(SqlConnection conn, List<Reading> stored, Map<String, Subject> known,
                                            RuleSet ruleSet) {
        return deriveFacts(conn, stored, known, ruleSet, new LateLocks(null), null);
    }

    /** @param hourlyAhead see {@link #airFacts}; null if none was asked for */
    private Future<List<Object>> deriveFacts(SqlConnection conn, List<Reading> stored, Map<String, Subject> known,
                                             RuleSet ruleSet, LateLocks locks,
                                             Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyAhead) {
        List<Object> facts = new ArrayList<>(stored);
        return airFacts(conn, stored, known, ruleSet, locks, hourlyAhead).map(a -> facts.addAll(a))
                .compose(x -> waterFacts(conn, stored, known, ruleSet, locks)).map(w -> facts.addAll(w))
                .compose(x -> targetFacts(conn, stored, ruleSet)).map(t -> facts.addAll(t))
                .compose(x -> safetyAndDebtFacts(conn, stored, ruleSet)).map(d -> {
                    facts.addAll(d);
                    facts.addAll(known.values());
                    return facts;
                });
    }

    /**
     * The derived air facts a batch needs, loaded once per station-day: recomputes and stores the daily statistics
     * of every touched station-day and of the districts of those stations, then the year-to-date and annual
     * statistics of every touched station and district year.
     *
     * @param hourlyAhead null, or the hourly values of a superset of the stored readings' station-days, read in this
     *                    transaction right after the insert of first revisions: the same values this method would
     *                    read now, unless corrections (revisions above 1) were stored after that read
     */
    private Future<List<Object>> airFacts(SqlConnection conn, List<Reading> stored, Map<String, Subject> known,
                                          RuleSet ruleSet, LateLocks locks,
                                          Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyAhead) {
        Set<AirStore.SubjectDay> stationDays = new LinkedHashSet<>();
        for (Reading r : stored) {
            if (catalog.find(r.indicator()).map(Indicator::hourly).orElse(false)) {
                stationDays.add(new AirStore.SubjectDay(r.subject(), r.date()));
            }
        }
        if (stationDays.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        // the districts of the stations, for their airStandardFrom (a station inherits its district's)
        Set<String> districtIds = new TreeSet<>();
        for (AirStore.SubjectDay sd : stationDays) {
            Subject s = known.get(sd.subject());
            String d = s == null ? null : s.kind().equals("district") ? s.id() : s.district();
            if (d != null && !known.containsKey(d)) {
                districtIds.add(d);
            }
        }
        Future<Map<String, Subject>> districtsAhead = districtIds.isEmpty() ? Future.succeededFuture(Map.of())
                : subjects.find(conn, districtIds);
        return districtsAhead.compose(found -> {
            Map<String, Subject> all = new java.util.HashMap<>(known);
            all.putAll(found);
            return airFacts(conn, stationDays, all, ruleSet, locks,
                    hourlyAhead != null && stored.stream().allMatch(r -> r.revision() == 1) ? hourlyAhead : null);
        });
    }

    /** The {@code airStandardFrom} of a station's or district's district, or null (the thresholds' own dates). */
    private static LocalDate standardFrom(Subject s, Map<String, Subject> known) {
        if (s == null) {
            return null;
        }
        Subject district = s.kind().equals("district") ? s : s.district() == null ? null : known.get(s.district());
        return district == null ? null : district.airStandardFrom();
    }

    private Future<List<Object>> airFacts(SqlConnection conn, Set<AirStore.SubjectDay> stationDays,
                                          Map<String, Subject> known, RuleSet ruleSet, LateLocks locks,
                                          Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyAhead) {
        List<Object> facts = new ArrayList<>();
        List<AirDay> days = new ArrayList<>();
        boolean aheadHolds = hourlyAhead != null;
        Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyValues = aheadHolds
                ? hourlyAhead.map(all -> {
                    Map<AirStore.SubjectDay, AirDays.Hours> mine = new LinkedHashMap<>(all);
                    mine.keySet().retainAll(stationDays);
                    return mine;
                })
                : air.hourly(conn, stationDays);
        return hourlyValues.compose(hourly -> {
            hourly.forEach((key, hours) -> {
                AirDays.Validity v = AirDays.Validity.of(ruleSet.thresholds(), key.day(),
                        standardFrom(known.get(key.subject()), known));
                facts.addAll(AirDays.dailyStats(key.subject(), key.day(), hours, v));
                days.add(AirDays.station(key.subject(), key.day(), hours, v));
            });
            return air.upsert(conn, days);
        }).compose(changedStations -> {
            // the districts of the stations whose daily statistics changed, recomputed from their stations' days
            // (one statement); a station-day still short of valid hours changes nothing upstream
            Map<String, Set<LocalDate>> districtDates = new TreeMap<>();
            for (AirStore.SubjectDay sd : changedStations) {
                Subject station = known.get(sd.subject());
                if (station != null && station.district() != null) {
                    districtDates.computeIfAbsent(station.district(), k -> new TreeSet<>()).add(sd.day());
                }
            }
            if (districtDates.isEmpty()) {
                return Future.<Set<AirStore.SubjectDay>>succeededFuture(Set.of());
            }
            List<String> ds = new ArrayList<>();
            List<LocalDate> dd = new ArrayList<>();
            districtDates.forEach((d, dates) -> dates.forEach(date -> {
                ds.add(d);
                dd.add(date);
            }));
            return locks.districts(districtDates.keySet()).compose(v -> air.stationDays(conn, ds, dd))
                    .compose(byDistrict -> {
                List<AirDay> districtDays = new ArrayList<>();
                byDistrict.forEach((district, byDate) -> byDate.forEach((date, list) ->
                        districtDays.add(AirDays.district(district, date, list, AirDays.Validity.of(
                                ruleSet.thresholds(), date, standardFrom(known.get(district), known))))));
                days.addAll(districtDays);
                return air.upsert(conn, districtDays);
            });
        }).compose(changedDistricts -> {
            facts.addAll(days);
            // year-to-date and annual statistics are judged for districts only (see air.drl), and change only when
            // one of their days did: one statement
            Map<String, Set<Integer>> years = new TreeMap<>();
            for (AirStore.SubjectDay d : changedDistricts) {
                years.computeIfAbsent(d.subject(), k -> new TreeSet<>()).add(d.day().getYear());
            }
            if (years.isEmpty()) {
                return Future.succeededFuture(facts);
            }
            List<String> subjects = new ArrayList<>();
            List<LocalDate> from = new ArrayList<>();
            List<LocalDate> to = new ArrayList<>();
            years.forEach((subject, ys) -> {
                subjects.add(subject);
                from.add(LocalDate.of(ys.iterator().next() - 1, 1, 1));
                to.add(LocalDate.of(((TreeSet<Integer>) ys).last(), 12, 31));
            });
            return air.days(conn, subjects, from, to).map(bySubject -> {
                years.forEach((subject, ys) -> {
                    List<AirYear.Day> list = bySubject.getOrDefault(subject, List.of());
                    for (int year : ys) {
                        AirYearToDate ytd = AirYear.yearToDate(subject, "district", year, list);
                        if (ytd != null) {
                            facts.add(ytd);
                        }
                        facts.addAll(AirYear.annual(subject, "district", year, list, ruleSet.thresholds(),
                                standardFrom(known.get(subject), known)));
                    }
                });
                return facts;
            });
        });
    }

    /**
     * The water assessments a batch needs: each touched sample, the means of each touched month and year of its
     * subject, and the drinking-water compliance rate of each touched region and month.
     */
    private Future<List<Object>> waterFacts(SqlConnection conn, List<Reading> stored, Map<String, Subject> known,
                                            RuleSet ruleSet, LateLocks locks) {
        WaterClasses table = ruleSet.waterClasses();
        List<Reading> touched = new ArrayList<>();
        for (Reading r : stored) {
            if (table.covers(r.indicator())) {
                touched.add(r);
            }
        }
        if (touched.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Set<String> subjectYears = new LinkedHashSet<>();
        List<WaterStore.Range> ranges = new ArrayList<>();
        for (Reading r : touched) {
            int y = r.date().getYear();
            if (subjectYears.add(r.subject() + "|" + y)) {
                ranges.add(new WaterStore.Range(r.subject(), LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1)));
            }
        }
        List<Object> facts = new ArrayList<>();
        return water.readings(conn, ranges).compose(all -> {
            Map<String, List<Reading>> bySample = new TreeMap<>();
            Map<String, List<Reading>> byMonth = new TreeMap<>();
            Map<String, List<Reading>> byYear = new TreeMap<>();
            for (Reading r : all) {
                bySample.computeIfAbsent(r.subject() + "|" + r.observedAt(), k -> new ArrayList<>()).add(r);
                byMonth.computeIfAbsent(r.subject() + "|" + YearMonth.from(r.date()), k -> new ArrayList<>()).add(r);
                byYear.computeIfAbsent(r.subject() + "|" + r.date().getYear(), k -> new ArrayList<>()).add(r);
            }
            Set<String> samples = new LinkedHashSet<>();
            Set<String> months = new LinkedHashSet<>();
            Set<String> years = new LinkedHashSet<>();
            Map<String, Set<YearMonth>> regionMonths = new TreeMap<>();
            for (Reading r : touched) {
                Subject s = known.get(r.subject());
                String sampleKey = r.subject() + "|" + r.observedAt();
                if (samples.add(sampleKey)) {
                    facts.add(WaterStats.assess(table, s, "sample", r.date().toString(), bySample.get(sampleKey)));
                }
                String monthKey = r.subject() + "|" + YearMonth.from(r.date());
                if (months.add(monthKey)) {
                    facts.add(WaterStats.assess(table, s, "month", YearMonth.from(r.date()).toString(),
                            byMonth.get(monthKey)));
                }
                String yearKey = r.subject() + "|" + r.date().getYear();
                if (years.add(yearKey)) {
                    facts.add(WaterStats.assess(table, s, "year", String.valueOf(r.date().getYear()),
                            byYear.get(yearKey)));
                }
                if (WaterStats.countyLevel(s)) {
                    regionMonths.computeIfAbsent(s.region(), k -> new TreeSet<>()).add(YearMonth.from(r.date()));
                }
            }
            // the compliance of a region's month reads every source of the region: its lock keeps concurrent
            // batches of two sources from each judging it from a snapshot missing the other's samples
            Future<Void> chain = locks.regions(regionMonths.keySet());
            for (Map.Entry<String, Set<YearMonth>> e : regionMonths.entrySet()) {
                chain = chain.compose(x -> subjects.list(conn, "drinking-water-source", e.getKey()).compose(list -> {
                    List<Subject> sources = list.stream().filter(WaterStats::countyLevel).toList();
                    List<WaterStore.Range> monthRanges = new ArrayList<>();
                    for (YearMonth m : e.getValue()) {
                        for (Subject src : sources) {
                            monthRanges.add(new WaterStore.Range(src.id(), m.atDay(1), m.plusMonths(1).atDay(1)));
                        }
                    }
                    return water.readings(conn, monthRanges).map(rs -> {
                        for (YearMonth m : e.getValue()) {
                            List<org.targetwatch.facts.WaterAssessment> monthly = new ArrayList<>();
                            for (Subject src : sources) {
                                List<Reading> mine = rs.stream().filter(r -> r.subject().equals(src.id())
                                        && YearMonth.from(r.date()).equals(m)).toList();
                                if (!mine.isEmpty()) {
                                    monthly.add(WaterStats.assess(table, src, "month", m.toString(), mine));
                                }
                            }
                            facts.add(WaterStats.compliance(e.getKey(), m.toString(), monthly));
                        }
                        return null;
                    });
                }));
            }
            return chain.map(facts);
        });
    }

    /**
     * Progress facts of the report's targets for each stored target reading; for "decrease" targets the value of
     * the same date a year earlier is loaded (one statement for the batch).
     */
    private Future<List<Object>> targetFacts(SqlConnection conn, List<Reading> stored, RuleSet ruleSet) {
        List<Reading> touched = new ArrayList<>();
        List<ReadingInput.Key> previousKeys = new ArrayList<>();
        for (Reading r : stored) {
            ruleSet.targetOf(r.indicator()).ifPresent(def -> {
                touched.add(r);
                if (def.mode().equals("decrease")) {
                    previousKeys.add(new ReadingInput.Key(r.indicator(), r.subject(), yearBefore(r.observedAt())));
                }
            });
        }
        Future<List<Object>> inStep = incomeInStep(conn, stored);
        if (touched.isEmpty()) {
            return inStep;
        }
        Future<Map<ReadingInput.Key, ReadingStore.Latest>> previous = previousKeys.isEmpty()
                ? Future.succeededFuture(Map.of()) : inStep.compose(x -> readings.latestRevisions(conn, previousKeys));
        return previous.compose(p -> inStep.map(list -> p)).map(prev -> {
            List<Object> facts = new ArrayList<>();
            for (Reading r : touched) {
                TargetDefinition def = ruleSet.targetOf(r.indicator()).orElseThrow();
                ReadingStore.Latest p = prev.get(new ReadingInput.Key(r.indicator(), r.subject(),
                        yearBefore(r.observedAt())));
                facts.add(TargetProgress.of(def, r, p == null ? Double.NaN : p.value()));
            }
            facts.addAll(inStep.result());
            return facts;
        });
    }

    static final String GDP_GROWTH = "TARGET_T01";
    static final List<String> INCOME_GROWTH = List.of("TARGET_T06", "TARGET_T06_URBAN", "TARGET_T06_RURAL");

    /**
     * T06: each stored income growth reading with the GDP growth of the same subject and observedAt, and each stored
     * GDP growth reading with the income readings of that date (one statement for the batch; the batch's own
     * readings are visible to it).
     */
    private Future<List<Object>> incomeInStep(SqlConnection conn, List<Reading> stored) {
        Set<ReadingInput.Key> keys = new LinkedHashSet<>();
        for (Reading r : stored) {
            if (INCOME_GROWTH.contains(r.indicator()) || r.indicator().equals(GDP_GROWTH)) {
                keys.add(new ReadingInput.Key(GDP_GROWTH, r.subject(), r.observedAt()));
                INCOME_GROWTH.forEach(i -> keys.add(new ReadingInput.Key(i, r.subject(), r.observedAt())));
            }
        }
        if (keys.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return readings.latestRevisions(conn, new ArrayList<>(keys)).map(found -> {
            List<Object> out = new ArrayList<>();
            for (ReadingInput.Key k : keys) {
                if (!INCOME_GROWTH.contains(k.indicator()) || !found.containsKey(k)) {
                    continue;
                }
                ReadingStore.Latest gdp = found.get(new ReadingInput.Key(GDP_GROWTH, k.subject(), k.observedAt()));
                if (gdp != null) {
                    out.add(new org.targetwatch.facts.IncomeInStep(k.subject(), k.indicator(),
                            k.observedAt().atZone(ReadingParser.ZONE).toLocalDate(), found.get(k).value(),
                            gdp.value(), List.of()));
                }
            }
            return out;
        });
    }

    private static java.time.Instant yearBefore(java.time.Instant at) {
        return at.atZone(ReadingParser.ZONE).minusYears(1).toInstant();
    }

    private static final List<String> ACCIDENT_INDICATORS = List.of("SAFETY_ACCIDENT_DEATHS",
            "SAFETY_ACCIDENT_SERIOUS_INJURIES", "SAFETY_ACCIDENT_DIRECT_LOSS");

    /**
     * Accidents (the three SAFETY_ACCIDENT_* values of one subject and observedAt, graded by 国务院令第493号) and
     * new-debt-versus-quota checks (the latest DEBT_NEW and DEBT_NEW_QUOTA of the subject's year).
     */
    private Future<List<Object>> safetyAndDebtFacts(SqlConnection conn, List<Reading> stored, RuleSet ruleSet) {
        Map<String, Reading> accidents = new LinkedHashMap<>();
        Map<String, Reading> debtYears = new LinkedHashMap<>();
        for (Reading r : stored) {
            if (ACCIDENT_INDICATORS.contains(r.indicator())) {
                accidents.putIfAbsent(r.subject() + "|" + r.observedAt(), r);
            } else if (r.indicator().equals("DEBT_NEW") || r.indicator().equals("DEBT_NEW_QUOTA")) {
                debtYears.putIfAbsent(r.subject() + "|" + r.date().getYear(), r);
            }
        }
        if (accidents.isEmpty() && debtYears.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<ReadingInput.Key> accidentKeys = new ArrayList<>();
        for (Reading r : accidents.values()) {
            for (String ind : ACCIDENT_INDICATORS) {
                accidentKeys.add(new ReadingInput.Key(ind, r.subject(), r.observedAt()));
            }
        }
        List<ReadingStore.RangeKey> debtKeys = new ArrayList<>();
        for (Reading r : debtYears.values()) {
            int y = r.date().getYear();
            java.time.Instant from = LocalDate.of(y, 1, 1).atStartOfDay(ReadingParser.ZONE).toInstant();
            java.time.Instant to = LocalDate.of(y + 1, 1, 1).atStartOfDay(ReadingParser.ZONE).toInstant();
            debtKeys.add(new ReadingStore.RangeKey(r.subject(), "DEBT_NEW", from, to));
            debtKeys.add(new ReadingStore.RangeKey(r.subject(), "DEBT_NEW_QUOTA", from, to));
        }
        Future<Map<ReadingInput.Key, ReadingStore.Latest>> acc = accidentKeys.isEmpty()
                ? Future.succeededFuture(Map.of()) : readings.latestRevisions(conn, accidentKeys);
        Future<Map<ReadingStore.RangeKey, ReadingStore.Observed>> debt = debtKeys.isEmpty()
                ? Future.succeededFuture(Map.of()) : readings.latestInRange(conn, debtKeys);
        return acc.compose(a -> debt.map(d -> {
            List<Object> facts = new ArrayList<>();
            for (Reading r : accidents.values()) {
                double[] v = new double[3];
                for (int i = 0; i < 3; i++) {
                    ReadingStore.Latest l = a.get(new ReadingInput.Key(ACCIDENT_INDICATORS.get(i), r.subject(),
                            r.observedAt()));
                    v[i] = l == null ? 0 : l.value();
                }
                AccidentGrades.Grade g = ruleSet.accidentGrades().grade(v[0], v[1], v[2]);
                List<Long> ids = stored.stream().filter(x -> x.subject().equals(r.subject())
                        && x.observedAt().equals(r.observedAt()) && ACCIDENT_INDICATORS.contains(x.indicator()))
                        .map(Reading::id).toList();
                facts.add(new Accident(r.subject(), r.observedAt(), r.date(), v[0], v[1], v[2], g.rank(), g.name(),
                        ids));
            }
            for (int i = 0; i < debtKeys.size(); i += 2) {
                ReadingStore.Observed newDebt = d.get(debtKeys.get(i));
                ReadingStore.Observed quota = d.get(debtKeys.get(i + 1));
                if (newDebt != null && quota != null) {
                    Reading r = debtYears.values().stream().toList().get(i / 2);
                    facts.add(new DebtQuotaCheck(r.subject(), r.date().getYear(), r.date(), newDebt.value(),
                            quota.value(), List.of(newDebt.id(), quota.id())));
                }
            }
            return facts;
        }));
    }
}
