package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;
import org.targetwatch.common.Times;

/**
 * The jobs table: submitted, claimed by one instance under a lease (FOR UPDATE SKIP LOCKED, like the outbox),
 * renewed while it runs, finished with a result or an error. A lease that runs out means its instance died.
 */
public final class JobStore {
    /** How long a claim holds without renewal; the runner renews it every few seconds. */
    public static final int LEASE_SECONDS = 30;
    /** Claims of one job after which a lost lease fails it instead of handing it to another instance. */
    public static final int MAX_ATTEMPTS = 3;

    static final String INSERT = """
            INSERT INTO jobs (id, kind, status, params, created_by, created_at) VALUES ($1, $2, 'queued', $3, $4, now())""";
    static final String FAIL_ABANDONED = """
            UPDATE jobs SET status = 'failed', finished_at = now(), lease_until = NULL,
                   error = jsonb_build_object('message', 'the instance running it (' || instance || ') stopped '
                       || attempts || ' time(s) before it finished; not retried again')
            WHERE status = 'running' AND lease_until < now() AND attempts >= $1""";
    static final String CLAIM = """
            UPDATE jobs SET status = 'running', instance = $1, attempts = attempts + 1, progress_done = 0,
                   lease_until = now() + make_interval(secs => $2), started_at = coalesce(started_at, now())
            WHERE id = (SELECT id FROM jobs
                        WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, params, attempts""";
    static final String RENEW = """
            UPDATE jobs SET lease_until = now() + make_interval(secs => $2), progress_done = $3, progress_total = $4
            WHERE id = $1 AND instance = $5 AND status = 'running'""";
    static final String FINISH = """
            UPDATE jobs SET status = $2, result = $3, error = $4, finished_at = now(), lease_until = NULL,
                   progress_done = CASE WHEN $2 = 'done' THEN progress_total ELSE progress_done END
            WHERE id = $1 AND instance = $5 AND status = 'running'""";
    /** A job handed back by an instance that stops: queued again at once, the claim not counted as an attempt. */
    static final String RELEASE = """
            UPDATE jobs SET status = 'queued', instance = NULL, lease_until = NULL, attempts = attempts - 1
            WHERE id = $1 AND instance = $2 AND status = 'running'""";

    static final String GET = """
            SELECT id, kind, status, created_by, created_at, instance, attempts, progress_done, progress_total,
                   started_at, finished_at, result, error FROM jobs WHERE id = $1""";
    static final String PURGE = "DELETE FROM jobs WHERE finished_at < now() - interval '30 days'";

    private final Pool pool;

    public JobStore(Pool pool) {
        this.pool = pool;
    }

    /** A job claimed by this instance. */
    public record Claimed(UUID id, String kind, JsonObject params, int attempts) {}

    public Future<UUID> insert(String kind, JsonObject params, String createdBy) {
        return insert(UUID.randomUUID(), kind, params, createdBy);
    }

    /** Queues a job under an id chosen by the caller (an import's, which its own rows reference). */
    public Future<UUID> insert(UUID id, String kind, JsonObject params, String createdBy) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(id, kind, params, createdBy))
                .map(id);
    }

    /** Fails jobs abandoned too often, then claims the oldest claimable one, if any. */
    public Future<Optional<Claimed>> claim(String instance) {
        return pool.preparedQuery(FAIL_ABANDONED)
                .execute(Tuple.of(MAX_ATTEMPTS))
                .compose(x -> pool.preparedQuery(CLAIM).execute(Tuple.of(instance, LEASE_SECONDS)))
                .map(rs -> {
                    if (rs.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rs.iterator().next();
                    return Optional.of(new Claimed(
                            r.getUUID("id"),
                            r.getString("kind"),
                            (JsonObject) r.getJson("params"),
                            r.getInteger("attempts")));
                });
    }

    /** Renews the lease and records progress; false if the job is no longer this instance's. */
    public Future<Boolean> renew(UUID id, String instance, long done, long total) {
        return pool.preparedQuery(RENEW)
                .execute(Tuple.of(id, LEASE_SECONDS, done, total, instance))
                .map(rs -> rs.rowCount() > 0);
    }

    public Future<Void> finish(UUID id, String instance, JsonObject result, JsonObject error) {
        return pool.preparedQuery(FINISH)
                .execute(Tuple.of(id, error == null ? "done" : "failed", result, error, instance))
                .mapEmpty();
    }

    /** Hands a running job back (see {@link #RELEASE}); false if it was no longer this instance's. */
    public Future<Boolean> release(UUID id, String instance) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(id, instance)).map(rs -> rs.rowCount() > 0);
    }

    public Future<Optional<JsonObject>> get(UUID id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id)).map(rs -> {
            if (rs.size() == 0) {
                return Optional.empty();
            }
            Row r = rs.iterator().next();
            return Optional.of(new JsonObject()
                    .put("id", r.getUUID("id").toString())
                    .put("kind", r.getString("kind"))
                    .put("status", r.getString("status"))
                    .put(
                            "progress",
                            new JsonObject()
                                    .put("done", r.getLong("progress_done"))
                                    .put("total", r.getLong("progress_total")))
                    .put("result", r.getJson("result"))
                    .put("error", r.getJson("error"))
                    .put("createdBy", r.getString("created_by"))
                    .put("createdAt", Times.format(r.getOffsetDateTime("created_at")))
                    .put(
                            "startedAt",
                            r.getOffsetDateTime("started_at") == null
                                    ? null
                                    : Times.format(r.getOffsetDateTime("started_at")))
                    .put(
                            "finishedAt",
                            r.getOffsetDateTime("finished_at") == null
                                    ? null
                                    : Times.format(r.getOffsetDateTime("finished_at")))
                    .put("instance", r.getString("instance"))
                    .put("attempts", r.getInteger("attempts")));
        });
    }

    public Future<Void> purge() {
        return pool.query(PURGE).execute().mapEmpty();
    }
}
