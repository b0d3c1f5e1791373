package org.targetwatch.rules;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;
import static org.targetwatch.support.Rules.reading;

/** rules/safety.drl: the report's bottom line of zero major accidents. */
class SafetyRulesTest {
    private static final LocalDate DAY = LocalDate.of(2023, 7, 31);

    @Test
    void anyMajorAccidentIsCriticalAndZeroIsNot() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 0, "count"))).isEmpty();
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 1, "count")))
                .singleElement().satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("safety.major-accident-bottom-line");
                    assertThat(b.threshold().severity()).isEqualTo("critical");
                    assertThat(b.threshold().strength()).isEqualTo("底线");
                    assertThat(b.threshold().source()).contains("坚决遏制重特大安全事故发生");
                });
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 2, "count"))).hasSize(1);
    }

    @Test
    void breachDisappearsWhenTheCountIsCorrectedToZero() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 1, "count"))).hasSize(1);
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 0, "count"))).isEmpty();
    }

    @Test
    void bottomLineAppliesFromTheReportYear() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", LocalDate.of(2022, 12, 31), 1, "count")))
                .isEmpty();
    }
}
