package org.targetwatch.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.targetwatch.facts.Breach;
import org.targetwatch.rules.RuleSet;

/**
 * Evaluating a batch of 1,000 facts with the full rulebook of rules/ (RuleSet.evaluate, as at ingest: one Drools
 * session per batch, a primed one reused from the previous batch) against the hand-written Java evaluator of the same
 * thresholds. Run by bench/run; results are per batch, so ns per reading is the score ÷ 1,000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RuleEvaluationBenchmark {
    public static final int BATCH = 1000;
    /** About as many facts as one single reading's transaction evaluates. */
    public static final int SMALL_BATCH = 10;

    private RuleSet ruleSet;
    private BenchFacts.HandWritten handWritten;
    private List<Object> facts;
    private List<Object> small;

    @Setup(Level.Trial)
    public void setUp() {
        ruleSet = RuleSet.build(Path.of(System.getProperty("targetwatch.rules", "rules")));
        handWritten = new BenchFacts.HandWritten(ruleSet.thresholds());
        facts = BenchFacts.batch(BATCH, 42);
        small = BenchFacts.batch(SMALL_BATCH, 7);
        int drools = ruleSet.evaluate(facts).size();
        int java = handWritten.evaluate(facts).size();
        if (drools != java) {
            throw new IllegalStateException("the two evaluators disagree: Drools " + drools + ", Java " + java);
        }
    }

    @Benchmark
    public List<Breach> drools() {
        return ruleSet.evaluate(facts);
    }

    /** A small batch in a reused primed session, as a single reading is evaluated. */
    @Benchmark
    public List<Breach> droolsSmallBatch() {
        return ruleSet.evaluate(small);
    }

    /** The same small batch in a new session (thresholds inserted every time), for comparison. */
    @Benchmark
    public List<Breach> droolsSmallBatchNewSession() {
        return ruleSet.evaluateInNewSession(small);
    }

    @Benchmark
    public List<Breach> handWritten() {
        return handWritten.evaluate(facts);
    }
}
