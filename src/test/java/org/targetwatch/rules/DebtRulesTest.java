package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;
import static org.targetwatch.support.Rules.reading;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DebtQuotaCheck;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;

/** rules/debt.drl: 债务率 bands, new debt against its quota, village debt after its deadline. */
class DebtRulesTest {
    private static final LocalDate DAY = LocalDate.of(2023, 12, 31);

    private static List<String> bands(double ratio) {
        return evaluate(reading("DEBT_RATIO", "zengdu", DAY, ratio, "%")).stream()
                .map(b -> b.threshold().id())
                .sorted()
                .toList();
    }

    @Test
    void debtRatioBreachesOnlyAboveOneHundredPercent() {
        assertThat(bands(99.9)).isEmpty();
        assertThat(bands(100)).isEmpty();
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 100.1, "%")))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("debt.ratio-over-warning-line");
                    assertThat(b.threshold().severity()).isEqualTo("warning");
                    assertThat(b.threshold().value()).isEqualTo(100);
                    assertThat(b.threshold().source()).contains("警戒线");
                });
    }

    /** Bands: > 100 warning; ≥ 120 yellow (major); ≥ 200 orange (major, PARTIAL); ≥ 300 red (critical, PARTIAL). */
    @Test
    void everyBandStartsAtItsLine() {
        assertThat(bands(119.9)).containsExactly("MOF/DEBT_RATIO/warning-line");
        assertThat(bands(120)).contains("MOF/DEBT_RATIO/upper-warning-line").hasSize(2);
        assertThat(bands(199.9)).doesNotContain("RISK-BANDS/DEBT_RATIO/orange");
        assertThat(bands(200)).contains("RISK-BANDS/DEBT_RATIO/orange").hasSize(3);
        assertThat(bands(299.9)).doesNotContain("RISK-BANDS/DEBT_RATIO/red");
        assertThat(bands(300)).contains("RISK-BANDS/DEBT_RATIO/red").hasSize(4);
        assertThat(org.targetwatch.support.Rules.real().thresholds().stream()
                        .filter(t -> t.id().startsWith("RISK-BANDS/")))
                .allSatisfy(t -> assertThat(t.status()).isEqualTo("PARTIAL"));
    }

    @Test
    void breachDisappearsWhenTheRatioFallsBack() {
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 110, "%"))).hasSize(1);
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 80, "%"))).isEmpty();
    }

    @Test
    void newDebtAboveItsQuotaIsMajor() {
        assertThat(evaluate(new DebtQuotaCheck("zengdu", 2023, DAY, 9.99, 10, List.of(1L, 2L))))
                .isEmpty();
        assertThat(evaluate(new DebtQuotaCheck("zengdu", 2023, DAY, 10, 10, List.of(1L, 2L))))
                .isEmpty();
        List<Breach> over = evaluate(new DebtQuotaCheck("zengdu", 2023, DAY, 10.01, 10, List.of(1L, 2L)));
        assertThat(over).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("debt.new-debt-over-quota");
            assertThat(b.threshold().value()).isEqualTo(10);
            assertThat(b.threshold().severity()).isEqualTo("major");
            assertThat(b.readingIds()).containsExactly(1L, 2L);
        });
    }

    @Test
    void villageDebtAfterItsDeadlineIsABreachButNotOnTheDeadline() {
        Subject village = new Subject("v-1", "village", "某村", "", Map.of("debtClearanceDeadline", "2023-06-30"));
        Reading onDeadline = reading("VILLAGE_DEBT", "v-1", LocalDate.of(2023, 6, 30), 12, "万元");
        Reading after = reading("VILLAGE_DEBT", "v-1", LocalDate.of(2023, 7, 1), 12, "万元");
        Reading cleared = reading("VILLAGE_DEBT", "v-1", LocalDate.of(2023, 7, 1), 0, "万元");
        assertThat(evaluate(village, onDeadline)).isEmpty();
        assertThat(evaluate(village, cleared)).isEmpty();
        assertThat(evaluate(village, after)).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("debt.village-debt-after-deadline");
            assertThat(b.note()).contains("2023-06-30");
        });
        Subject noDeadline = new Subject("v-1", "village", "某村", "", Map.of());
        assertThat(evaluate(noDeadline, after)).isEmpty();
    }
}
