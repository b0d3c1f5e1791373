package org.targetwatch.stats;

import org.junit.jupiter.api.Test;
import org.targetwatch.facts.AirDay;
import org.targetwatch.support.Rules;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Daily statistics from hourly values, with the validity rules in force (from rules/thresholds.json). */
class AirDaysTest {
    private static final LocalDate DAY = LocalDate.of(2023, 3, 1);
    private static final AirDays.Validity V = AirDays.Validity.of(Rules.real().thresholds(), DAY);

    private static AirDays.Hours full(double pm25, double o3) {
        AirDays.Hours h = AirDays.Hours.empty();
        long id = 1;
        for (int hour = 0; hour < 24; hour++) {
            h.put("PM2_5", hour, pm25, id++);
            h.put("PM10", hour, 60, id++);
            h.put("SO2", hour, 10, id++);
            h.put("NO2", hour, 30, id++);
            h.put("CO", hour, 0.8, id++);
            h.put("O3", hour, o3, id++);
        }
        return h;
    }

    @Test
    void validityRulesComeFromTheThresholds() {
        assertThat(V.min24hHours()).containsEntry("PM2_5", 20).containsEntry("CO", 20);
        assertThat(V.min8hHours()).isEqualTo(6);
        assertThat(V.minMda8Windows()).isEqualTo(14);
    }

    @Test
    void fullDayGivesAllSevenItemsAndAValidDay() {
        AirDay d = AirDays.station("s1", DAY, full(80, 100), V);
        assertThat(d.valid()).isTrue();
        assertThat(d.values()).containsKeys("SO2", "NO2", "PM10", "CO", "PM2_5", "O3_1H", "O3_8H");
        assertThat(d.value("PM2_5")).isEqualTo(80.0);
        assertThat(d.aqi()).isEqualTo(107);
        assertThat(d.primaryPollutants()).containsExactly("PM2_5");
        assertThat(d.readingIds()).hasSize(144);
    }

    @Test
    void nineteenHoursMakeTheMeanInvalidAndTheDayInvalid() {
        AirDays.Hours h = full(80, 100);
        for (int hour = 0; hour < 5; hour++) {
            h.values().get("PM2_5")[hour] = Double.NaN;
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.values()).doesNotContainKey("PM2_5");
        assertThat(d.hours()).containsEntry("PM2_5", 19);
        assertThat(d.valid()).isFalse();
    }

    @Test
    void dailyMaximumEightHourMeanTakesTheBestValidWindow() {
        AirDays.Hours h = full(20, 50);
        // hours 10..17 at 200: the window starting at 10 averages 200; windows overlapping it less
        for (int hour = 10; hour < 18; hour++) {
            h.values().get("O3")[hour] = 200;
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.value("O3_8H")).isEqualTo(200.0);
        assertThat(d.value("O3_1H")).isEqualTo(200.0);
    }

    @Test
    void eightHourWindowNeedsSixValues() {
        AirDays.Hours h = full(20, 50);
        // hours 16..20 at 300, hours 21..23 missing: the window 16..23 holds only 5 values and is not valid;
        // the best valid window is 15..22 with 6 values: (50 + 5 × 300) / 6
        for (int hour = 16; hour < 24; hour++) {
            h.values().get("O3")[hour] = hour <= 20 ? 300 : Double.NaN;
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.value("O3_8H")).isCloseTo(1550.0 / 6, within(1e-9));
        assertThat(d.hours()).containsEntry("O3", 21);
    }

    @Test
    void fewerThanFourteenValidWindowsLeaveNoDailyMaximumEightHourMean() {
        AirDays.Hours h = full(20, 50);
        for (int hour = 16; hour < 19; hour++) {
            h.values().get("O3")[hour] = Double.NaN;   // windows starting 11..16 have 5 values: 11 valid windows
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.values()).doesNotContainKey("O3_8H");
        assertThat(d.valid()).isFalse();
    }

    @Test
    void districtAveragesItsStationsBeforeTheIndex() {
        AirDay a = AirDays.station("a", DAY, full(70, 100), V);
        AirDay b = AirDays.station("b", DAY, full(90, 100), V);
        AirDay d = AirDays.district("zd", DAY, List.of(a, b));
        assertThat(d.value("PM2_5")).isEqualTo(80.0);
        assertThat(d.aqi()).isEqualTo(107);
        assertThat(d.kind()).isEqualTo("district");
        assertThat(d.valid()).isTrue();
        // not the mean of the stations' AQIs ((94 + 119) / 2 = 106.5)
        assertThat(a.aqi()).isEqualTo(94);
        assertThat(b.aqi()).isEqualTo(119);
    }

    @Test
    void percentileFollowsTheHj663RankFormula() {
        double[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        assertThat(Percentile.of(ten, 90)).isCloseTo(9.1, within(1e-9));   // k = 1 + 9 × 0.9 = 9.1
        assertThat(Percentile.of(ten, 50)).isCloseTo(5.5, within(1e-9));
        assertThat(Percentile.of(ten, 100)).isEqualTo(10);
        assertThat(Percentile.of(new double[] {7}, 95)).isEqualTo(7);
        assertThat(Percentile.of(new double[0], 95)).isNaN();
    }
}
