package org.targetwatch.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import org.targetwatch.store.ReadingInput;

/**
 * One domain's part in the path of a reading batch (air, water, targets, safety, debt). The ingest pipeline stores
 * a transaction's readings, then asks each registered domain, in registration order, for the facts its rules
 * need; it knows nothing of any domain. Adding a domain is adding a module that implements this interface, its DRL
 * and thresholds, and registering it in {@code TargetWatch}.
 *
 * <p>Contract: {@link #derive} runs on the event loop inside the pipeline's transaction. It only reads, writes its
 * own derived tables (air_daily) and takes locks through {@link Locks}, never by itself; it returns only new
 * facts, and an empty list (at once) when no stored reading concerns it. A failure rolls the whole transaction
 * back.
 */
public interface Domain {

    /** Short name, for logs ("air"). */
    String name();

    /**
     * Reads to pipeline on the connection right behind the insert of the batch's readings, before it is known
     * what was stored (so their results may be stale if corrections are stored); the future comes back to
     * {@link #derive} as {@link Batch#ahead()}. Null (the default) asks for nothing.
     */
    default Future<?> ahead(SqlConnection conn, List<ReadingInput> inputs) {
        return null;
    }

    /** The facts this domain derives from the transaction's stored readings. */
    Future<List<Object>> derive(Batch batch);
}
