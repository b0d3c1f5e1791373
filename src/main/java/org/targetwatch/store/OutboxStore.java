package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Times;

/** The notification outbox: written with the alert change, leased and marked by the delivery worker. */
public final class OutboxStore {
    static final String INSERT = """
            INSERT INTO outbox (event_id, alert_id, office, receiver, url, idempotency_key, payload, next_attempt_at,
                                import_id)
            SELECT *, $9::uuid FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                                           $7::jsonb[], $8::timestamptz[])
            ON CONFLICT (idempotency_key) DO NOTHING""";

    /**
     * Leases due rows so that one instance delivers each; an expired lease makes a row due again. A receiver with a
     * limit of messages per minute ($4 receivers, $5 limits) is handed at most its limit less what was handed out
     * in the last minute; claims of all instances are serialised by a transaction-level advisory lock, so the
     * limit holds across instances.
     */
    static final String CLAIM = """
            WITH limits AS (SELECT * FROM unnest($4::text[], $5::int[]) AS l(receiver, per_minute)),
            recent AS (SELECT receiver, count(*) AS n FROM outbox
                       WHERE last_attempt_at > $1::timestamptz - interval '60 seconds' GROUP BY receiver),
            due AS (SELECT o.id, o.receiver,
                           row_number() OVER (PARTITION BY o.receiver ORDER BY o.id) AS rn
                    FROM outbox o
                    WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1
                      AND (o.claimed_until IS NULL OR o.claimed_until < $1)),
            chosen AS (SELECT d.id FROM due d
                       LEFT JOIN limits l ON l.receiver = d.receiver
                       LEFT JOIN recent r ON r.receiver = d.receiver
                       WHERE l.per_minute IS NULL OR l.per_minute = 0 OR d.rn <= l.per_minute - coalesce(r.n, 0)
                       ORDER BY d.id LIMIT $3)
            UPDATE outbox SET claimed_until = $2, last_attempt_at = $1
            WHERE id IN (SELECT id FROM chosen)
            RETURNING id, office, receiver, url, idempotency_key, payload, attempts""";

    /** Serialises claims of every instance (the rate limits count what all of them handed out). */
    static final String CLAIM_LOCK = "SELECT pg_advisory_xact_lock(7212001)";

    static final String DELIVERED = """
            UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_status = $3, last_error = NULL,
                   claimed_until = NULL WHERE id = $1""";

    static final String FAILED = """
            UPDATE outbox SET attempts = attempts + 1, last_status = $2, last_error = $3, next_attempt_at = $4,
                   claimed_until = NULL WHERE id = $1""";

    static final String REJECTED = """
            UPDATE outbox SET attempts = attempts + 1, last_status = $2, last_error = $3, failed_at = $4,
                   claimed_until = NULL WHERE id = $1""";

    static final String FOR_ALERT = """
            SELECT o.*, e.kind FROM outbox o JOIN alert_events e ON e.id = o.event_id
            WHERE o.alert_id = $1 ORDER BY o.id""";

    static final String BACKLOG = "SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL";

    /** One notification to write: an alert event for one receiver (event and alert null for an import's summary). */
    public record Notification(
            Long eventId, Long alertId, String office, String receiver, String url, String key, JsonObject payload) {}

    /** A leased notification to deliver. */
    public record Claimed(
            long id, String office, String receiver, String url, String key, String payload, int attempts) {}

    private final Pool pool;

    public OutboxStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> insert(SqlClient client, List<Notification> rows, Instant now) {
        return insert(client, rows, null, now);
    }

    private Future<Void> insert(SqlClient client, List<Notification> rows, java.util.UUID importId, Instant now) {
        if (rows.isEmpty()) {
            return Future.succeededFuture();
        }
        int n = rows.size();
        Long[] events = new Long[n];
        Long[] alerts = new Long[n];
        String[][] text = new String[4][n];
        JsonObject[] payloads = new JsonObject[n];
        java.time.OffsetDateTime[] due = new java.time.OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Notification r = rows.get(i);
            events[i] = r.eventId();
            alerts[i] = r.alertId();
            text[0][i] = r.office();
            text[1][i] = r.receiver();
            text[2][i] = r.url();
            text[3][i] = r.key();
            payloads[i] = r.payload();
            due[i] = ReadingStore.utc(now);
        }
        return client.preparedQuery(INSERT)
                .execute(Tuple.tuple(
                        Arrays.asList(events, alerts, text[0], text[1], text[2], text[3], payloads, due, importId)))
                .mapEmpty();
    }

    /** One notification that is no alert event's: an import's summary for one receiver. */
    public record Summary(String office, String receiver, String url, String key, JsonObject payload) {}

    /** Writes an import's summary notifications (a repeat of the same key is written once). */
    public Future<Void> insertSummaries(java.util.UUID importId, List<Summary> rows, Instant now) {
        return insert(
                pool,
                rows.stream()
                        .map(r -> new Notification(null, null, r.office(), r.receiver(), r.url(), r.key(), r.payload()))
                        .toList(),
                importId,
                now);
    }

    /**
     * Leases up to {@code limit} due rows until {@code leaseUntil}.
     *
     * @param perMinute receiver id → messages per minute it takes (absent or 0: no limit)
     */
    public Future<List<Claimed>> claim(Instant now, Instant leaseUntil, int limit, Map<String, Integer> perMinute) {
        String[] receivers = perMinute.keySet().toArray(new String[0]);
        Integer[] limits = new Integer[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            limits[i] = perMinute.get(receivers[i]);
        }
        return pool.withTransaction(c -> c.query(CLAIM_LOCK)
                        .execute()
                        .compose(x -> c.preparedQuery(CLAIM)
                                .execute(Tuple.tuple(Arrays.asList(
                                        ReadingStore.utc(now),
                                        ReadingStore.utc(leaseUntil),
                                        limit,
                                        receivers,
                                        limits)))))
                .map(rs -> {
                    List<Claimed> out = new ArrayList<>();
                    for (Row r : rs) {
                        out.add(new Claimed(
                                r.getLong("id"),
                                r.getString("office"),
                                r.getString("receiver"),
                                r.getString("url"),
                                r.getString("idempotency_key"),
                                ((JsonObject) r.getJson("payload")).encode(),
                                r.getInteger("attempts")));
                    }
                    out.sort(java.util.Comparator.comparingLong(Claimed::id));
                    return out;
                });
    }

    public Future<Void> delivered(long id, Instant now, int status) {
        return pool.preparedQuery(DELIVERED)
                .execute(Tuple.of(id, ReadingStore.utc(now), status))
                .mapEmpty();
    }

    public Future<Void> failed(long id, Integer status, String error, Instant nextAttempt) {
        return pool.preparedQuery(FAILED)
                .execute(Tuple.of(id, status, error, ReadingStore.utc(nextAttempt)))
                .mapEmpty();
    }

    /** The receiver refused the notification for good (its reason in {@code error}): it is not sent again. */
    public Future<Void> rejected(long id, Integer status, String error, Instant now) {
        return pool.preparedQuery(REJECTED)
                .execute(Tuple.of(id, status, error, ReadingStore.utc(now)))
                .mapEmpty();
    }

    public Future<List<JsonObject>> forAlert(long alertId) {
        return pool.preparedQuery(FOR_ALERT).execute(Tuple.of(alertId)).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            for (Row r : rs) {
                out.add(new JsonObject()
                        .put("id", r.getLong("id"))
                        .put("eventId", r.getLong("event_id"))
                        .put("event", r.getString("kind"))
                        .put("office", r.getString("office"))
                        .put("receiver", r.getString("receiver"))
                        .put("url", r.getString("url"))
                        .put("idempotencyKey", r.getString("idempotency_key"))
                        .put("attempts", r.getInteger("attempts"))
                        .put("lastStatus", r.getInteger("last_status"))
                        .put("lastError", r.getString("last_error"))
                        .put(
                                "status",
                                r.getOffsetDateTime("delivered_at") != null
                                        ? "delivered"
                                        : r.getOffsetDateTime("failed_at") != null ? "failed" : "pending")
                        .put("deliveredAt", Times.format(r.getOffsetDateTime("delivered_at")))
                        .put("failedAt", Times.format(r.getOffsetDateTime("failed_at")))
                        .put(
                                "nextAttemptAt",
                                r.getOffsetDateTime("delivered_at") == null && r.getOffsetDateTime("failed_at") == null
                                        ? Times.format(r.getOffsetDateTime("next_attempt_at"))
                                        : null));
            }
            return out;
        });
    }

    public Future<Long> backlog() {
        return pool.query(BACKLOG).execute().map(rs -> rs.iterator().next().getLong("n"));
    }
}
