package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.store.OutboxStore;

/**
 * Delivers the outbox to webhooks after commit. Every {@code pollMillis} it leases due rows (so that several
 * instances never send one row at once), POSTs each payload with {@code X-TargetWatch-Signature: sha256=<hex
 * HMAC-SHA256 of the body with the receiver's secret>} and {@code Idempotency-Key}, and marks it delivered on a 2xx.
 * Otherwise the row is retried with exponential backoff (base × 2^attempts, at most one hour), indefinitely: rows
 * survive restarts, so nothing committed is lost. Receivers must treat the idempotency key as the identity of a
 * notification, since a crash after sending and before marking may repeat one.
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final OutboxStore outbox;
    private final Function<String, String> secrets;
    private final Clock clock;
    private final long baseBackoffMillis;
    private final HttpClient http;
    private long timer = -1;
    private boolean running;

    /** @param secrets receiver id → its HMAC secret */
    public Delivery(Vertx vertx, OutboxStore outbox, Routing routing, Clock clock, long baseBackoffMillis) {
        this.vertx = vertx;
        this.outbox = outbox;
        Map<String, String> byId = new java.util.HashMap<>();
        routing.offices().forEach(o -> o.receivers().forEach(r -> byId.put(r.id(), r.secret())));
        this.secrets = byId::get;
        this.clock = clock;
        this.baseBackoffMillis = baseBackoffMillis;
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
        outbox.claim(now, now.plus(LEASE), 50)
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
        String secret = secrets.apply(row.receiver());
        Buffer body = Buffer.buffer(row.payload(), "UTF-8");
        if (secret == null) {
            return outbox.failed(
                    row.id(),
                    null,
                    "receiver " + row.receiver() + " is no longer configured",
                    nextAttempt(row.attempts()));
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(row.url())
                .setTimeout(10_000)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("X-TargetWatch-Signature", "sha256=" + sign(secret, body.getBytes()))
                .putHeader("Idempotency-Key", row.key());
        return http.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .transform(ar -> {
                    if (ar.succeeded() && ar.result() / 100 == 2) {
                        return outbox.delivered(row.id(), clock.instant(), ar.result());
                    }
                    Integer status = ar.succeeded() ? ar.result() : null;
                    String error = ar.succeeded()
                            ? "HTTP " + ar.result()
                            : String.valueOf(ar.cause().getMessage());
                    return outbox.failed(row.id(), status, error, nextAttempt(row.attempts()));
                })
                .recover(e -> {
                    LOG.warn("outbox row {} not updated: {}", row.id(), e.toString());
                    return Future.succeededFuture();
                });
    }

    private Instant nextAttempt(int attemptsBefore) {
        long factor = 1L << Math.min(attemptsBefore, 20);
        long millis = Math.min(baseBackoffMillis * factor, MAX_BACKOFF.toMillis());
        return clock.instant().plusMillis(millis);
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret}: what {@code X-TargetWatch-Signature} carries. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Future<Void> close() {
        stop();
        return http.close();
    }
}
