package org.targetwatch.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleSet;

/**
 * What a domain derives from: one transaction's stored readings.
 *
 * @param conn     the transaction (a backtest's is rolled back at the end)
 * @param stored   the readings this transaction wrote: new ones and corrections (revision above 1)
 * @param subjects the registered subjects of the stored readings, by id
 * @param ruleSet  the ruleset the facts will be evaluated with (its thresholds and tables)
 * @param locks    the pipeline's lock order
 * @param ahead    what this domain's {@link Domain#ahead} asked for, or null
 */
public record Batch(
        SqlConnection conn,
        List<Reading> stored,
        Map<String, Subject> subjects,
        RuleSet ruleSet,
        Locks locks,
        Future<?> ahead) {

    /** Whether every stored reading is a first revision (no correction was stored). */
    public boolean firstRevisionsOnly() {
        return stored.stream().allMatch(r -> r.revision() == 1);
    }
}
