package org.targetwatch.domain.air;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.targetwatch.support.Rules.evaluate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.Breach;

/** A year of daily AQI values around the 86% line, and the year-to-date arithmetic. */
class AirYearTest {

    /** 365 valid days of 2023 with the given number of polluted days (AQI 120) and the rest good (AQI 60). */
    private static List<AirYear.Day> year(int pollutedDays) {
        List<AirYear.Day> days = new ArrayList<>();
        LocalDate d = LocalDate.of(2023, 1, 1);
        for (int i = 0; i < 365; i++, d = d.plusDays(1)) {
            boolean polluted = i < pollutedDays;
            days.add(new AirYear.Day(d, true, polluted ? 120 : 60, Map.of("PM2_5", polluted ? 90.0 : 30.0)));
        }
        return days;
    }

    private static List<String> rules(List<AirYear.Day> days) {
        AirYearToDate y = AirYear.yearToDate("zd", "district", 2023, days);
        return evaluate(y).stream().map(Breach::rule).toList();
    }

    @Test
    void fullYearAroundTheEightySixPercentLine() {
        // 52 polluted: 313 / 365 = 85.75% (below); 51 polluted: 314 / 365 = 86.03% (meets)
        AirYearToDate below = AirYear.yearToDate("zd", "district", 2023, year(52));
        assertThat(below.ratio()).isCloseTo(85.753, within(0.001));
        assertThat(rules(year(52)))
                .containsExactlyInAnyOrder("air.good-day-ratio-below-baseline", "air.good-day-target-at-risk");
        AirYearToDate meets = AirYear.yearToDate("zd", "district", 2023, year(51));
        assertThat(meets.ratio()).isCloseTo(86.027, within(0.001));
        assertThat(rules(year(51))).isEmpty();
    }

    @Test
    void midYearRatioBelowButStillReachableIsNotAtRisk() {
        // first 100 days, 20 polluted: 80 / 100 = 80%; best possible (80 + 265) / 365 = 94.5%
        List<AirYear.Day> days = year(20).subList(0, 100);
        AirYearToDate y = AirYear.yearToDate("zd", "district", 2023, days);
        assertThat(y.ratio()).isEqualTo(80.0);
        assertThat(y.remainingDays()).isEqualTo(265);
        assertThat(y.bestPossibleRatio()).isCloseTo(94.521, within(0.001));
        assertThat(rules(days)).containsExactly("air.good-day-ratio-below-baseline");
    }

    @Test
    void invalidDaysCountNeitherAsGoodNorAsValid() {
        List<AirYear.Day> days = new ArrayList<>(year(0).subList(0, 10));
        days.set(3, new AirYear.Day(days.get(3).date(), false, 20, Map.of()));
        AirYearToDate y = AirYear.yearToDate("zd", "district", 2023, days);
        assertThat(y.validDays()).isEqualTo(9);
        assertThat(y.goodDays()).isEqualTo(9);
        assertThat(y.ratio()).isEqualTo(100.0);
    }

    @Test
    void yearOnYearUsesTheSameSpanOfThePreviousYear() {
        List<AirYear.Day> days = new ArrayList<>();
        days.add(new AirYear.Day(LocalDate.of(2022, 1, 10), true, 50, Map.of("PM2_5", 40.0)));
        days.add(new AirYear.Day(LocalDate.of(2022, 12, 10), true, 50, Map.of("PM2_5", 90.0))); // after the span
        days.add(new AirYear.Day(LocalDate.of(2023, 1, 10), true, 50, Map.of("PM2_5", 38.0)));
        AirYearToDate y = AirYear.yearToDate("zd", "district", 2023, days);
        assertThat(y.prevPm25Mean()).isEqualTo(40.0);
        assertThat(y.change("PM2_5")).isEqualTo(-2.0);
    }

    // ---- issue 13 item 2: GB 3095-2012 表4, the per-month rule of an annual statistic ----

    private static final List<org.targetwatch.facts.Threshold> T =
            org.targetwatch.support.Rules.real().thresholds();

    /** Every day of 2023 valid with SO2 {@code so2}, except {@code missing} days taken out of {@code month}. */
    private static List<AirYear.Day> so2Year(double so2, int month, int missing) {
        List<AirYear.Day> days = new ArrayList<>();
        int dropped = 0;
        for (LocalDate d = LocalDate.of(2023, 1, 1); d.getYear() == 2023; d = d.plusDays(1)) {
            if (d.getMonthValue() == month && dropped < missing) {
                dropped++;
                continue;
            }
            days.add(new AirYear.Day(d, true, 60, Map.of("SO2", so2)));
        }
        return days;
    }

    private static org.targetwatch.facts.AnnualStatistic so2Mean(List<AirYear.Day> days) {
        return AirYear.annual("zd", "district", 2023, days, T, null).stream()
                .filter(a -> a.statistic().equals("annual-mean"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void twentySixValidDaysInMarchLeaveTheYearUndetermined() {
        // March has 31 days: 5 missing leave 26, below 27; the year still has 360 valid days (≥ 324)
        org.targetwatch.facts.AnnualStatistic a = so2Mean(so2Year(70, 3, 5));
        assertThat(a.days()).isEqualTo(360);
        assertThat(a.monthDays().get(2)).isEqualTo(26);
        assertThat(a.determined()).isFalse();
        assertThat(a.undetermined()).contains("3月有效日数26天");
        assertThat(a.scopes()).isEmpty();
        assertThat(evaluate(a)).isEmpty();
        // 27 in March: determined, and 70 > 60 is a breach
        org.targetwatch.facts.AnnualStatistic b = so2Mean(so2Year(70, 3, 4));
        assertThat(b.determined()).isTrue();
        assertThat(evaluate(b)).extracting(Breach::rule).containsExactly("air.annual-statistic-over-grade-ii");
    }

    @Test
    void februaryNeedsTwentyFive() {
        assertThat(so2Mean(so2Year(30, 2, 3)).determined()).isTrue(); // 25 of 28
        assertThat(so2Mean(so2Year(30, 2, 4)).determined()).isFalse(); // 24 of 28
    }

    @Test
    void fewerThan324DaysLeaveItUndeterminedEvenWithEveryMonthFull() {
        List<AirYear.Day> days = new ArrayList<>();
        for (AirYear.Day d : so2Year(30, 1, 0)) {
            int limit = d.date().getMonthValue() == 2 ? 25 : 27;
            if (d.date().getDayOfMonth() <= limit) {
                days.add(d); // 27 a month (February 25): 11 × 27 + 25 = 322 days
            }
        }
        org.targetwatch.facts.AnnualStatistic a = so2Mean(days);
        assertThat(a.days()).isEqualTo(322);
        assertThat(a.determined()).isFalse();
        assertThat(a.undetermined()).contains("322");
    }

    @Test
    void annualMeanIsDecimalAndRoundedToWholeMicrograms() {
        // 182 days at 60 and 183 at 61: 60.5013… → 61 (> 60); 183 at 60 and 182 at 61: 60.498… → 60 (attains)
        List<AirYear.Day> days = new ArrayList<>();
        int i = 0;
        for (AirYear.Day d : so2Year(0, 1, 0)) {
            days.add(new AirYear.Day(d.date(), true, 60, Map.of("SO2", i++ < 182 ? 60.0 : 61.0)));
        }
        assertThat(so2Mean(days).value()).isEqualTo(61.0);
        List<AirYear.Day> lower = new ArrayList<>();
        i = 0;
        for (AirYear.Day d : so2Year(0, 1, 0)) {
            lower.add(new AirYear.Day(d.date(), true, 60, Map.of("SO2", i++ < 183 ? 60.0 : 61.0)));
        }
        assertThat(so2Mean(lower).value()).isEqualTo(60.0);
        assertThat(evaluate(so2Mean(lower))).isEmpty();
    }

    @Test
    void beforeTheStandardNoAnnualStatisticIsDetermined() {
        List<AirYear.Day> days = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2015, 1, 1); d.getYear() == 2015; d = d.plusDays(1)) {
            days.add(new AirYear.Day(d, true, 60, Map.of("SO2", 90.0)));
        }
        assertThat(AirYear.annual("zd", "district", 2015, days, T, null))
                .allSatisfy(a -> assertThat(a.determined()).isFalse());
        assertThat(AirYear.annual("zd", "district", 2015, days, T, LocalDate.of(2013, 1, 1)))
                .filteredOn(a -> a.statistic().equals("annual-mean"))
                .singleElement()
                .satisfies(a -> assertThat(evaluate(a)).hasSize(1));
    }
}
