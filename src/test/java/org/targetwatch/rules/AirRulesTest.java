package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.daily;
import static org.targetwatch.support.Rules.evaluate;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.common.Decimals;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DailyStat;

/** rules/air.drl with rules/thresholds.json: 24-hour means against GB 3095 Grade II. */
class AirRulesTest {
    private static final String RULE = "air.daily-mean-over-grade-ii";
    private static final LocalDate DAY_2023 = LocalDate.of(2023, 3, 1);

    /**
     * Below, at and above every GB 3095-2012 24-hour Grade II limit (at the limit complies), at the precision HJ
     * 663-2013 publishes (whole µg/m³, CO 0.1 mg/m³): a mean that GB/T 8170 rounds to the limit is at it.
     */
    @ParameterizedTest(name = "{0} limit {1}")
    @CsvSource({"PM2_5, 75, 1", "PM10, 150, 1", "SO2, 150, 1", "NO2, 80, 1", "CO, 4, 0.1"})
    void dailyMeanBreachesOnlyAboveTheGradeTwoLimit(String indicator, double limit, double step) {
        assertThat(evaluate(daily(indicator, "s1", DAY_2023, 24, limit - step))).isEmpty();
        assertThat(evaluate(daily(indicator, "s1", DAY_2023, 24, limit))).isEmpty();
        List<Breach> above = evaluate(daily(indicator, "s1", DAY_2023, 24, limit + step));
        assertThat(above).hasSize(1);
        Breach b = above.get(0);
        assertThat(b.rule()).isEqualTo(RULE);
        assertThat(b.indicator()).isEqualTo(indicator);
        assertThat(b.period()).isEqualTo("2023-03-01");
        assertThat(b.value()).isEqualTo(Decimals.round(limit + step, step == 1 ? 0 : 1));
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
                daily("PM2_5", "s1", DAY_2023, 24, 80),
                daily("PM2_5", "s2", DAY_2023, 24, 70),
                daily("PM10", "s1", DAY_2023, 24, 151));
        assertThat(breaches)
                .extracting(b -> b.subject() + "/" + b.indicator())
                .containsExactlyInAnyOrder("s1/PM2_5", "s1/PM10");
    }

    /** GB 3095-2012 applies up to 2026-02-28; GB 3095-2026's transition limit of 60 from 2026-03-01. */
    @Test
    void limitInForceIsTheOneOfTheReadingsDay() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 2, 28), 24, 70)))
                .isEmpty();
        List<Breach> after = evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 70));
        assertThat(after).hasSize(1);
        assertThat(after.get(0).threshold().id()).isEqualTo("GB3095-2026/PM2_5/24h/II/transition");
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 60)))
                .isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 60.5)))
                .isEmpty(); // 修约: 60
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2026, 3, 1), 24, 60.51)))
                .hasSize(1);
    }

    @Test
    void fullGb3095Of2026LimitAppliesFrom2031() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2030, 12, 31), 24, 55)))
                .isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2031, 1, 1), 24, 50)))
                .isEmpty();
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2031, 1, 1), 24, 51)))
                .extracting(b -> b.threshold().id())
                .containsExactly("GB3095-2026/PM2_5/24h/II");
    }

    @Test
    void carriedOverLimitsAfter2026AreMarkedUnconfirmed() {
        List<Breach> b = evaluate(daily("SO2", "s1", LocalDate.of(2026, 6, 1), 24, 151));
        assertThat(b).hasSize(1);
        assertThat(b.get(0).threshold().status()).isEqualTo("UNCONFIRMED");
    }

    /** GB/T 8170 进舍规则 at a half: the kept digit goes to even, so 75.5 exceeds 75 while 150.5 and 4.05 do not. */
    @Test
    void aHalfRoundsToTheEvenDigitBeforeTheComparison() {
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 24, 75.5)))
                .singleElement()
                .satisfies(b -> assertThat(b.value()).isEqualTo(76.0));
        assertThat(evaluate(daily("PM2_5", "s1", DAY_2023, 24, 75.49))).isEmpty();
        assertThat(evaluate(daily("SO2", "s1", DAY_2023, 24, 150.5))).isEmpty();
        assertThat(evaluate(daily("CO", "s1", DAY_2023, 24, 4.05))).isEmpty();
        assertThat(evaluate(daily("CO", "s1", DAY_2023, 24, 4.15)))
                .singleElement()
                .satisfies(b -> assertThat(b.value()).isEqualTo(4.2));
    }

    @Test
    void daysBeforeGb3095Of2012TookEffectAreNotJudged() {
        assertThat(evaluate(daily("PM2_5", "s1", LocalDate.of(2015, 12, 31), 24, 300)))
                .isEmpty();
    }

    // ---- daily AQI ----

    private static org.targetwatch.facts.AirDay airDay(String kind, int aqi) {
        return new org.targetwatch.facts.AirDay(
                "zd",
                kind,
                DAY_2023,
                java.util.Map.of(),
                java.util.Map.of(),
                java.util.Map.of(),
                aqi,
                "x",
                List.of(),
                List.of(),
                true,
                List.of(7L),
                null);
    }

    @Test
    void heavyPollutionDayIsAqiAboveTwoHundred() {
        assertThat(evaluate(airDay("air-station", 199))).isEmpty();
        assertThat(evaluate(airDay("air-station", 200))).isEmpty();
        assertThat(evaluate(airDay("district", 201))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("air.heavy-pollution-day");
            assertThat(b.indicator()).isEqualTo("AQI");
            assertThat(b.threshold().severity()).isEqualTo("major");
            assertThat(b.value()).isEqualTo(201);
        });
    }

    // ---- year to date ----

    private static org.targetwatch.facts.AirYearToDate ytd(String kind, double ratio, double best, double change) {
        return new org.targetwatch.facts.AirYearToDate(
                "zd",
                kind,
                2023,
                LocalDate.of(2023, 6, 30),
                100,
                (int) ratio,
                ratio,
                184,
                best,
                40 + change,
                70,
                40,
                Double.NaN);
    }

    @Test
    void goodDayRatioBelowEightySixPercentIsABreachAndEightySixIsNot() {
        assertThat(rules(evaluate(ytd("district", 85.99, 95, -1))))
                .containsExactly("air.good-day-ratio-below-baseline");
        assertThat(rules(evaluate(ytd("district", 86, 95, -1)))).isEmpty();
        assertThat(rules(evaluate(ytd("district", 86.01, 95, -1)))).isEmpty();
    }

    @Test
    void goodDayRatioIsJudgedForDistrictsNotStations() {
        assertThat(evaluate(ytd("air-station", 50, 60, 5))).isEmpty();
    }

    @Test
    void targetAtRiskWhenEvenAllRemainingGoodDaysCannotReachEightySix() {
        assertThat(rules(evaluate(ytd("district", 80, 85.99, -1))))
                .containsExactlyInAnyOrder("air.good-day-ratio-below-baseline", "air.good-day-target-at-risk");
        assertThat(rules(evaluate(ytd("district", 80, 86, -1)))).containsExactly("air.good-day-ratio-below-baseline");
    }

    @Test
    void pmMeanNotBelowLastYearIsNotAnImprovement() {
        assertThat(evaluate(ytd("district", 90, 95, -0.1))).isEmpty();
        assertThat(evaluate(ytd("district", 90, 95, 0))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("air.pm-not-improving-year-on-year");
            assertThat(b.indicator()).isEqualTo("PM2_5");
            assertThat(b.threshold().strength()).isEqualTo("确保");
            assertThat(b.threshold().severity()).isEqualTo("major");
        });
        assertThat(evaluate(ytd("district", 90, 95, 0.1))).hasSize(1);
    }

    // ---- annual evaluation ----

    private static org.targetwatch.facts.AnnualStatistic annual(String ind, String stat, double v, int days) {
        return annual(2023, ind, stat, v, true);
    }

    private static org.targetwatch.facts.AnnualStatistic annual(
            int year, String ind, String stat, double v, boolean determined) {
        return new org.targetwatch.facts.AnnualStatistic(
                "zd",
                "district",
                year,
                ind,
                stat,
                v,
                365,
                java.util.Collections.nCopies(12, 30),
                determined,
                determined ? null : "x",
                null);
    }

    /**
     * GB 3095-2012 表1 limits compared at HJ 663-2013's precision (whole µg/m³, CO 0.1 mg/m³) after GB/T 8170
     * rounding: below, at (a value that rounds to the limit, including a half that rounds to even) and above.
     */
    @ParameterizedTest(name = "{0} {1}: {2} attains, {3} attains, {4} exceeds")
    @CsvSource({
        "SO2, annual-mean, 59.4, 60.5, 60.51",
        "NO2, annual-mean, 39.49, 40.4, 40.6",
        "PM10, annual-mean, 69, 70.5, 71.5",
        "PM2_5, annual-mean, 34.5, 35.49, 35.5",
        "CO, p95-24h, 3.94, 4.05, 4.06",
        "O3, p90-mda8, 159.49, 160.5, 161"
    })
    void annualStatisticAboveGradeTwoIsABreach(String ind, String stat, double below, double at, double above) {
        assertThat(evaluate(annual(ind, stat, below, 365))).isEmpty();
        assertThat(evaluate(annual(ind, stat, at, 365))).isEmpty();
        assertThat(evaluate(annual(ind, stat, above, 365))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("air.annual-statistic-over-grade-ii");
            assertThat(b.period()).isEqualTo("2023:" + stat);
            assertThat(b.value()).isEqualTo(b.threshold().round(above));
        });
    }

    @Test
    void anUndeterminedAnnualStatisticIsNeverJudgedAndCoversNoAlert() {
        org.targetwatch.facts.AnnualStatistic a = annual(2023, "PM2_5", "annual-mean", 50, false);
        assertThat(evaluate(a)).isEmpty();
        assertThat(a.scopes()).isEmpty();
        assertThat(annual(2023, "PM2_5", "annual-mean", 50, true).scopes()).hasSize(1);
    }

    @Test
    void percentileReadingBIsOffByDefault() {
        assertThat(evaluate(annual("PM2_5", "p95-24h", 90, 365))).isEmpty();
        assertThat(org.targetwatch.support.Rules.real().thresholds().stream().filter(t -> t.id().endsWith("reading-b")))
                .hasSize(4)
                .allSatisfy(t -> assertThat(t.enabled()).isFalse());
    }

    @Test
    void annualPm25LimitFollowsGb3095Of2026() {
        org.targetwatch.facts.AnnualStatistic y2026 = annual(2026, "PM2_5", "annual-mean", 31, true);
        assertThat(evaluate(y2026))
                .extracting(b -> b.threshold().id())
                .containsExactly("GB3095-2026/PM2_5/annual-mean/II/transition");
    }

    private static List<String> rules(List<Breach> breaches) {
        return breaches.stream().map(Breach::rule).toList();
    }
}
