package org.targetwatch.domain;

import io.vertx.core.Future;
import java.util.Set;

/**
 * The transaction-scoped locks a domain takes beyond its readings' subjects (which the pipeline holds already), in
 * one global order so that no two batches deadlock: districts, then regions. A domain that needs both asks for
 * districts first; domains are called in registration order (air, which takes districts, before water, which takes
 * regions), and asking for a district after any region of the transaction is an error. A lock already held is not
 * taken again.
 */
public interface Locks {

    /** Locks the districts whose derived statistics and alerts this transaction rewrites. */
    Future<Void> districts(Set<String> ids);

    /** Locks the regions whose region-wide facts (drinking-water compliance) this transaction rewrites. */
    Future<Void> regions(Set<String> ids);
}
