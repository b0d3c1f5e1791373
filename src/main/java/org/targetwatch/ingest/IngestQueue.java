package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Group commit of reading requests. At most {@code concurrency} ingest transactions run at once on this server;
 * requests that arrive meanwhile wait here and the next free transaction takes several of them together, so that
 * under load the fixed cost of a transaction (locks, statements, a Drools session, the commit) is shared instead
 * of paid per request. A request that finds a free transaction runs at once, alone, with no added delay.
 *
 * <p>Contract: a group holds requests with disjoint subjects, in arrival order, all with readings of districts
 * themselves or none with such readings, at most {@code groupReadings}
 * readings (its first request may be larger and then runs alone); a waiting request is never overtaken by a later
 * one about the same subject, and no transaction starts with a subject of another that runs, so the order of one
 * subject's requests is the order of arrival. A request's outcome
 * is its own: one about unknown subjects is rejected alone, and if a group's transaction fails for any other
 * reason each of its requests is retried in a transaction of its own, so one request never fails another. Nothing
 * of a request is stored unless it gets its 201.
 */
public final class IngestQueue {
    /**
     * @param districtLevel whether the request may hold readings of districts themselves (an indicator reported
     *                      for districts): such a transaction locks every district it could touch up front (see
     *                      {@link IngestService#ingest(List)}), so it is grouped only with its like, never with
     *                      requests of stations that would otherwise lock their districts only when needed
     */
    private record Waiting(
            IngestService.Request request,
            Set<String> subjects,
            boolean districtLevel,
            Promise<IngestService.Result> promise) {}

    private final IngestService service;
    private final org.targetwatch.common.Telemetry telemetry;
    private final int concurrency;
    private final int groupReadings;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by this
    private int running; // guarded by this
    /** Subjects of the groups whose transactions run now, with how many (guarded by this). */
    private final java.util.Map<String, Integer> busy = new java.util.HashMap<>();

    public IngestQueue(
            IngestService service, org.targetwatch.common.Telemetry telemetry, int concurrency, int groupReadings) {
        this.service = service;
        this.telemetry = telemetry;
        this.concurrency = concurrency;
        this.groupReadings = groupReadings;
    }

    /** The subjects a parsed request is about. */
    static Set<String> subjectsOf(ReadingParser.ParsedBatch batch) {
        Set<String> out = new LinkedHashSet<>();
        batch.readings().forEach(in -> out.add(in.subject()));
        return out;
    }

    /** Stores and evaluates the request, alone or with others; fails with the request's own rejection. */
    public Future<IngestService.Result> submit(ReadingParser.ParsedBatch batch, Long submittedBy) {
        Promise<IngestService.Result> promise = Promise.promise();
        synchronized (this) {
            waiting.add(new Waiting(
                    new IngestService.Request(batch, submittedBy),
                    subjectsOf(batch),
                    batch.readings().stream()
                            .anyMatch(in -> in.indicator().subjectKinds().contains("district")),
                    promise));
        }
        drain();
        return promise.future();
    }

    /** Requests waiting for a transaction (for metrics). */
    public synchronized int waiting() {
        return waiting.size();
    }

    private void drain() {
        while (true) {
            List<Waiting> group;
            synchronized (this) {
                if (running >= concurrency || waiting.isEmpty()) {
                    return;
                }
                group = take();
                if (group.isEmpty()) {
                    return; // every waiting request is about a subject whose transaction runs now
                }
                running++;
                group.forEach(w -> w.subjects().forEach(s -> busy.merge(s, 1, Integer::sum)));
            }
            run(group).onComplete(ar -> {
                synchronized (this) {
                    running--;
                    group.forEach(w ->
                            w.subjects().forEach(s -> busy.computeIfPresent(s, (k, n) -> n == 1 ? null : n - 1)));
                }
                drain();
            });
        }
    }

    /**
     * The next group: the first waiting request that may run now and every later one that fits (see the class
     * contract). A request about a subject of a running transaction waits for it, and so does every later request
     * about any of its subjects: two transactions never hold one subject at once, so the later one can never take
     * the subject's lock first and overtake. Empty when no waiting request may run now.
     */
    private List<Waiting> take() {
        List<Waiting> group = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int readings = 0;
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            int size = w.request().batch().readings().size();
            boolean disjoint = java.util.Collections.disjoint(seen, w.subjects())
                    && java.util.Collections.disjoint(busy.keySet(), w.subjects());
            seen.addAll(w.subjects());
            if (!disjoint) {
                continue;
            }
            if (group.isEmpty()
                    || (readings + size <= groupReadings
                            && w.districtLevel() == group.get(0).districtLevel())) {
                group.add(w);
                readings += size;
                it.remove();
            }
            if (readings >= groupReadings) {
                break;
            }
        }
        return group;
    }

    private Future<Void> run(List<Waiting> group) {
        List<IngestService.Request> requests =
                group.stream().map(Waiting::request).toList();
        // an exception thrown by ingest becomes a failed future here, so the running count is always given back
        return Future.succeededFuture().compose(x -> service.ingest(requests)).transform(ar -> {
            if (ar.succeeded()) {
                for (int i = 0; i < group.size(); i++) {
                    IngestService.Outcome o = ar.result().get(i);
                    if (o.rejection() != null) {
                        group.get(i).promise().fail(o.rejection());
                    } else {
                        group.get(i).promise().complete(o.result());
                    }
                }
                return Future.succeededFuture();
            }
            if (group.size() == 1) {
                group.get(0).promise().fail(ar.cause());
                return Future.succeededFuture();
            }
            // the group's transaction rolled back: each request on its own, so a failure is only its own
            telemetry.ingestGroupRetried();
            Future<Void> chain = Future.succeededFuture();
            for (Waiting w : group) {
                chain = chain.compose(x -> Future.succeededFuture()
                        .compose(y ->
                                service.ingest(w.request().batch(), w.request().submittedBy()))
                        .andThen(one -> {
                            if (one.succeeded()) {
                                w.promise().complete(one.result());
                            } else {
                                w.promise().fail(one.cause());
                            }
                        })
                        .transform(one -> Future.succeededFuture()));
            }
            return chain;
        });
    }
}
