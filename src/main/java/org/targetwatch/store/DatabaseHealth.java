package org.targetwatch.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database can be reached, as last seen by the supervisor's probe, and the log of its outages: one
 * line when it goes away, one when it is back, and in between at most one line per {@value #SUMMARY_SECONDS} s
 * with the count of requests refused. Requests refused for it are answered {@code 503 database_unavailable}
 * (never 500) and log nothing of their own. Thread-safe.
 */
public final class DatabaseHealth {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealth.class);
    static final int SUMMARY_SECONDS = 10;

    private volatile boolean up = true;
    private volatile boolean gaveUp;
    private volatile String gaveUpReason;
    private volatile long downSinceNanos;
    private final AtomicLong refusedSinceSummary = new AtomicLong();
    private final AtomicLong refusedInOutage = new AtomicLong();
    private volatile long lastSummaryNanos;

    /**
     * True if {@code failure} (or a cause of it) means the database could not be reached or went away mid-request:
     * a refused or lost connection (an I/O error reaching a request comes from its database connection, unless it is
     * a file's), a timeout waiting for one, or PostgreSQL shutting down or starting up
     * (SQLSTATE class 08 and 57P01–57P03). Not a constraint violation, not a serialization failure.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.UncheckedIOException || t instanceof java.nio.file.FileSystemException) {
                return false; // a file (the rules directory, say), not the database
            }
            // an I/O error on a database connection: refused, reset, broken pipe, closed channel
            if (t instanceof ClosedConnectionException
                    || t instanceof java.io.IOException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String s = pg.getSqlState();
                if (s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03")) {
                    return true;
                }
            }
            String name = t.getClass().getName();
            if (name.endsWith("NoStackTraceTimeoutException") || name.endsWith("ConnectionPoolTooBusyException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception handler of connections and of Vert.x itself: a failure with no request waiting on it (the
     * request that was, if any, gets it through its own future). The database going away is logged once by the
     * supervisor, so it is not logged here; anything else is, once each.
     */
    public static void connectionFailed(Throwable e) {
        if (!isUnavailable(e)) {
            LOG.warn("unhandled exception", e);
        }
    }

    public boolean isUp() {
        return up;
    }

    /**
     * True while the server has given up on its database: the embedded one could not be restarted
     * {@code Database.MAX_RESTARTS} times in a row (it keeps trying; a later success clears it).
     */
    public boolean gaveUp() {
        return gaveUp;
    }

    public String gaveUpReason() {
        return gaveUpReason;
    }

    /** The probe failed, or the embedded postmaster is gone. Logs once per outage. */
    void down(String why) {
        if (up) {
            up = false;
            downSinceNanos = System.nanoTime();
            lastSummaryNanos = downSinceNanos;
            refusedInOutage.set(0);
            refusedSinceSummary.set(0);
            LOG.error(
                    "database unavailable: {}. Requests that need it get 503 database_unavailable until it is back",
                    why);
        }
    }

    /** The probe succeeded. Logs once, when an outage ends. */
    void up() {
        if (!up) {
            up = true;
            LOG.info(
                    "database available again after {} s; {} request(s) were refused with 503 meanwhile",
                    (System.nanoTime() - downSinceNanos) / 1_000_000_000L,
                    refusedInOutage.get());
        }
    }

    void giveUp(String reason) {
        if (!gaveUp) {
            gaveUp = true;
            gaveUpReason = reason;
            LOG.error(
                    "giving up on the database: {}. /health/live now answers 503 so that the service manager"
                            + " restarts the server",
                    reason);
        }
    }

    /** The embedded database was restarted after all: the server serves again, /health/live turns 200. */
    void recovered() {
        if (gaveUp) {
            gaveUp = false;
            gaveUpReason = null;
            LOG.info("the embedded PostgreSQL was restarted after the server had given up; serving again");
        }
    }

    /** A request was refused because the database was unavailable; counted, summarised by {@link #tick}. */
    public void refused() {
        refusedSinceSummary.incrementAndGet();
        refusedInOutage.incrementAndGet();
    }

    /** Called every second by the supervisor: while down, one summary line per {@value #SUMMARY_SECONDS} s. */
    void tick() {
        long now = System.nanoTime();
        if (!up && now - lastSummaryNanos >= SUMMARY_SECONDS * 1_000_000_000L) {
            lastSummaryNanos = now;
            LOG.warn(
                    "database still unavailable after {} s; {} request(s) refused in the last {} s",
                    (now - downSinceNanos) / 1_000_000_000L,
                    refusedSinceSummary.getAndSet(0),
                    SUMMARY_SECONDS);
        }
    }
}
