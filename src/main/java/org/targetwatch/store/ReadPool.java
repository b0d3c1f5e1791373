package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool that read-only work is routed to: the read replica named by {@code dbReadUrl} (a streaming standby of
 * the database) while it answers, else the primary.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Only reads go through it. A standby refuses every write ({@code read-only transaction}), so a write routed
 *       here by mistake fails loudly rather than going astray.
 *   <li>A replica lags its primary: by milliseconds while it streams, longer while it catches up. What is read here
 *       may not yet show a write that was just answered. The routed endpoints are the reports (compliance, targets,
 *       briefings), the air pages and the exports; the alert board, the readings and rule-hit lists and every
 *       action read the primary, so that a user sees the effect of their own action at once.
 *   <li>{@link #probe} (every second, from {@link Database#supervise}) decides where reads go: a replica that does
 *       not answer, or is no longer a standby, loses its reads to the primary until it answers as a standby again.
 *       Until a probe has failed, reads sent to a replica that died fail (503, retry): at once for a refused
 *       connection, within the 2 s connect timeout for a host that does not answer.
 * </ul>
 *
 * <p>Without a replica it is the primary's pool under another name.
 */
public final class ReadPool implements Pool {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPool.class);

    private final Pool primary;
    private final Pool replica;
    private final String replicaName;
    private volatile boolean replicaServing;
    private volatile JsonObject state;

    private ReadPool(Pool primary, Pool replica, String replicaName) {
        this.primary = primary;
        this.replica = replica;
        this.replicaName = replicaName;
        this.state = replica == null
                ? null
                : new JsonObject().put("status", "UNKNOWN").put("servingReads", "primary");
    }

    /** Reads go to the primary: there is no replica. */
    static ReadPool primaryOnly(Pool primary) {
        return new ReadPool(primary, null, null);
    }

    /** Reads go to {@code replica} once a probe has found it a standby that answers. */
    static ReadPool withReplica(Pool primary, Pool replica, String replicaName) {
        return new ReadPool(primary, replica, replicaName);
    }

    /** Whether a replica is configured. */
    public boolean hasReplica() {
        return replica != null;
    }

    /** Whether reads go to the replica now. */
    public boolean replicaServing() {
        return replicaServing;
    }

    /**
     * The replica's state as the last probe saw it, for /health/ready: {@code status} UP / DOWN / UNKNOWN,
     * {@code servingReads} replica / primary, {@code lagBytes} (WAL the replica has yet to replay, when known) and
     * {@code reason} when it is not serving; null without a replica.
     */
    public JsonObject state() {
        return state == null ? null : state.copy();
    }

    private Pool current() {
        return replica != null && replicaServing ? replica : primary;
    }

    /**
     * Asks the replica whether it answers and is a standby, and how far behind the primary its replay is; routes
     * reads accordingly. Completes (never fails) once decided.
     */
    Future<Void> probe() {
        if (replica == null) {
            return Future.succeededFuture();
        }
        return replica.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
                .execute()
                .compose(
                        rows -> {
                            Row r = rows.iterator().next();
                            if (!Boolean.TRUE.equals(r.getBoolean(0))) {
                                return settle(false, null, "not a standby (pg_is_in_recovery() is false)");
                            }
                            String replayed = r.getString(1);
                            return primary.preparedQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)")
                                    .execute(Tuple.of(replayed))
                                    .map(lag ->
                                            lag.iterator().next().getNumeric(0).longValue())
                                    .otherwise(e -> null)
                                    .compose(lag -> settle(true, lag, null));
                        },
                        e -> settle(false, null, e.getMessage() == null ? e.toString() : e.getMessage()));
    }

    private Future<Void> settle(boolean serving, Long lagBytes, String reason) {
        if (serving != replicaServing) {
            if (serving) {
                LOG.info("reports, air pages and exports read from the replica {} again", replicaName);
            } else {
                LOG.warn("the read replica {} does not serve ({}); reads go to the primary", replicaName, reason);
            }
        }
        replicaServing = serving;
        JsonObject s = new JsonObject()
                .put("status", serving ? "UP" : "DOWN")
                .put("servingReads", serving ? "replica" : "primary");
        if (lagBytes != null) {
            s.put("lagBytes", lagBytes);
        }
        if (reason != null) {
            s.put("reason", reason);
        }
        state = s;
        return Future.succeededFuture();
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return current().getConnection();
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return current().query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return current().preparedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return current().preparedQuery(sql, options);
    }

    @Override
    public int size() {
        return current().size();
    }

    /** Closes the replica's pool; the primary's is closed by its owner, {@link Database}. */
    @Override
    public Future<Void> close() {
        return replica == null ? Future.succeededFuture() : replica.close();
    }
}
