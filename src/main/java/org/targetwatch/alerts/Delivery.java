package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.store.OutboxStore;

/**
 * Delivers the outbox after commit. Every {@code pollMillis} it leases due messages (so that several instances never
 * send one at once, and no receiver gets more than its messages per minute and per second from all of them
 * together): a notification, or all pending notifications of one group (an office's {@code groupBy}) as one message
 * with its own idempotency key {@code tw-group-<first row>-<count>}. Before sending, rows an active alert inhibits are
 * closed ({@link Inhibitor}) and, in a receiver's quiet hours, non-critical rows are handed back until their end.
 * Each message is sent as its receiver's type wants it ({@link Channels}: a signed webhook, or a WeCom, DingTalk or
 * Feishu robot message from its template). The answer decides ({@link Channels#verdict}): delivered; throttled
 * (sent again after {@code Retry-After} or {@code deliveryThrottleMillis}); refused for good (a robot's bad
 * signature, key or token: marked failed with the reason, never sent again, never dropped); or retried with
 * exponential backoff (base × 2^attempts with ±20 % jitter, at most one minute, so a receiver back from an outage
 * gets its backlog within about a minute) until delivered or, if the receiver sets {@code maxFailures}, marked
 * failed after that many attempts. Rows survive restarts, so nothing committed is lost. Receivers must treat the
 * idempotency key as the identity of a notification, since a crash after sending and before marking may repeat one.
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final OutboxStore outbox;
    private final Map<String, Routing.Receiver> receivers = new java.util.HashMap<>();
    private final Map<String, Integer> perMinute = new java.util.HashMap<>();
    private final Map<String, Integer> perSecond = new java.util.HashMap<>();
    private final Map<String, Routing.Office> offices = new java.util.HashMap<>();
    private final Inhibitor inhibitor;
    private final Channels channels;
    private final Clock clock;
    private final long baseBackoffMillis;
    private final long throttleMillis;
    private final org.targetwatch.common.Telemetry telemetry;
    private final HttpClient http;
    private long timer = -1;
    private boolean running;

    public Delivery(
            Vertx vertx,
            OutboxStore outbox,
            Routing routing,
            Channels channels,
            Inhibitor inhibitor,
            Clock clock,
            long baseBackoffMillis,
            long throttleMillis,
            org.targetwatch.common.Telemetry telemetry) {
        this.vertx = vertx;
        this.outbox = outbox;
        routing.offices().forEach(o -> {
            offices.put(o.id(), o);
            o.receivers().forEach(r -> {
                receivers.put(r.id(), r);
                if (r.ratePerMinute() > 0) {
                    perMinute.put(r.id(), r.ratePerMinute());
                }
                if (r.ratePerSecond() > 0) {
                    perSecond.put(r.id(), r.ratePerSecond());
                }
            });
        });
        this.inhibitor = inhibitor;
        this.channels = channels;
        this.clock = clock;
        this.baseBackoffMillis = baseBackoffMillis;
        this.throttleMillis = throttleMillis;
        this.telemetry = telemetry;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    }

    public void start(long pollMillis) {
        timer = vertx.setPeriodic(pollMillis, id -> tick());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * One round: lease due messages, close the rows an active alert inhibits, hold back what quiet hours hold, and
     * send each message once. Overlapping rounds are skipped.
     */
    void tick() {
        if (running) {
            return;
        }
        running = true;
        Instant now = clock.instant();
        outbox.claim(now, now.plus(LEASE), 50, perMinute, perSecond)
                .compose(rows -> inhibitor.apply(rows, now))
                .compose(rows -> {
                    Map<Long, List<OutboxStore.Claimed>> batches = new java.util.LinkedHashMap<>();
                    rows.forEach(r -> batches.computeIfAbsent(r.batch(), k -> new java.util.ArrayList<>())
                            .add(r));
                    return Future.join(batches.values().stream().map(this::send).toList());
                })
                .onComplete(ar -> {
                    running = false;
                    if (ar.failed()) {
                        if (!org.targetwatch.store.DatabaseHealth.isUnavailable(
                                ar.cause())) { // outages are logged once
                            LOG.warn("delivery round failed: {}", ar.cause().toString());
                        }
                    }
                });
    }

    /** Sends one message: a notification, or the pending notifications of one group. */
    private Future<Void> send(List<OutboxStore.Claimed> batch) {
        OutboxStore.Claimed head = batch.get(0);
        int attempts =
                batch.stream().mapToInt(OutboxStore.Claimed::attempts).max().orElse(0);
        Routing.Receiver receiver = receivers.get(head.receiver());
        if (receiver == null) {
            return outbox.failed(
                    ids(batch),
                    null,
                    "receiver " + head.receiver() + " is no longer configured",
                    nextAttempt(attempts));
        }
        Instant now = clock.instant();
        if (receiver.quietHours() != null) {
            Instant release = receiver.quietHours().release(now);
            if (release.isAfter(now)) {
                List<OutboxStore.Claimed> held = batch.stream()
                        .filter(r -> !"critical".equals(r.severity()))
                        .toList();
                List<OutboxStore.Claimed> urgent = batch.stream()
                        .filter(r -> "critical".equals(r.severity()))
                        .toList();
                Future<Void> postponed =
                        held.isEmpty() ? Future.succeededFuture() : outbox.postpone(ids(held), release);
                if (urgent.isEmpty()) {
                    return postponed;
                }
                // the critical ones go now; a failed postponement only leaves the others leased until it expires
                postponed.onFailure(e -> LOG.warn("outbox rows {} not postponed: {}", ids(held), e.toString()));
                batch = urgent;
                head = urgent.get(0);
            }
        }
        List<OutboxStore.Claimed> rows = batch;
        String key;
        String payload;
        if (rows.size() == 1) {
            key = head.key();
            payload = head.payload();
        } else {
            key = "tw-group-" + head.batch() + "-" + rows.size();
            Routing.Office office = offices.get(head.office());
            payload = Notifier.groupPayload(
                            office,
                            receiver,
                            key,
                            rows.stream().map(r -> new JsonObject(r.payload())).toList(),
                            now)
                    .encode();
        }
        Channels.Request request;
        try {
            request = channels.request(receiver, head.office(), head.url(), key, payload, now);
        } catch (RuntimeException e) {
            LOG.warn("outbox rows {} for {} could not be rendered: {}", ids(rows), head.receiver(), e.toString());
            return outbox.failed(ids(rows), null, "not rendered: " + e.getMessage(), nextAttempt(attempts));
        }
        String groupKey = head.groupKey();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(request.url())
                .setTimeout(10_000);
        request.headers().forEach(options::putHeader);
        Buffer body = Buffer.buffer(request.body());
        return http.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body()
                        .map(b -> channels.verdict(
                                receiver,
                                resp.statusCode(),
                                b.toString(StandardCharsets.UTF_8),
                                resp.getHeader("Retry-After")))
                        .map(v -> new Object[] {resp.statusCode(), v}))
                .transform(ar -> {
                    Instant at = clock.instant();
                    if (ar.failed()) {
                        count(receiver, "failed");
                        return retry(
                                receiver,
                                rows,
                                attempts,
                                null,
                                String.valueOf(ar.cause().getMessage()),
                                -1,
                                at);
                    }
                    int status = (Integer) ar.result()[0];
                    Channels.Verdict v = (Channels.Verdict) ar.result()[1];
                    return switch (v.kind()) {
                        case DELIVERED -> {
                            count(receiver, "delivered");
                            yield outbox.delivered(ids(rows), at, status, groupKey);
                        }
                        case THROTTLED -> {
                            count(receiver, "throttled");
                            yield outbox.failed(
                                    ids(rows),
                                    status,
                                    "throttled (" + v.reason() + ")",
                                    at.plusMillis(v.retryAfterMillis() >= 0 ? v.retryAfterMillis() : throttleMillis));
                        }
                        case REJECTED -> {
                            count(receiver, "rejected");
                            LOG.warn(
                                    "receiver {} ({}) refused notification {} for good: {}",
                                    receiver.id(),
                                    receiver.displayUrl(),
                                    key,
                                    v.reason());
                            yield outbox.rejected(ids(rows), status, v.reason(), at);
                        }
                        case RETRY -> {
                            count(receiver, "failed");
                            yield retry(receiver, rows, attempts, status, v.reason(), v.retryAfterMillis(), at);
                        }
                    };
                })
                .recover(e -> {
                    LOG.warn("outbox rows {} not updated: {}", ids(rows), e.toString());
                    return Future.succeededFuture();
                });
    }

    /** A failed attempt: tried again later, or marked failed once the receiver's {@code maxFailures} is reached. */
    private Future<Void> retry(
            Routing.Receiver receiver,
            List<OutboxStore.Claimed> rows,
            int attemptsBefore,
            Integer status,
            String reason,
            long retryAfterMillis,
            Instant now) {
        if (receiver.maxFailures() > 0 && attemptsBefore + 1 >= receiver.maxFailures()) {
            LOG.warn(
                    "receiver {} ({}): notifications {} failed {} times, marked failed: {}",
                    receiver.id(),
                    receiver.displayUrl(),
                    ids(rows),
                    attemptsBefore + 1,
                    reason);
            return outbox.rejected(
                    ids(rows), status, "failed " + (attemptsBefore + 1) + " times (maxFailures); last: " + reason, now);
        }
        Instant next = retryAfterMillis >= 0 ? now.plusMillis(retryAfterMillis) : nextAttempt(attemptsBefore);
        return outbox.failed(ids(rows), status, reason, next);
    }

    private static List<Long> ids(List<OutboxStore.Claimed> rows) {
        return rows.stream().map(OutboxStore.Claimed::id).toList();
    }

    private void count(Routing.Receiver r, String result) {
        telemetry.delivery(r.id(), r.type(), result);
    }

    private Instant nextAttempt(int attemptsBefore) {
        long factor = 1L << Math.min(attemptsBefore, 20);
        long millis = Math.min(baseBackoffMillis * factor, MAX_BACKOFF.toMillis());
        double jitter =
                0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble();
        return clock.instant().plusMillis(Math.max(1, Math.round(millis * jitter)));
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret}: what {@code X-TargetWatch-Signature} carries. */
    public static String sign(String secret, byte[] body) {
        return HexFormat.of().formatHex(Channels.hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    public Future<Void> close() {
        stop();
        return http.close();
    }
}
