package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import org.targetwatch.common.Times;

/** The audit log (V21): written after each audited request ends, read by admins, deleted after its retention. */
public final class AuditStore {
    static final String INSERT = """
            INSERT INTO audit_log (at, actor, actor_id, role, method, path, status, remote, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

    /** Newest first, filtered by time ($1, $2), actor ($3) and path prefix ($4), before id $5 (paging). */
    static final String LIST = """
            SELECT * FROM audit_log
            WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
              AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR path LIKE $4 || '%')
              AND ($5::bigint IS NULL OR id < $5)
            ORDER BY id DESC LIMIT $6""";

    static final String PURGE = "DELETE FROM audit_log WHERE at < $1";

    /** One audited request. */
    public record Entry(
            Instant at,
            String actor,
            Long actorId,
            String role,
            String method,
            String path,
            int status,
            String remote,
            JsonObject details) {}

    private final Pool pool;

    public AuditStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> record(Entry e) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[] {
                    ReadingStore.utc(e.at()),
                    e.actor(),
                    e.actorId(),
                    e.role(),
                    e.method(),
                    e.path(),
                    e.status(),
                    e.remote(),
                    e.details()
                }))
                .mapEmpty();
    }

    public Future<JsonArray> list(Instant from, Instant to, String actor, String path, Long before, int limit) {
        return pool.preparedQuery(LIST)
                .execute(Tuple.from(new Object[] {
                    from == null ? null : ReadingStore.utc(from),
                    to == null ? null : ReadingStore.utc(to),
                    actor,
                    path,
                    before,
                    limit
                }))
                .map(rs -> {
                    JsonArray out = new JsonArray();
                    for (Row r : rs) {
                        out.add(new JsonObject()
                                .put("id", r.getLong("id"))
                                .put("at", Times.format(r.getOffsetDateTime("at")))
                                .put("actor", r.getString("actor"))
                                .put("actorId", r.getLong("actor_id"))
                                .put("role", r.getString("role"))
                                .put("method", r.getString("method"))
                                .put("path", r.getString("path"))
                                .put("status", r.getInteger("status"))
                                .put("remote", r.getString("remote"))
                                .put("details", r.getJson("details")));
                    }
                    return out;
                });
    }

    /** Deletes the entries older than {@code before}; returns how many. */
    public Future<Integer> purge(Instant before) {
        return pool.preparedQuery(PURGE)
                .execute(Tuple.of(ReadingStore.utc(before)))
                .map(io.vertx.sqlclient.SqlResult::rowCount);
    }
}
