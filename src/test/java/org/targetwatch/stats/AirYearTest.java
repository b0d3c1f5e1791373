package org.targetwatch.stats;

import org.junit.jupiter.api.Test;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.Breach;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.targetwatch.support.Rules.evaluate;

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
        assertThat(rules(year(52))).containsExactlyInAnyOrder("air.good-day-ratio-below-baseline",
                "air.good-day-target-at-risk");
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
        days.add(new AirYear.Day(LocalDate.of(2022, 12, 10), true, 50, Map.of("PM2_5", 90.0)));   // after the span
        days.add(new AirYear.Day(LocalDate.of(2023, 1, 10), true, 50, Map.of("PM2_5", 38.0)));
        AirYearToDate y = AirYear.yearToDate("zd", "district", 2023, days);
        assertThat(y.prevPm25Mean()).isEqualTo(40.0);
        assertThat(y.change("PM2_5")).isEqualTo(-2.0);
    }
}
