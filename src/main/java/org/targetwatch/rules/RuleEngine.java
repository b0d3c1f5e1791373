package org.targetwatch.rules;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.targetwatch.facts.Breach;

/**
 * Holds the ruleset in force and runs evaluations on Vert.x worker threads, never on an event loop. A reload
 * swaps a fully built {@link RuleSet} atomically: an evaluation uses the ruleset it started with.
 */
public final class RuleEngine {
    private final Vertx vertx;
    private final AtomicReference<RuleSet> current;
    private final org.targetwatch.common.Telemetry telemetry;

    public RuleEngine(Vertx vertx, RuleSet initial, org.targetwatch.common.Telemetry telemetry) {
        this.vertx = vertx;
        this.current = new AtomicReference<>(initial);
        this.telemetry = telemetry;
    }

    public RuleSet current() {
        return current.get();
    }

    /** Evaluates the facts with the given ruleset on a worker thread (one Drools session for the whole batch). */
    public Future<List<Breach>> evaluate(RuleSet ruleSet, Collection<?> facts) {
        if (facts.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return vertx.executeBlocking(
                () -> {
                    var sample = telemetry.startEvaluation(facts.size());
                    try {
                        return ruleSet.evaluate(facts);
                    } finally {
                        telemetry.stopEvaluation(sample);
                    }
                },
                false);
    }

    /** Replaces the ruleset in force. */
    public void swap(RuleSet next) {
        current.set(next);
    }
}
