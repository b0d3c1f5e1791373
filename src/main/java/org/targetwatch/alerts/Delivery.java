package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.store.OutboxStore;

/**
 * Delivers the outbox after commit. Every {@code pollMillis} it leases due rows (so that several instances never send
 * one row at once, and no receiver gets more than its messages per minute from all of them together) and sends each
 * as its receiver's type wants it ({@link Channels}: a signed webhook, or a WeCom, DingTalk or Feishu robot message
 * from its template), with the notification's idempotency key. The answer decides ({@link Channels#verdict}):
 * delivered; throttled (sent again after {@code Retry-After} or {@code deliveryThrottleMillis}); refused for good
 * (a robot's bad signature, key or token: marked failed with the reason, never sent again, never dropped); or
 * retried with exponential backoff (base × 2^attempts with ±20 % jitter, at most one minute, so a receiver back
 * from an outage gets its backlog within about a minute), indefinitely: rows survive restarts, so nothing committed
 * is lost. Receivers must treat the idempotency key as the identity of a notification, since a crash after sending
 * and before marking may repeat one.
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final OutboxStore outbox;
    private final Map<String, Routing.Receiver> receivers = new java.util.HashMap<>();
    private final Map<String, Integer> perMinute = new java.util.HashMap<>();
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
            Clock clock,
            long baseBackoffMillis,
            long throttleMillis,
            org.targetwatch.common.Telemetry telemetry) {
        this.vertx = vertx;
        this.outbox = outbox;
        routing.offices()
                .forEach(o -> o.receivers().forEach(r -> {
                    receivers.put(r.id(), r);
                    if (r.ratePerMinute() > 0) {
                        perMinute.put(r.id(), r.ratePerMinute());
                    }
                }));
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

    /** One round: lease due rows and try each once. Overlapping rounds are skipped. */
    void tick() {
        if (running) {
            return;
        }
        running = true;
        Instant now = clock.instant();
        outbox.claim(now, now.plus(LEASE), 50, perMinute)
                .compose(rows -> Future.join(rows.stream().map(this::send).toList()))
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

    private Future<Void> send(OutboxStore.Claimed row) {
        Routing.Receiver receiver = receivers.get(row.receiver());
        if (receiver == null) {
            return outbox.failed(
                    row.id(),
                    null,
                    "receiver " + row.receiver() + " is no longer configured",
                    nextAttempt(row.attempts()));
        }
        Channels.Request request;
        try {
            request = channels.request(receiver, row.office(), row.url(), row.key(), row.payload(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("outbox row {} for {} could not be rendered: {}", row.id(), row.receiver(), e.toString());
            return outbox.failed(row.id(), null, "not rendered: " + e.getMessage(), nextAttempt(row.attempts()));
        }
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
                    if (ar.failed()) {
                        count(receiver, "failed");
                        return outbox.failed(
                                row.id(), null, String.valueOf(ar.cause().getMessage()), nextAttempt(row.attempts()));
                    }
                    int status = (Integer) ar.result()[0];
                    Channels.Verdict v = (Channels.Verdict) ar.result()[1];
                    Instant now = clock.instant();
                    return switch (v.kind()) {
                        case DELIVERED -> {
                            count(receiver, "delivered");
                            yield outbox.delivered(row.id(), now, status);
                        }
                        case THROTTLED -> {
                            count(receiver, "throttled");
                            yield outbox.failed(
                                    row.id(),
                                    status,
                                    "throttled (" + v.reason() + ")",
                                    now.plusMillis(v.retryAfterMillis() >= 0 ? v.retryAfterMillis() : throttleMillis));
                        }
                        case REJECTED -> {
                            count(receiver, "rejected");
                            LOG.warn(
                                    "receiver {} ({}) refused notification {} for good: {}",
                                    receiver.id(),
                                    receiver.displayUrl(),
                                    row.key(),
                                    v.reason());
                            yield outbox.rejected(row.id(), status, v.reason(), now);
                        }
                        case RETRY -> {
                            count(receiver, "failed");
                            yield outbox.failed(
                                    row.id(),
                                    status,
                                    v.reason(),
                                    v.retryAfterMillis() >= 0
                                            ? now.plusMillis(v.retryAfterMillis())
                                            : nextAttempt(row.attempts()));
                        }
                    };
                })
                .recover(e -> {
                    LOG.warn("outbox row {} not updated: {}", row.id(), e.toString());
                    return Future.succeededFuture();
                });
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
