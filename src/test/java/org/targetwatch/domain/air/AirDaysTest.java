package org.targetwatch.domain.air;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.targetwatch.facts.AirDay;
import org.targetwatch.support.Rules;

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
        // the best valid window is 15..22 with 6 values: (50 + 5 × 300) / 6 = 258.33, published as 258 (HJ 663-2013
        // precision, GB/T 8170)
        for (int hour = 16; hour < 24; hour++) {
            h.values().get("O3")[hour] = hour <= 20 ? 300 : Double.NaN;
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.value("O3_8H")).isEqualTo(258.0);
        assertThat(d.hours()).containsEntry("O3", 21);
    }

    @Test
    void fewerThanFourteenValidWindowsLeaveNoDailyMaximumEightHourMean() {
        AirDays.Hours h = full(20, 50);
        for (int hour = 16; hour < 19; hour++) {
            h.values().get("O3")[hour] = Double.NaN; // windows starting 11..16 have 5 values: 11 valid windows
        }
        AirDay d = AirDays.station("s1", DAY, h, V);
        assertThat(d.values()).doesNotContainKey("O3_8H");
        assertThat(d.valid()).isFalse();
    }

    @Test
    void districtAveragesItsStationsBeforeTheIndex() {
        AirDay a = AirDays.station("a", DAY, full(70, 100), V);
        AirDay b = AirDays.station("b", DAY, full(90, 100), V);
        AirDay d = AirDays.district("zd", DAY, List.of(a, b), V);
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
        assertThat(Percentile.of(ten, 90)).isCloseTo(9.1, within(1e-9)); // k = 1 + 9 × 0.9 = 9.1
        assertThat(Percentile.of(ten, 50)).isCloseTo(5.5, within(1e-9));
        assertThat(Percentile.of(ten, 100)).isEqualTo(10);
        assertThat(Percentile.of(new double[] {7}, 95)).isEqualTo(7);
        assertThat(Percentile.of(new double[0], 95)).isNaN();
    }

    // ---- issue 13 item 1: validity never fails open; airStandardFrom ----

    private static final List<org.targetwatch.facts.Threshold> T = Rules.real().thresholds();

    /** A station-day of 2014 (before GB 3095-2012 applied nationwide) with 7 hourly CO values and 24 of the rest. */
    private static AirDays.Hours sevenHoursOfCo() {
        AirDays.Hours h = full(30, 80);
        for (int hour = 7; hour < 24; hour++) {
            h.values().get("CO")[hour] = Double.NaN;
        }
        return h;
    }

    @Test
    void beforeTheStandardAppliesNothingIsAssessedNotEvenAFullDay() {
        LocalDate day = LocalDate.of(2014, 6, 1);
        AirDays.Validity none = AirDays.Validity.of(T, day, null);
        assertThat(none.min24hHours()).isEmpty();
        assertThat(none.min8hHours()).isNull();
        AirDay sparse = AirDays.station("s1", day, sevenHoursOfCo(), none);
        AirDay complete = AirDays.station("s1", day, full(30, 80), none);
        for (AirDay d : List.of(sparse, complete)) {
            assertThat(d.values()).isEmpty();
            assertThat(d.valid()).isFalse();
            assertThat(d.good()).isFalse();
            assertThat(d.hasAqi()).isFalse();
            assertThat(d.scopes()).isEmpty();
        }
        // never averaged into its district
        AirDay district = AirDays.district("zd", day, List.of(complete), none);
        assertThat(district.values()).isEmpty();
        assertThat(district.valid()).isFalse();
        // and no daily statistic is valid, so none covers (and clears) an alert
        assertThat(AirDays.dailyStats("s1", day, full(30, 80), none))
                .allSatisfy(st -> assertThat(st.valid()).isFalse());
    }

    @Test
    void aDistrictsEarlierAirStandardFromBringsThe2012RulesForward() {
        LocalDate day = LocalDate.of(2014, 6, 1);
        AirDays.Validity from2013 = AirDays.Validity.of(T, day, LocalDate.of(2013, 1, 1));
        assertThat(from2013.min24hHours()).containsEntry("CO", 20);
        AirDay sparse = AirDays.station("s1", day, sevenHoursOfCo(), from2013);
        assertThat(sparse.values()).doesNotContainKey("CO"); // 7 of 20 hours: not valid
        assertThat(sparse.valid()).isFalse();
        AirDay complete = AirDays.station("s1", day, full(30, 80), from2013);
        assertThat(complete.valid()).isTrue();
        assertThat(complete.standardFrom()).isEqualTo(LocalDate.of(2013, 1, 1));
        // the day before the district's date: still nothing
        AirDay before = AirDays.station(
                "s1",
                LocalDate.of(2012, 12, 31),
                full(30, 80),
                AirDays.Validity.of(T, LocalDate.of(2012, 12, 31), LocalDate.of(2013, 1, 1)));
        assertThat(before.valid()).isFalse();
        // on the nationwide date every district is assessed
        assertThat(AirDays.station(
                                "s1",
                                LocalDate.of(2016, 1, 1),
                                full(30, 80),
                                AirDays.Validity.of(T, LocalDate.of(2016, 1, 1), null))
                        .valid())
                .isTrue();
    }

    // ---- item 3: decimal means rounded by GB/T 8170 to the limit's precision ----

    @Test
    void theDailyMeanIsTheExactDecimalMeanRoundedHalfToEven() {
        double[] co = {
            1.9, 0.9, 2.0, 1.6, 1.1, 0.8, 0.9, 1.1, 1.6, 1.1, 0.6, 0.6, 1.9, 0.6, 1.9, 1.9, 1.4, 1.5, 1.8, 1.8
        };
        AirDays.Hours h = full(30, 80);
        for (int hour = 0; hour < 24; hour++) {
            h.values().get("CO")[hour] = hour < co.length ? co[hour] : Double.NaN;
        }
        double binary = 0;
        for (double v : co) {
            binary += v;
        }
        // in binary the mean is 1.3499999999999999 and would round to 1.3; in decimal it is 1.35, which GB/T 8170
        // rounds to the even digit: 1.4
        assertThat(binary / co.length).isLessThan(1.35);
        assertThat(AirDays.station("s1", DAY, h, V).value("CO")).isEqualTo(1.4);
        assertThat(AirDays.dailyStats("s1", DAY, h, V))
                .filteredOn(st -> st.indicator().equals("CO"))
                .singleElement()
                .satisfies(st -> assertThat(st.mean()).isEqualTo(1.4));
    }

    @Test
    void theDistrictRoundsTheMeanOfItsStations() {
        AirDay a = AirDays.station("a", DAY, full(70, 100), V);
        AirDay b = AirDays.station("b", DAY, full(75, 100), V);
        // (70 + 75) / 2 = 72.5 → 72 (half to even)
        assertThat(AirDays.district("zd", DAY, List.of(a, b), V).value("PM2_5")).isEqualTo(72.0);
    }

    // ---- item 4: HJ 663-2013 表3, an MDA8 from fewer than 14 windows that already exceeds the limit ----

    /** O3 at {@code value} in hours 0..15 and missing after: windows starting 0..10 hold ≥ 6 values (11 valid). */
    private static AirDays.Hours elevenWindowsAt(double value) {
        AirDays.Hours h = full(20, value);
        for (int hour = 16; hour < 24; hour++) {
            h.values().get("O3")[hour] = Double.NaN;
        }
        return h;
    }

    @Test
    void elevenValidWindowsAllAboveTheLimitStillGiveAValidMda8() {
        AirDay d = AirDays.station("s1", DAY, elevenWindowsAt(220), V);
        assertThat(d.value("O3_8H")).isEqualTo(220.0);
        assertThat(d.iaqi()).containsKey("O3_8H");
        // not above the limit: at it, or below, there is no MDA8
        assertThat(AirDays.station("s1", DAY, elevenWindowsAt(160), V).values()).doesNotContainKey("O3_8H");
        assertThat(AirDays.station("s1", DAY, elevenWindowsAt(150), V).values()).doesNotContainKey("O3_8H");
        // 160.4 is published as 160: at the limit, not above it
        assertThat(AirDays.station("s1", DAY, elevenWindowsAt(160.4), V).values())
                .doesNotContainKey("O3_8H");
        assertThat(AirDays.station("s1", DAY, elevenWindowsAt(160.6), V).value("O3_8H"))
                .isEqualTo(161.0);
    }
}
