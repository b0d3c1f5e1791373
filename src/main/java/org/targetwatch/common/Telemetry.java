package org.targetwatch.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's meters, in the Prometheus registry that Vert.x also reports HTTP, pool and JVM metrics to;
 * served as text at {@code GET /metrics}. Database-backed gauges (alerts by state, outbox backlog) are refreshed
 * by {@link #refresh(Pool)} every few seconds rather than on every scrape.
 */
public final class Telemetry {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter readingsReceived;
    private final Counter readingsStored;
    private final Counter factsEvaluated;
    private final Timer evaluation;
    private final io.micrometer.core.instrument.DistributionSummary ingestGroup;
    private final Counter ingestGroupRetries;
    private final Map<String, AtomicLong> alertsByState = new ConcurrentHashMap<>();
    private final AtomicLong outboxBacklog = new AtomicLong();
    private final AtomicLong outboxFailed = new AtomicLong();

    public Telemetry() {
        readingsReceived = Counter.builder("targetwatch_readings_received")
                .description("readings accepted by POST /api/v1/readings (repeats included)")
                .register(registry);
        readingsStored = Counter.builder("targetwatch_readings_stored")
                .description("readings stored (new and corrections)")
                .register(registry);
        factsEvaluated = Counter.builder("targetwatch_facts_evaluated")
                .description("facts given to Drools")
                .register(registry);
        evaluation = Timer.builder("targetwatch_rule_evaluation")
                .description("one Drools evaluation of a batch")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        ingestGroup = io.micrometer.core.instrument.DistributionSummary.builder("targetwatch_ingest_group_requests")
                .description("requests committed by one ingest transaction (group commit)")
                .register(registry);
        ingestGroupRetries = Counter.builder("targetwatch_ingest_group_retries")
                .description("group-commit transactions that failed and whose requests were retried one by one")
                .register(registry);
        for (String state : new String[] {"pending", "open", "acknowledged"}) {
            AtomicLong v = new AtomicLong();
            alertsByState.put(state, v);
            Gauge.builder("targetwatch_alerts_active", v, AtomicLong::get)
                    .tag("state", state)
                    .description("active alerts by state")
                    .register(registry);
        }
        Gauge.builder("targetwatch_outbox_backlog", outboxBacklog, AtomicLong::get)
                .description("notifications not yet delivered (and not failed)")
                .register(registry);
        Gauge.builder("targetwatch_outbox_failed", outboxFailed, AtomicLong::get)
                .description("notifications their receiver refused for good (bad signature, key or token)")
                .register(registry);
    }

    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();

    /**
     * One delivery attempt, by receiver and result: {@code delivered}, {@code throttled} (the service said too many
     * messages), {@code rejected} (refused for good: marked failed), {@code failed} (retried).
     */
    public void delivery(String receiver, String type, String result) {
        deliveries
                .computeIfAbsent(
                        receiver + "|" + result,
                        k -> Counter.builder("targetwatch_deliveries")
                                .description("notification delivery attempts by receiver and result")
                                .tag("receiver", receiver)
                                .tag("type", type)
                                .tag("result", result)
                                .register(registry))
                .increment();
    }

    private final Map<String, Counter> hj212Frames = new ConcurrentHashMap<>();

    /**
     * One HJ 212 frame handled, by its result: {@code stored}, {@code not_stored} (valid, nothing to store),
     * {@code refused} (unknown MN, wrong PW, invalid readings), {@code bad_frame} (header, length or CRC wrong),
     * {@code failed} (the store was unavailable; not answered, so the logger sends it again).
     */
    public void hj212Frame(String result) {
        hj212Frames
                .computeIfAbsent(
                        result,
                        r -> Counter.builder("targetwatch_hj212_frames")
                                .tag("result", r)
                                .description("HJ 212 frames received, by result")
                                .register(registry))
                .increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void received(int n) {
        readingsReceived.increment(n);
    }

    public void stored(int n) {
        readingsStored.increment(n);
    }

    /** A group-commit transaction failed; its requests are retried one by one. */
    public void ingestGroupRetried() {
        ingestGroupRetries.increment();
    }

    /** One ingest transaction committed the given number of requests. */
    public void ingestGroup(int requests) {
        ingestGroup.record(requests);
    }

    public Timer.Sample startEvaluation(int facts) {
        factsEvaluated.increment(facts);
        return Timer.start(registry);
    }

    public void stopEvaluation(Timer.Sample sample) {
        sample.stop(evaluation);
    }

    /** Re-reads the database-backed gauges. */
    public void refresh(Pool pool) {
        pool.query("SELECT status, count(*) AS n FROM alerts WHERE resolved_at IS NULL GROUP BY status")
                .execute()
                .onSuccess(rs -> {
                    alertsByState.values().forEach(v -> v.set(0));
                    rs.forEach(r -> {
                        AtomicLong v = alertsByState.get(r.getString("status"));
                        if (v != null) {
                            v.set(r.getLong("n"));
                        }
                    });
                });
        pool.query(
                        "SELECT count(*) FILTER (WHERE failed_at IS NULL) AS n, count(*) FILTER (WHERE failed_at IS NOT NULL AND"
                                + " inhibited_by IS NULL)"
                                + " AS failed FROM outbox WHERE delivered_at IS NULL")
                .execute()
                .onSuccess(rs -> {
                    Row r = rs.iterator().next();
                    outboxBacklog.set(r.getLong("n"));
                    outboxFailed.set(r.getLong("failed"));
                });
    }
}
