package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DrinkingWaterCompliance;
import org.targetwatch.facts.WaterAssessment;

/** rules/water.drl: assessments against the subject's target class; drinking-water compliance. */
class WaterRulesTest {

    private static WaterAssessment assessment(String scope, String period, int cls, int target) {
        return new WaterAssessment(
                "sec-1",
                "water-section",
                scope,
                period,
                Map.of("WATER_NH3N", 1.2),
                Map.of("WATER_NH3N", cls),
                cls,
                target,
                List.of("WATER_NH3N"),
                1,
                List.of(11L),
                Map.of(),
                Map.of(),
                true,
                "assessed",
                0);
    }

    private static WaterAssessment lakeTn(String scope, int tnClass, int target, boolean judged) {
        return new WaterAssessment(
                "lake-1",
                "water-section",
                scope,
                "2023",
                Map.of("WATER_TN", 1.2),
                Map.of("WATER_TN", tnClass),
                0,
                target,
                List.of(),
                12,
                List.of(12L),
                Map.of("WATER_TN", tnClass),
                Map.of(),
                judged,
                judged ? "not-assessed" : "insufficient-data",
                12);
    }

    /** 环办〔2011〕22号: lake TN is evaluated on its own, below / at / above the target class. */
    @Test
    void aSeparateParameterIsAlertedOnItsOwnAgainstTheTargetClass() {
        assertThat(evaluate(lakeTn("year", 2, 3, true))).isEmpty();
        assertThat(evaluate(lakeTn("year", 3, 3, true))).isEmpty();
        assertThat(evaluate(lakeTn("year", 4, 3, true))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("water.separate-parameter-worse-than-target");
            assertThat(b.indicator()).isEqualTo("WATER_TN");
            assertThat(b.value()).isEqualTo(4);
            assertThat(b.threshold().id()).isEqualTo("GB3838-2002/SEPARATE/year-class");
            assertThat(b.note()).contains("单独评价");
        });
        // and the section class rule never fires on a section classed by nothing else
        assertThat(evaluate(lakeTn("year", 6, 3, true)))
                .extracting(Breach::rule)
                .containsExactly("water.separate-parameter-worse-than-target");
    }

    @Test
    void aYearWithoutItsRequiredSamplesIsNeverJudged() {
        WaterAssessment short1 = new WaterAssessment(
                "sec-1",
                "water-section",
                "year",
                "2023",
                Map.of("WATER_NH3N", 1.2),
                Map.of("WATER_NH3N", 4),
                4,
                3,
                List.of("WATER_NH3N"),
                1,
                List.of(11L),
                Map.of(),
                Map.of(),
                false,
                "insufficient-data",
                12);
        assertThat(evaluate(short1)).isEmpty();
        assertThat(short1.scopes()).isEmpty();
        assertThat(evaluate(lakeTn("year", 5, 3, false))).isEmpty();
    }

    @Test
    void sampleBreachesOnlyWhenWorseThanItsTargetClass() {
        assertThat(evaluate(assessment("sample", "2023-05-10", 2, 3))).isEmpty();
        assertThat(evaluate(assessment("sample", "2023-05-10", 3, 3))).isEmpty();
        List<Breach> b = evaluate(assessment("sample", "2023-05-10", 4, 3));
        assertThat(b).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo("water.worse-than-target-class");
            assertThat(x.indicator()).isEqualTo("WATER_CLASS");
            assertThat(x.value()).isEqualTo(4);
            assertThat(x.threshold().value()).isEqualTo(3);
            assertThat(x.threshold().severity()).isEqualTo("warning");
            assertThat(x.readingIds()).containsExactly(11L);
            assertThat(x.note()).contains("IV类").contains("WATER_NH3N").contains("III类");
        });
    }

    @Test
    void targetClassComesFromTheSubject() {
        assertThat(evaluate(assessment("sample", "2023-05-10", 3, 2)))
                .singleElement()
                .satisfies(x -> assertThat(x.threshold().value()).isEqualTo(2));
        assertThat(evaluate(assessment("sample", "2023-05-10", 4, 4))).isEmpty();
    }

    @Test
    void annualMeanWorseThanTargetIsMajorAndMonthlyIsWarning() {
        assertThat(evaluate(assessment("year", "2023", 4, 3))).singleElement().satisfies(x -> {
            assertThat(x.period()).isEqualTo("2023");
            assertThat(x.threshold().severity()).isEqualTo("major");
            assertThat(x.threshold().strength()).isEqualTo("确保");
        });
        assertThat(evaluate(assessment("month", "2023-05", 4, 3)))
                .singleElement()
                .satisfies(x -> assertThat(x.threshold().severity()).isEqualTo("warning"));
        assertThat(evaluate(assessment("year", "2023", 3, 3))).isEmpty();
    }

    @Test
    void inferiorFiveIsWorseThanEveryTarget() {
        assertThat(evaluate(assessment("sample", "2023-05-10", 6, 5))).hasSize(1);
    }

    @Test
    void breachDisappearsWhenTheCorrectedSampleMeetsTheTarget() {
        assertThat(evaluate(assessment("sample", "2023-05-10", 4, 3))).hasSize(1);
        assertThat(evaluate(assessment("sample", "2023-05-10", 3, 3))).isEmpty();
    }

    @Test
    void drinkingWaterComplianceBelowOneHundredPercentIsMajor() {
        assertThat(evaluate(new DrinkingWaterCompliance("曾都区", "2023-05", 3, 3, 100, List.of())))
                .isEmpty();
        assertThat(evaluate(new DrinkingWaterCompliance("曾都区", "2023-05", 3, 2, 66.67, List.of("src-2"))))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.rule()).isEqualTo("water.drinking-source-compliance-below-100");
                    assertThat(x.subject()).isEqualTo("曾都区");
                    assertThat(x.threshold().severity()).isEqualTo("major");
                    assertThat(x.note()).contains("src-2");
                });
        assertThat(evaluate(new DrinkingWaterCompliance("", "2023-05", 0, 0, 100, List.of())))
                .isEmpty();
    }

    // ---- GB 5749: finished and tap water ----

    private static List<String> tap(String indicator, String day, double value, String unit) {
        return evaluate(org.targetwatch.support.Rules.reading(
                        indicator, "plant-1", java.time.LocalDate.parse(day), value, unit))
                .stream()
                .map(b -> b.threshold().id())
                .toList();
    }

    @Test
    void tapWaterLimitsBelowAtAndAbove() {
        assertThat(tap("TAPWATER_TURBIDITY", "2023-05-01", 0.99, "NTU")).isEmpty();
        assertThat(tap("TAPWATER_TURBIDITY", "2023-05-01", 1.0, "NTU")).isEmpty();
        assertThat(tap("TAPWATER_TURBIDITY", "2023-05-01", 1.01, "NTU"))
                .containsExactly("GB 5749-2022/TAPWATER_TURBIDITY");
        assertThat(tap("TAPWATER_PH", "2023-05-01", 6.5, "pH")).isEmpty();
        assertThat(tap("TAPWATER_PH", "2023-05-01", 8.5, "pH")).isEmpty();
        assertThat(tap("TAPWATER_PH", "2023-05-01", 6.49, "pH")).containsExactly("GB 5749-2022/TAPWATER_PH/low");
        assertThat(tap("TAPWATER_PH", "2023-05-01", 8.51, "pH")).containsExactly("GB 5749-2022/TAPWATER_PH/high");
        assertThat(tap("TAPWATER_ARSENIC", "2023-05-01", 0.011, "mg/L"))
                .containsExactly("GB 5749-2022/TAPWATER_ARSENIC");
    }

    /** GB 5749-2022 replaced GB 5749-2006 on 2023-04-01: a sample is judged by the version of its day. */
    @Test
    void gb5749VersionFollowsTheSampleDate() {
        assertThat(tap("TAPWATER_TURBIDITY", "2023-03-31", 1.5, "NTU"))
                .containsExactly("GB 5749-2006/TAPWATER_TURBIDITY");
        assertThat(tap("TAPWATER_TURBIDITY", "2023-04-01", 1.5, "NTU"))
                .containsExactly("GB 5749-2022/TAPWATER_TURBIDITY");
        assertThat(org.targetwatch.support.Rules.real().thresholds().stream()
                        .filter(t -> t.id().equals("GB 5749-2022/TAPWATER_NITRATE"))
                        .findFirst()
                        .orElseThrow()
                        .status())
                .isEqualTo("UNCONFIRMED");
    }
}
