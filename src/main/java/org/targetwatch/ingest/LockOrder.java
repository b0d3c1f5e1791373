package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.targetwatch.domain.Locks;
import org.targetwatch.store.ReadingStore;

/**
 * The locks a transaction takes after its subjects', in one global order: districts (whose daily and yearly
 * statistics and alerts a station's readings rewrite), then regions (whose drinking-water compliance a source's
 * samples change). A district asked for after a region of the same transaction fails the transaction instead of
 * risking a deadlock. A lock already held is not taken again; each call takes its missing locks in sorted order.
 * Not thread-safe: one per transaction, on its event loop.
 */
final class LockOrder implements Locks {
    private final SqlConnection conn;
    private final ReadingStore readings;
    private final Set<String> districts = new HashSet<>();
    private final Set<String> regions = new HashSet<>();

    /** @param conn the transaction; null takes no locks (a backtest's transaction, rolled back, alone) */
    LockOrder(SqlConnection conn, ReadingStore readings) {
        this.conn = conn;
        this.readings = readings;
    }

    @Override
    public Future<Void> districts(Set<String> wanted) {
        if (!regions.isEmpty() && !districts.containsAll(wanted)) {
            return Future.failedFuture(new IllegalStateException("district locks " + wanted
                    + " asked for after region locks " + regions + ": domains must take districts first"));
        }
        return take(wanted, districts, false);
    }

    @Override
    public Future<Void> regions(Set<String> wanted) {
        return take(wanted, regions, true);
    }

    private Future<Void> take(Set<String> wanted, Set<String> held, boolean region) {
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(held);
        if (conn == null || missing.isEmpty()) {
            return Future.succeededFuture();
        }
        held.addAll(missing);
        return region ? readings.lockRegions(conn, missing) : readings.lockSubjects(conn, missing);
    }
}
