package org.targetwatch.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DailyStat;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.daily;
import static org.targetwatch.support.Rules.evaluate;

/** rules/air.drl with rules/thresholds.json: 24-hour means against GB 3095 Grade II. */
class AirRulesTest {
    private static final String RULE = "air.daily-mean-over-grade-ii";
    private static final LocalDate DAY_2023 = LocalDate.of(2023, 3, 1);

    /** Below, at and above every GB 3095-2012 24-hour Grade II limit (at the limit complies). */
    @ParameterizedTest(name = "{0} limit {1}")
    @CsvSource({"PM2_5, 75", "PM10, 150", "SO2, 150", "NO2, 80", "CO, 4"})
    void dailyMeanBreachesOnlyAboveTheGradeTwoLimit(String indicator, double limit) {
        assertThat(evaluate(daily(indicator, "s1", DAY_2023, 24, limit - 0.01))).isEmpty();
        assertThat(evaluate(daily(indicator, "s1", DAY_2023, 24, limit))).isEmpty();
        List<Breach> above = evaluate(daily(indicator, "s1", DAY_2023, 24, limit + 0.01));
        assertThat(above).hasSize(1);
        Breach b = above.get(0);
        assertThat(b.rule()).isEqualTo(RULE);
        assertThat(b.indicator()).isEqualTo(indicator);
        assertThat(b.period()).isEqualTo("2023-03-01");
        assertThat(b.value()).isEqualTo(limit + 0.01);
        assertThat(b.threshold().id()).isEqualTo("GB3095-2012/" + indicator + "/24h/II");
        assertThat(b.threshold().value()).isEqualTo(limit);
        assertThat(b.threshold().source()).contains("GB 3095-2012");
    }

    @Test
    void dayWithNineteenHourlyValuesIsNotJudged() {
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 19, 300))).isEmpty();
    }

    @Test
    void dayWithExactlyTwentyHourlyValuesIsJudged() {
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 20, 80))).hasSize(1);
    }

    @Test
    void breachCarriesTheReadingsBehindTheMean() {
        DailyStat stat = daily("PM2_5", "s1", DAY_2023, 24, 80);
        assertThat(evaluate(stat).get(0).readingIds()).containsExactlyElementsOf(stat.readingIds());
    }

    @Test
    void breachDisappearsWhenTheMeanFallsBackToTheLimit() {
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 24, 80))).hasSize(1);
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 24, 75))).isEmpty();
    }

    @Test
    void eachStationAndPollutantIsJudgedSeparately() {
        List<Breach> breaches = evaluate(
                daily("PM2_5", "s1", DAY_2023, 24, 80), daily("PM2_5", "s2", DAY_2023, 24, 70),
                daily("PM10", "s1", DAY_2023, 24, 151));
        assertThat(breaches).extracting(b -> b.subject() + "/" + b.indicator())
                .containsExactlyInAnyOrder("s1/PM2_5", "s1/PM10");
    }

    /** GB 3095-2012 applies up to 2026-02-28; GB 3095-2026's transition limit of 60 from 2026-03-01. */
    @Test
    void limitInForceIsTheOneOfTheReadingsDay() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 2, 28), 24, 70))).isEmpty();
        List<Breach> after = evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 70));
        assertThat(after).hasSize(1);
        assertThat(after.get(0).threshold().id()).isEqualTo("GB3095-2026/PM2_5/24h/II/transition");
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 60))).isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 60.01))).hasSize(1);
    }

    @Test
    void fullGb3095Of2026LimitAppliesFrom2031() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2030, 12, 31), 24, 55))).isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2031, 1, 1), 24, 50))).isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2031, 1, 1), 24, 50.5)))
                .extracting(b -> b.threshold().id()).containsExactly("GB3095-2026/PM2_5/24h/II");
    }

    @Test
    void carriedOverLimitsAfter2026AreMarkedUnconfirmed() {
        List<Breach> b = evaluate(daily("SO2", "s1", LocalDate.of(2026, 6, 1), 24, 151));
        assertThat(b).hasSize(1);
        assertThat(b.get(0).threshold().status()).isEqualTo("UNCONFIRMED");
    }

    @Test
    void daysBeforeGb3095Of2012TookEffectAreNotJudged() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2015, 12, 31), 24, 300))).isEmpty();
    }
}
