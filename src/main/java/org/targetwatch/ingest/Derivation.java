package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.domain.Locks;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingInput;

/**
 * The derive stage: every fact an evaluation of a transaction's stored readings needs. The readings themselves,
 * then each registered domain's facts in registration order (which is also the lock order: see {@link Locks}),
 * then the subjects.
 */
public final class Derivation {
    private final List<Domain> domains;

    /** @param domains the registered domains, in the order they derive (air before water: districts before regions) */
    public Derivation(List<Domain> domains) {
        this.domains = List.copyOf(domains);
    }

    /** Each domain's {@link Domain#ahead} reads, sent on the connection behind the insert; by domain. */
    Map<Domain, Future<?>> ahead(SqlConnection conn, List<ReadingInput> inputs) {
        Map<Domain, Future<?>> out = new IdentityHashMap<>();
        for (Domain d : domains) {
            Future<?> f = d.ahead(conn, inputs);
            if (f != null) {
                out.put(d, f);
            }
        }
        return out;
    }

    /**
     * The facts of {@code stored} for an evaluation outside the ingest path (a backtest in a transaction that is
     * rolled back): no locks, no reads ahead. Writes derived tables in the caller's transaction.
     */
    public Future<List<Object>> derive(
            SqlConnection conn, List<Reading> stored, Map<String, Subject> known, RuleSet ruleSet) {
        return derive(conn, stored, known, ruleSet, new LockOrder(null, null), Map.of());
    }

    Future<List<Object>> derive(
            SqlConnection conn,
            List<Reading> stored,
            Map<String, Subject> known,
            RuleSet ruleSet,
            Locks locks,
            Map<Domain, Future<?>> ahead) {
        // a flagged reading is no fact, but the domains see it: its station-day or sample changed all the same
        List<Object> facts =
                new ArrayList<>(stored.stream().filter(Reading::valid).toList());
        Future<Void> chain = Future.succeededFuture();
        for (Domain d : domains) {
            chain = chain.compose(x -> d.derive(new Batch(conn, stored, known, ruleSet, locks, ahead.get(d)))
                    .map(derived -> {
                        facts.addAll(derived);
                        return null;
                    }));
        }
        return chain.map(x -> {
            facts.addAll(known.values());
            return facts;
        });
    }
}
