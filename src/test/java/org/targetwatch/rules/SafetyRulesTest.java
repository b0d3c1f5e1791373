package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;
import static org.targetwatch.support.Rules.reading;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.domain.safety.AccidentGrades;
import org.targetwatch.facts.Accident;
import org.targetwatch.support.Rules;

/** rules/safety.drl: the bottom line of zero major accidents, accident grading, food and drug incidents. */
class SafetyRulesTest {
    private static final LocalDate DAY = LocalDate.of(2023, 7, 31);

    @Test
    void anyMajorAccidentIsCriticalAndZeroIsNot() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 0, "count")))
                .isEmpty();
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 1, "count")))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("safety.major-accident-bottom-line");
                    assertThat(b.threshold().severity()).isEqualTo("critical");
                    assertThat(b.threshold().strength()).isEqualTo("底线");
                    assertThat(b.threshold().source()).contains("坚决遏制重特大安全事故发生");
                });
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 2, "count")))
                .hasSize(1);
    }

    @Test
    void breachDisappearsWhenTheCountIsCorrectedToZero() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 1, "count")))
                .hasSize(1);
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", DAY, 0, "count")))
                .isEmpty();
    }

    @Test
    void bottomLineAppliesFromTheReportYear() {
        assertThat(evaluate(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu", LocalDate.of(2022, 12, 31), 1, "count")))
                .isEmpty();
    }

    /** Each boundary of 国务院令第493号 第三条, on each criterion; 「以上」 includes the number. */
    @ParameterizedTest(name = "deaths {0}, injuries {1}, loss {2} 万元 -> {3}")
    @CsvSource({
        "0, 0, 0, 一般",
        "2, 9, 999.99, 一般",
        "3, 0, 0, 较大",
        "0, 10, 0, 较大",
        "0, 0, 1000, 较大",
        "9, 49, 4999.99, 较大",
        "10, 0, 0, 重大",
        "0, 50, 0, 重大",
        "0, 0, 5000, 重大",
        "29, 99, 9999.99, 重大",
        "30, 0, 0, 特别重大",
        "0, 100, 0, 特别重大",
        "0, 0, 10000, 特别重大",
        "1, 1, 20000, 特别重大",
    })
    void accidentTakesTheHighestGradeAnyCriterionReaches(double deaths, double injuries, double loss, String grade) {
        AccidentGrades.Grade g = Rules.real().table(AccidentGrades.class).grade(deaths, injuries, loss);
        assertThat(g.name()).isEqualTo(grade);
    }

    private static Accident accident(double deaths, double injuries, double loss) {
        AccidentGrades.Grade g = Rules.real().table(AccidentGrades.class).grade(deaths, injuries, loss);
        return new Accident(
                "zengdu",
                Instant.parse("2023-07-31T02:00:00Z"),
                DAY,
                deaths,
                injuries,
                loss,
                g.rank(),
                g.name(),
                List.of(5L));
    }

    @Test
    void ordinaryAccidentRaisesNothingLargerIsMajorMajorIsCritical() {
        assertThat(evaluate(accident(2, 9, 999))).isEmpty();
        assertThat(evaluate(accident(3, 0, 0))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("safety.accident-grade");
            assertThat(b.threshold().severity()).isEqualTo("major");
            assertThat(b.note()).startsWith("较大");
        });
        assertThat(evaluate(accident(10, 0, 0)))
                .extracting(b -> b.threshold().severity())
                .containsExactlyInAnyOrder("critical", "major");
        assertThat(evaluate(accident(0, 0, 10000)))
                .extracting(b -> b.threshold().severity())
                .contains("critical");
    }

    @Test
    void foodOrDrugIncidentIsMajor() {
        assertThat(evaluate(reading("SAFETY_FOOD_DRUG_INCIDENTS", "zengdu", DAY, 0, "count")))
                .isEmpty();
        assertThat(evaluate(reading("SAFETY_FOOD_DRUG_INCIDENTS", "zengdu", DAY, 1, "count")))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("safety.food-drug-incident");
                    assertThat(b.threshold().status()).isEqualTo("UNCONFIRMED");
                });
    }
}
