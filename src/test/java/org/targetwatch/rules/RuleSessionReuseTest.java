package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.bench.BenchFacts;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.support.Rules;

/**
 * RuleSet reuses primed Drools sessions between evaluations only where that gives the result of a new session.
 * (Every rule test compares the two as well, see {@link Rules#evaluate}.)
 */
class RuleSessionReuseTest {
    private static final LocalDate DAY = LocalDate.of(2023, 6, 1);
    private static final String PM25_LIMIT = "GB3095-2012/PM2_5/24h/II";

    @Test
    void realRulebookReusesSessionsAndGivesWhatANewSessionGives() {
        RuleSet rs = RuleSet.build(Rules.DIR);
        assertThat(rs.reusesSessions()).isTrue();
        // large and small batches in turn (a session that held a large one is disposed of, a small one's reused)
        List<List<Object>> batches = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batches.add(BenchFacts.batch(i % 3 == 0 ? 1000 : 1 + i, i));
        }
        int breaches = 0;
        int reusedAfterSmall = 0;
        boolean previousWasSmall = false;
        for (int round = 0; round < 2; round++) {
            for (List<Object> batch : batches) {
                long created = rs.sessionsCreated();
                List<Breach> reused = rs.evaluate(batch);
                if (previousWasSmall) {
                    assertThat(rs.sessionsCreated())
                            .as("the session of the small batch before is reused")
                            .isEqualTo(created);
                    reusedAfterSmall++;
                }
                previousWasSmall = batch.size() <= 30; // fewer facts than thresholds: the session goes back
                assertThat(reused).isEqualTo(rs.evaluateInNewSession(batch));
                breaches += reused.size();
            }
        }
        assertThat(reusedAfterSmall).isGreaterThan(10);
        assertThat(breaches).as("the batches breach some thresholds").isGreaterThan(1000);
        // a breach of one evaluation is not seen again by the next
        assertThat(rs.evaluate(List.of(daily("PM2_5", 80)))).hasSize(1);
        assertThat(rs.evaluate(List.of(daily("PM2_5", 75)))).isEmpty();
        assertThat(rs.evaluate(List.of())).isEmpty();
    }

    /** A rule that fires on thresholds alone would fire in every new session but only once in a reused one. */
    @Test
    void ruleThatFiresOnThresholdsAloneTurnsReuseOff(@TempDir Path dir) throws IOException {
        RuleSet rs = withRule(dir, """
                rule "probe.no-pm25-day"
                    @category("air") @severity("info") @description("probe") @source("test")
                when
                    $t : Threshold(id == "%s")
                    not DailyStat(indicator == "PM2_5")
                then
                    insert(new Breach(drools.getRule().getName(), "none", "PM2_5", "-", 0, $t, java.util.List.of()));
                end
                """.formatted(PM25_LIMIT));
        assertThat(rs.reusesSessions()).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(rs.evaluate(List.of(daily("SO2", 10))))
                    .extracting(Breach::rule)
                    .containsExactly("probe.no-pm25-day");
        }
        assertThat(rs.evaluate(List.of(daily("PM2_5", 10)))).isEmpty();
    }

    /** A session whose rules deleted a threshold is not reused: the next evaluation still has every threshold. */
    @Test
    void sessionMissingAThresholdIsNotReused(@TempDir Path dir) throws IOException {
        RuleSet rs = withRule(dir, """
                rule "probe.delete-threshold"
                    @category("air") @severity("info") @description("probe") @source("test")
                when
                    DailyStat(indicator == "SO2", mean > 1000)
                    $t : Threshold(id == "%s")
                then
                    delete($t);
                end
                """.formatted(PM25_LIMIT));
        assertThat(rs.reusesSessions()).isTrue();
        assertThat(rs.evaluate(List.of(daily("SO2", 2000))))
                .extracting(b -> b.threshold().id())
                .containsExactly("GB3095-2012/SO2/24h/II");
        assertThat(rs.evaluate(List.of(daily("PM2_5", 80))))
                .extracting(b -> b.threshold().id())
                .containsExactly(PM25_LIMIT);
    }

    @Test
    void ruleOutsideTheMainAgendaGroupTurnsReuseOff(@TempDir Path dir) throws IOException {
        RuleSet rs = withRule(dir, """
                rule "probe.agenda-group"
                    @category("air") @severity("info") @description("probe") @source("test")
                    agenda-group "later"
                when
                    DailyStat(mean > 1000)
                then
                end
                """);
        assertThat(rs.reusesSessions()).isFalse();
        assertThat(rs.evaluate(List.of(daily("PM2_5", 80)))).hasSize(1);
    }

    /** Idle sessions live as long as their ruleset: a ruleset replaced by a reload, and its sessions, are freed. */
    @Test
    void rulesetWithIdleSessionsCanBeCollected() throws InterruptedException {
        RuleSet rs = RuleSet.build(Rules.DIR);
        rs.evaluate(List.of(daily("PM2_5", 80)));
        java.lang.ref.WeakReference<RuleSet> ref = new java.lang.ref.WeakReference<>(rs);
        rs = null;
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(ref.get()).isNull();
    }

    private static DailyStat daily(String indicator, double mean) {
        return new DailyStat("s1", indicator, DAY, 24, mean, List.of(1L), null, true);
    }

    /** The real rules plus one file with the given rule. */
    private static RuleSet withRule(Path dir, String rule) throws IOException {
        Rules.copyTo(dir);
        Files.writeString(dir.resolve("probe.drl"), """
                package org.targetwatch.rules.probe;
                import org.targetwatch.facts.Breach;
                import org.targetwatch.facts.DailyStat;
                import org.targetwatch.facts.Threshold;
                """ + rule);
        return RuleSet.build(dir);
    }
}
