package org.targetwatch.rules;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;
import static org.targetwatch.support.Rules.reading;

/** rules/debt.drl: 债务率 against the 100% warning line. */
class DebtRulesTest {
    private static final LocalDate DAY = LocalDate.of(2023, 12, 31);

    @Test
    void debtRatioBreachesOnlyAboveOneHundredPercent() {
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 99.9, "%"))).isEmpty();
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 100, "%"))).isEmpty();
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 100.1, "%"))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("debt.ratio-over-warning-line");
            assertThat(b.threshold().severity()).isEqualTo("warning");
            assertThat(b.threshold().value()).isEqualTo(100);
            assertThat(b.threshold().source()).contains("警戒线");
        });
    }

    @Test
    void breachDisappearsWhenTheRatioFallsBack() {
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 130, "%"))).hasSize(1);
        assertThat(evaluate(reading("DEBT_RATIO", "zengdu", DAY, 80, "%"))).isEmpty();
    }
}
