package org.targetwatch.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.targetwatch.store.AlertStore;

/**
 * {@code GET /api/v1/alerts/stream}: alert events as Server-Sent Events ({@code id} = the event id, {@code event} =
 * its kind, {@code data} = the event and the alert as JSON), filtered by the query matchers {@code category},
 * {@code severity}, {@code subject}, {@code region} (comma-separated lists). A client that reconnects with
 * {@code Last-Event-ID} (or {@code ?lastEventId=}) receives every matching event after that id, in order, without
 * gaps; without it the stream starts at the newest event.
 *
 * <p>Events are read from {@code alert_events}, so a stream on any instance sees events of all instances. Event
 * ids are allocated before commit, so a smaller id can become visible after a larger one: the stream keeps its
 * cursor below the first missing id and waits up to {@value #GAP_WAIT_SECONDS} s for it before treating it as a
 * rolled-back transaction.
 */
public final class AlertStream {
    static final long GAP_WAIT_SECONDS = 10;
    /** Streams poll at least this often; a committed event wakes them at once (LISTEN/NOTIFY, see TargetWatch). */
    private static final long POLL_MILLIS = 1000;
    /** Local event-bus address published to when PostgreSQL notifies new alert events. */
    public static final String WAKE_ADDRESS = "targetwatch.alert-events";

    private static final long KEEPALIVE_MILLIS = 15_000;
    /** Local event-bus address a revoked token's id is published to: its streams on this instance end at once. */
    public static final String REVOKED_ADDRESS = "targetwatch.token-revoked";
    /** How often a stream checks in the database that its token is still valid (revoked on another instance). */
    static final long TOKEN_CHECK_MILLIS = 2000;

    static final String MAX_ID = "SELECT coalesce(max(id), 0) AS id FROM alert_events";
    static final String AFTER = """
            SELECT e.id AS event_id, e.at AS event_at, e.actor AS event_actor, e.kind AS event_kind,
                   e.from_status AS event_from, e.to_status AS event_to, e.comment AS event_comment,
                   e.value AS event_value, a.*
            FROM alert_events e JOIN alerts a ON a.id = e.alert_id
            WHERE e.id > $1 ORDER BY e.id LIMIT 500""";

    private AlertStream() {}

    /**
     * Opens a stream for the request's principal. The stream ends when its token is revoked: at once when revoked on
     * this instance ({@link #REVOKED_ADDRESS}), within {@link #TOKEN_CHECK_MILLIS} when revoked on another. It ends
     * with an event {@code revoked}; a client that reconnects with the same token gets 401.
     */
    static void open(RoutingContext ctx, Vertx vertx, Pool pool, org.targetwatch.store.TokenStore tokens) {
        org.targetwatch.store.TokenStore.Principal principal = ctx.get(Access.PRINCIPAL);
        Map<String, java.util.List<String>> match = new TreeMap<>();
        for (String key : new String[] {"category", "severity", "subject", "region"}) {
            String v = ctx.request().getParam(key);
            if (v != null && !v.isBlank()) {
                match.put(key, java.util.List.of(v.split(",")));
            }
        }
        String last = ctx.request().getHeader("Last-Event-ID");
        if (last == null) {
            last = ctx.request().getParam("lastEventId");
        }
        Long start;
        try {
            start = last == null || last.isBlank() ? null : Long.parseLong(last.strip());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("Last-Event-ID", "Last-Event-ID must be an event id (a number)");
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": TargetWatch alert stream\n\n");
        (start == null
                        ? pool.query(MAX_ID)
                                .execute()
                                .map(rs -> rs.iterator().next().getLong("id"))
                        : io.vertx.core.Future.succeededFuture(start))
                .onSuccess(cursor -> new Session(vertx, pool, response, match, cursor, principal.id(), tokens).start())
                .onFailure(e -> response.end());
    }

    /** One connected client: its cursor, the ids above it already sent, and when each gap was first seen. */
    private static final class Session {
        private final Vertx vertx;
        private final Pool pool;
        private final HttpServerResponse response;
        private final Map<String, java.util.List<String>> match;
        private long cursor;
        private final java.util.TreeSet<Long> sentAbove = new java.util.TreeSet<>();
        private Instant gapSince;
        private long timer;
        private long lastWrite = System.currentTimeMillis();
        private boolean busy;
        private boolean closed;

        /** The stream's token id; null for the configured admin token, which cannot be revoked. */
        private final Long tokenId;

        private final org.targetwatch.store.TokenStore tokens;
        private long tokenTimer = -1;
        private io.vertx.core.eventbus.MessageConsumer<Object> revoked;

        Session(
                Vertx vertx,
                Pool pool,
                HttpServerResponse response,
                Map<String, java.util.List<String>> match,
                long cursor,
                Long tokenId,
                org.targetwatch.store.TokenStore tokens) {
            this.tokenId = tokenId;
            this.tokens = tokens;
            this.vertx = vertx;
            this.pool = pool;
            this.response = response;
            this.match = match;
            this.cursor = cursor;
        }

        private io.vertx.core.eventbus.MessageConsumer<Object> wake;

        void start() {
            response.closeHandler(v -> close());
            response.exceptionHandler(e -> close());
            timer = vertx.setPeriodic(POLL_MILLIS, id -> poll());
            wake = vertx.eventBus().localConsumer(WAKE_ADDRESS, m -> poll());
            if (tokenId != null) {
                revoked = vertx.eventBus().localConsumer(REVOKED_ADDRESS, m -> {
                    if (tokenId.equals(m.body())) {
                        endRevoked();
                    }
                });
                tokenTimer = vertx.setPeriodic(
                        TOKEN_CHECK_MILLIS,
                        id -> tokens.active(tokenId).onSuccess(active -> {
                            if (!active) {
                                endRevoked();
                            }
                        }));
            }
            poll();
        }

        /** The token was revoked: a last event says so, and the stream ends. */
        private void endRevoked() {
            if (closed) {
                return;
            }
            close();
            response.write("event: revoked\ndata: {\"code\":\"unauthenticated\",\"message\":\"the token of this"
                    + " stream was revoked\"}\n\n");
            response.end();
        }

        private void close() {
            closed = true;
            vertx.cancelTimer(timer);
            if (tokenTimer >= 0) {
                vertx.cancelTimer(tokenTimer);
            }
            if (wake != null) {
                wake.unregister();
            }
            if (revoked != null) {
                revoked.unregister();
            }
        }

        private boolean again;

        private void poll() {
            if (closed) {
                return;
            }
            if (busy) {
                again = true;
                return;
            }
            busy = true;
            pool.preparedQuery(AFTER).execute(Tuple.of(cursor)).onComplete(ar -> {
                busy = false;
                if (closed) {
                    return;
                }
                if (ar.failed()) {
                    return;
                }
                for (Row r : ar.result()) {
                    long id = r.getLong("event_id");
                    if (sentAbove.add(id) && matches(r)) {
                        write(id, r);
                    }
                }
                advance();
                if (again) {
                    again = false;
                    vertx.runOnContext(v -> poll());
                }
                if (System.currentTimeMillis() - lastWrite > KEEPALIVE_MILLIS) {
                    response.write(": keepalive\n\n");
                    lastWrite = System.currentTimeMillis();
                }
            });
        }

        /** Moves the cursor over ids seen without a gap; skips a gap that stayed open too long. */
        private void advance() {
            while (!sentAbove.isEmpty()) {
                long next = sentAbove.first();
                if (next == cursor + 1) {
                    cursor = next;
                    sentAbove.pollFirst();
                    gapSince = null;
                } else if (gapSince == null) {
                    gapSince = Instant.now();
                    return;
                } else if (Duration.between(gapSince, Instant.now()).getSeconds() >= GAP_WAIT_SECONDS) {
                    cursor = next - 1;
                    gapSince = null;
                } else {
                    return;
                }
            }
        }

        private boolean matches(Row r) {
            for (Map.Entry<String, java.util.List<String>> m : match.entrySet()) {
                if (!m.getValue().contains(r.getString(m.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        private void write(long id, Row r) {
            JsonObject event = new JsonObject()
                    .put("id", id)
                    .put("kind", r.getString("event_kind"))
                    .put("at", org.targetwatch.common.Times.format(r.getOffsetDateTime("event_at")))
                    .put("actor", r.getString("event_actor"))
                    .put("from", r.getString("event_from"))
                    .put("to", r.getString("event_to"))
                    .put("comment", r.getString("event_comment"))
                    .put("value", r.getDouble("event_value"));
            JsonObject data = new JsonObject().put("event", event).put("alert", AlertStore.toJson(r));
            response.write("id: " + id + "\nevent: " + r.getString("event_kind") + "\ndata: " + data.encode() + "\n\n");
            lastWrite = System.currentTimeMillis();
        }
    }
}
