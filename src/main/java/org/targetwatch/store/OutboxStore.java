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

/**
 * The notification outbox: written with the alert change, leased and marked by the delivery worker. Rows of one
 * group ({@code group_key}) are leased together and sent as one message; a row is pending until delivered or
 * closed ({@code failed_at}: refused for good, given up, or inhibited).
 */
public final class OutboxStore {
    static final String INSERT = """
            INSERT INTO outbox (event_id, alert_id, office, receiver, url, idempotency_key, payload, next_attempt_at,
                                group_key, severity, import_id)
            SELECT *, $11::uuid FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                                            $7::jsonb[], $8::timestamptz[], $9::text[], $10::text[])
            ON CONFLICT (idempotency_key) DO NOTHING""";

    static final String INSERT_GROUPS = """
            INSERT INTO outbox_groups (group_key, interval_ms)
            SELECT DISTINCT ON (k) k, ms FROM unnest($1::text[], $2::bigint[]) AS g(k, ms)
            ON CONFLICT (group_key) DO UPDATE SET interval_ms = EXCLUDED.interval_ms
            WHERE outbox_groups.interval_ms <> EXCLUDED.interval_ms""";

    /**
     * Leases due messages so that one instance delivers each; an expired lease makes a row due again. A message is
     * a pending row without a group, or all pending rows of a group once one of them is due and the group's last
     * message was at least its interval ago. A receiver with limits ($4 receivers, $5 per minute, $6 per second) is
     * handed at most its limit less the messages handed out in the last minute (second); claims of all instances are
     * serialised by a transaction-level advisory lock, so the limits hold across instances. Each row leased gets
     * {@code batch}, the first row of its message.
     */
    static final String CLAIM = """
            WITH limits AS (SELECT * FROM unnest($4::text[], $5::int[], $6::int[]) AS l(receiver, per_minute, per_second)),
            recent AS (SELECT receiver, count(DISTINCT coalesce(batch, id)) AS n,
                              count(DISTINCT coalesce(batch, id))
                                  FILTER (WHERE last_attempt_at > $1::timestamptz - interval '1 second') AS s
                       FROM outbox WHERE last_attempt_at > $1::timestamptz - interval '60 seconds' GROUP BY receiver),
            due AS (SELECT coalesce(o.group_key, '#' || o.id) AS g, o.receiver, min(o.id) AS first
                    FROM outbox o LEFT JOIN outbox_groups og ON og.group_key = o.group_key
                    WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1
                      AND (o.claimed_until IS NULL OR o.claimed_until < $1)
                      AND (og.flushed_at IS NULL OR og.flushed_at + og.interval_ms * interval '1 millisecond' <= $1)
                    GROUP BY 1, 2),
            ranked AS (SELECT d.*, row_number() OVER (PARTITION BY d.receiver ORDER BY d.first) AS rn FROM due d),
            chosen AS (SELECT r.g, r.first FROM ranked r
                       LEFT JOIN limits l ON l.receiver = r.receiver
                       LEFT JOIN recent c ON c.receiver = r.receiver
                       WHERE (coalesce(l.per_minute, 0) = 0 OR r.rn <= l.per_minute - coalesce(c.n, 0))
                         AND (coalesce(l.per_second, 0) = 0 OR r.rn <= l.per_second - coalesce(c.s, 0))
                       ORDER BY r.first LIMIT $3)
            UPDATE outbox o SET claimed_until = $2, last_attempt_at = $1, batch = c.first
            FROM chosen c
            WHERE o.delivered_at IS NULL AND o.failed_at IS NULL
              AND (o.claimed_until IS NULL OR o.claimed_until < $1)
              AND (o.id = c.first OR o.group_key = c.g)
            RETURNING o.id, o.office, o.receiver, o.url, o.idempotency_key, o.payload, o.attempts, o.batch,
                      o.group_key, o.severity, o.alert_id""";

    /** Serialises claims of every instance (the rate limits count what all of them handed out). */
    static final String CLAIM_LOCK = "SELECT pg_advisory_xact_lock(7212001)";

    static final String DELIVERED = """
            UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_status = $3, last_error = NULL,
                   claimed_until = NULL WHERE id = ANY($1)""";

    static final String FLUSHED = "UPDATE outbox_groups SET flushed_at = $2 WHERE group_key = $1";

    static final String FAILED = """
            UPDATE outbox SET attempts = attempts + 1, last_status = $2, last_error = $3, next_attempt_at = $4,
                   claimed_until = NULL WHERE id = ANY($1)""";

    static final String REJECTED = """
            UPDATE outbox SET attempts = attempts + 1, last_status = $2, last_error = $3, failed_at = $4,
                   claimed_until = NULL WHERE id = ANY($1)""";

    static final String POSTPONED = """
            UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, last_attempt_at = NULL
            WHERE id = ANY($1)""";

    static final String INHIBITED = """
            UPDATE outbox SET inhibited_by = $2, failed_at = $3, last_error = $4, claimed_until = NULL
            WHERE id = $1 AND delivered_at IS NULL""";

    static final String RETRY_FAILED = """
            UPDATE outbox SET failed_at = NULL, next_attempt_at = $2, attempts = 0, claimed_until = NULL
            WHERE receiver = $1 AND failed_at IS NOT NULL AND delivered_at IS NULL AND inhibited_by IS NULL""";

    static final String FOR_ALERT = """
            SELECT o.*, e.kind FROM outbox o JOIN alert_events e ON e.id = o.event_id
            WHERE o.alert_id = $1 ORDER BY o.id""";

    static final String BACKLOG = "SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL";

    /** Per receiver: last delivery, backlog, closed rows, and the latest error of a row not yet delivered. */
    static final String RECEIVERS = """
            SELECT receiver, max(delivered_at) AS last_success,
                   count(*) FILTER (WHERE delivered_at IS NULL AND failed_at IS NULL) AS backlog,
                   count(*) FILTER (WHERE delivered_at IS NULL AND failed_at IS NOT NULL AND inhibited_by IS NULL)
                       AS failed,
                   count(*) FILTER (WHERE inhibited_by IS NOT NULL) AS inhibited,
                   count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                   (array_agg(last_error ORDER BY last_attempt_at DESC NULLS LAST)
                        FILTER (WHERE last_error IS NOT NULL AND inhibited_by IS NULL))[1] AS last_error,
                   max(last_attempt_at) FILTER (WHERE last_error IS NOT NULL AND inhibited_by IS NULL) AS last_error_at
            FROM outbox GROUP BY receiver""";

    /**
     * One notification to write: an alert event for one receiver (event and alert null for an import's summary).
     *
     * @param groupKey        the group it is sent in (null: a message of its own)
     * @param groupIntervalMs the group's interval between messages
     * @param severity        the alert's severity (null for an import's summary)
     * @param dueAt           when it may first be sent (later than now for a group's wait or quiet hours)
     */
    public record Notification(
            Long eventId,
            Long alertId,
            String office,
            String receiver,
            String url,
            String key,
            JsonObject payload,
            String groupKey,
            long groupIntervalMs,
            String severity,
            Instant dueAt) {}

    /**
     * A leased notification to deliver.
     *
     * @param batch the first row of the message it goes in (rows of one group share it)
     */
    public record Claimed(
            long id,
            String office,
            String receiver,
            String url,
            String key,
            String payload,
            int attempts,
            long batch,
            String groupKey,
            String severity,
            Long alertId) {}

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
        String[][] text = new String[6][n];
        JsonObject[] payloads = new JsonObject[n];
        java.time.OffsetDateTime[] due = new java.time.OffsetDateTime[n];
        List<String> groups = new ArrayList<>();
        List<Long> intervals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Notification r = rows.get(i);
            events[i] = r.eventId();
            alerts[i] = r.alertId();
            text[0][i] = r.office();
            text[1][i] = r.receiver();
            text[2][i] = r.url();
            text[3][i] = r.key();
            text[4][i] = r.groupKey();
            text[5][i] = r.severity();
            payloads[i] = r.payload();
            due[i] = ReadingStore.utc(r.dueAt() == null ? now : r.dueAt());
            if (r.groupKey() != null) {
                groups.add(r.groupKey());
                intervals.add(r.groupIntervalMs());
            }
        }
        Future<?> first = groups.isEmpty()
                ? Future.succeededFuture()
                : client.preparedQuery(INSERT_GROUPS)
                        .execute(Tuple.tuple(
                                Arrays.asList(groups.toArray(new String[0]), intervals.toArray(new Long[0]))));
        return first.compose(x -> client.preparedQuery(INSERT)
                        .execute(Tuple.tuple(Arrays.asList(
                                events, alerts, text[0], text[1], text[2], text[3], payloads, due, text[4], text[5],
                                importId))))
                .mapEmpty();
    }

    /** One notification that is no alert event's: an import's summary for one receiver. */
    public record Summary(String office, String receiver, String url, String key, JsonObject payload) {}

    /** Writes an import's summary notifications (a repeat of the same key is written once). */
    public Future<Void> insertSummaries(java.util.UUID importId, List<Summary> rows, Instant now) {
        return insert(
                pool,
                rows.stream()
                        .map(r -> new Notification(
                                null,
                                null,
                                r.office(),
                                r.receiver(),
                                r.url(),
                                r.key(),
                                r.payload(),
                                null,
                                0,
                                null,
                                now))
                        .toList(),
                importId,
                now);
    }

    /**
     * Leases due messages until {@code leaseUntil}: up to {@code limit} messages, all rows of each.
     *
     * @param perMinute receiver id → messages per minute it takes (absent or 0: no limit)
     * @param perSecond receiver id → messages per second it takes (absent or 0: no limit)
     */
    public Future<List<Claimed>> claim(
            Instant now,
            Instant leaseUntil,
            int limit,
            Map<String, Integer> perMinute,
            Map<String, Integer> perSecond) {
        java.util.Set<String> limited = new java.util.TreeSet<>(perMinute.keySet());
        limited.addAll(perSecond.keySet());
        String[] receivers = limited.toArray(new String[0]);
        Integer[] minute = new Integer[receivers.length];
        Integer[] second = new Integer[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            minute[i] = perMinute.getOrDefault(receivers[i], 0);
            second[i] = perSecond.getOrDefault(receivers[i], 0);
        }
        return pool.withTransaction(c -> c.query(CLAIM_LOCK)
                        .execute()
                        .compose(x -> c.preparedQuery(CLAIM)
                                .execute(Tuple.tuple(Arrays.asList(
                                        ReadingStore.utc(now),
                                        ReadingStore.utc(leaseUntil),
                                        limit,
                                        receivers,
                                        minute,
                                        second)))))
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
                                r.getInteger("attempts"),
                                r.getLong("batch"),
                                r.getString("group_key"),
                                r.getString("severity"),
                                r.getLong("alert_id")));
                    }
                    out.sort(java.util.Comparator.comparingLong(Claimed::id));
                    return out;
                });
    }

    /** The rows were delivered (as one message; {@code groupKey} non-null: that group's message, so it was flushed). */
    public Future<Void> delivered(List<Long> ids, Instant now, int status, String groupKey) {
        Future<?> f = pool.preparedQuery(DELIVERED)
                .execute(Tuple.of(ids.toArray(new Long[0]), ReadingStore.utc(now), status));
        if (groupKey != null) {
            f = f.compose(x -> pool.preparedQuery(FLUSHED).execute(Tuple.of(groupKey, ReadingStore.utc(now))));
        }
        return f.mapEmpty();
    }

    public Future<Void> failed(List<Long> ids, Integer status, String error, Instant nextAttempt) {
        return pool.preparedQuery(FAILED)
                .execute(Tuple.of(ids.toArray(new Long[0]), status, error, ReadingStore.utc(nextAttempt)))
                .mapEmpty();
    }

    /**
     * The receiver refused the rows for good, or they failed as often as their receiver allows (the reason in
     * {@code error}): they are not sent again, and stay shown as failed.
     */
    public Future<Void> rejected(List<Long> ids, Integer status, String error, Instant now) {
        return pool.preparedQuery(REJECTED)
                .execute(Tuple.of(ids.toArray(new Long[0]), status, error, ReadingStore.utc(now)))
                .mapEmpty();
    }

    /** Hands leased rows back unsent, due again at {@code until} (quiet hours); no attempt is counted. */
    public Future<Void> postpone(List<Long> ids, Instant until) {
        return pool.preparedQuery(POSTPONED)
                .execute(Tuple.of(ids.toArray(new Long[0]), ReadingStore.utc(until)))
                .mapEmpty();
    }

    /** Closes a row unsent because alert {@code by} inhibits it. */
    public Future<Void> inhibited(SqlClient client, long id, long by, String reason, Instant now) {
        return client.preparedQuery(INHIBITED)
                .execute(Tuple.of(id, by, ReadingStore.utc(now), reason))
                .mapEmpty();
    }

    /** Makes the receiver's failed rows (not the inhibited ones) pending again, due now; returns how many. */
    public Future<Integer> retryFailed(String receiver, Instant now) {
        return pool.preparedQuery(RETRY_FAILED)
                .execute(Tuple.of(receiver, ReadingStore.utc(now)))
                .map(io.vertx.sqlclient.SqlResult::rowCount);
    }

    /** Delivery figures per receiver id (receivers that never had a notification are absent). */
    public Future<Map<String, JsonObject>> receivers() {
        return pool.query(RECEIVERS).execute().map(rs -> {
            Map<String, JsonObject> out = new java.util.HashMap<>();
            for (Row r : rs) {
                out.put(
                        r.getString("receiver"),
                        new JsonObject()
                                .put("lastSuccessAt", Times.format(r.getOffsetDateTime("last_success")))
                                .put("lastError", r.getString("last_error"))
                                .put("lastErrorAt", Times.format(r.getOffsetDateTime("last_error_at")))
                                .put("backlog", r.getLong("backlog"))
                                .put("delivered", r.getLong("delivered"))
                                .put("failed", r.getLong("failed"))
                                .put("inhibited", r.getLong("inhibited")));
            }
            return out;
        });
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
                                        : r.getLong("inhibited_by") != null
                                                ? "inhibited"
                                                : r.getOffsetDateTime("failed_at") != null ? "failed" : "pending")
                        .put("inhibitedBy", r.getLong("inhibited_by"))
                        .put("batch", r.getLong("batch"))
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
