package org.targetwatch.domain.water;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.WaterAssessment;
import org.targetwatch.support.Rules;

/** GB 3838-2002 表1 single-factor classification, from rules/gb3838-2002.json. */
class WaterClassesTest {
    private static final WaterClasses T = Rules.real().table(WaterClasses.class);

    /**
     * GB 3838-2002 表1 at the table's precision: a value is rounded by GB/T 8170 to its row's decimals first, so
     * DO 7.46 is 7.5 (class I), COD 15.4 is 15 (I), COD 15.5 is 16 (a half goes to the even digit: III).
     */
    @ParameterizedTest(name = "{0} {1} -> class {2}")
    @CsvSource({
        "WATER_NH3N, 0.15, 1",
        "WATER_NH3N, 0.16, 2",
        "WATER_NH3N, 0.5, 2",
        "WATER_NH3N, 1.0, 3",
        "WATER_NH3N, 1.01, 4",
        "WATER_NH3N, 2.0, 5",
        "WATER_NH3N, 2.01, 6",
        "WATER_NH3N, 1.004, 3",
        "WATER_DO, 7.5, 1",
        "WATER_DO, 7.46, 1",
        "WATER_DO, 7.45, 2",
        "WATER_DO, 7.4, 2",
        "WATER_DO, 6, 2",
        "WATER_DO, 5, 3",
        "WATER_DO, 4.9, 4",
        "WATER_DO, 2, 5",
        "WATER_DO, 1.9, 6",
        "WATER_CODMN, 2, 1",
        "WATER_CODMN, 6, 3",
        "WATER_CODMN, 6.5, 3",
        "WATER_CODMN, 6.6, 4",
        "WATER_CODMN, 15.6, 6",
        "WATER_COD, 15, 1",
        "WATER_COD, 15.4, 1",
        "WATER_COD, 15.5, 3",
        "WATER_COD, 20, 3",
        "WATER_COD, 40.6, 6",
        "WATER_BOD5, 3, 1",
        "WATER_BOD5, 4, 3",
        "WATER_BOD5, 10.5, 5",
        "WATER_BOD5, 10.6, 6",
        "WATER_TP, 0.02, 1",
        "WATER_TP, 0.2, 3",
        "WATER_TP, 0.21, 4",
        "WATER_TP, 0.41, 6",
        "WATER_TP, 0.105, 2",
        "WATER_PH, 6, 1",
        "WATER_PH, 9, 1",
        "WATER_PH, 5.9, 6",
        "WATER_PH, 9.05, 1",
        "WATER_PH, 9.06, 6",
        "WATER_HG, 0.00005, 1",
        "WATER_HG, 0.0001, 3",
        "WATER_HG, 0.0002, 4",
        "WATER_CD, 0.005, 2",
        "WATER_PB, 0.05, 3",
        "WATER_FECAL_COLIFORM, 10000, 3",
    })
    void parameterClassIsTheBestClassWhoseLimitItMeets(String indicator, double value, int expected) {
        assertThat(T.classify(indicator, value, false)).isEqualTo(expected);
    }

    @Test
    void lakesUseTheLakeLimitsForTotalPhosphorus() {
        assertThat(T.classify("WATER_TP", 0.05, false)).isEqualTo(2);
        assertThat(T.classify("WATER_TP", 0.05, true)).isEqualTo(3);
        assertThat(T.classify("WATER_TP", 0.06, true)).isEqualTo(4);
    }

    @Test
    void sampleClassIsItsWorstAssessedParameter() {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("WATER_DO", 6.5); // II
        v.put("WATER_CODMN", 5.0); // III
        v.put("WATER_NH3N", 1.2); // IV
        v.put("WATER_TP", 0.25); // IV
        v.put("WATER_FECAL_COLIFORM", 50000.0); // 劣V, but not assessed
        WaterClasses.Result r = T.classify(v, false);
        assertThat(r.classNumber()).isEqualTo(4);
        assertThat(r.className()).isEqualTo("IV");
        // both IV: ordered by 超标倍数 over class III (22号): TP (0.25 − 0.2) / 0.2 = 0.25, NH3N (1.2 − 1) / 1 = 0.2
        assertThat(r.worstParameters()).containsExactly("WATER_TP", "WATER_NH3N");
        assertThat(r.classes()).containsEntry("WATER_FECAL_COLIFORM", 6);
    }

    @Test
    void periodMeanIsTheMeanOfItsSamplesThenClassified() {
        Subject s = new Subject("sec", "water-section", "x", "", Map.of("targetClass", "II"));
        Instant t1 = Instant.parse("2023-04-03T02:00:00Z");
        Instant t2 = Instant.parse("2023-04-17T02:00:00Z");
        List<Reading> rs = List.of(
                new Reading(1, "WATER_NH3N", "sec", t1, LocalDate.of(2023, 4, 3), 0.4, "mg/L", 1),
                new Reading(2, "WATER_NH3N", "sec", t2, LocalDate.of(2023, 4, 17), 0.8, "mg/L", 1));
        WaterAssessment month = WaterStats.assess(T, s, "month", "2023-04", rs);
        assertThat(month.values()).containsEntry("WATER_NH3N", 0.6); // decimal: not 0.6000000000000001
        assertThat(month.classNumber()).isEqualTo(3);
        assertThat(month.targetClass()).isEqualTo(2);
        assertThat(month.worseThanTarget()).isTrue();
        assertThat(month.samples()).isEqualTo(2);
    }

    // ---- issue 13 items 6-10 ----

    private static Subject section(String body, String control, Integer samplesPerYear) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("waterBody", body);
        if (control != null) {
            settings.put("control", control);
        }
        if (samplesPerYear != null) {
            settings.put("samplesPerYear", samplesPerYear);
        }
        return new Subject("sec", "water-section", "x", "", settings);
    }

    private static List<Reading> samples(String indicator, double value, LocalDate... days) {
        List<Reading> out = new java.util.ArrayList<>();
        long id = 100;
        for (LocalDate d : days) {
            out.add(new Reading(
                    id++,
                    indicator,
                    "sec",
                    d.atTime(10, 0).atZone(java.time.ZoneId.of("Asia/Shanghai")).toInstant(),
                    d,
                    value,
                    "mg/L",
                    1));
        }
        return out;
    }

    /** Item 6: three samples at a limit have their mean at it (decimal), so the class is the one the limit bounds. */
    @ParameterizedTest(name = "{0} {2}: three samples of {1} -> class {3}")
    @CsvSource({
        "WATER_TP, 0.1, river, 2",
        "WATER_TP, 0.2, river, 3",
        "WATER_TP, 0.025, lake, 2",
        "WATER_CR6, 0.05, river, 2",
        "WATER_AS, 0.05, river, 1",
        "WATER_PETROLEUM, 0.05, river, 1",
        "WATER_SULFIDE, 0.05, river, 1",
        "WATER_CN, 0.2, river, 3"
    })
    void aMonthlyMeanAtALimitStaysInTheClassItBounds(String indicator, double value, String body, int expected) {
        double binary = (value + value + value) / 3;
        assertThat(binary).as("the binary mean is not the limit").isNotEqualTo(value);
        WaterAssessment m = WaterStats.assess(
                T,
                section(body, null, null),
                "month",
                "2023-04",
                samples(
                        indicator,
                        value,
                        LocalDate.of(2023, 4, 3),
                        LocalDate.of(2023, 4, 13),
                        LocalDate.of(2023, 4, 23)));
        assertThat(m.values()).containsEntry(indicator, value);
        assertThat(m.classNumber()).isEqualTo(expected);
    }

    /** Item 7: 22号 main pollutants: worse than III, by class then 超标倍数; 超标倍数 over the target class. */
    @Test
    void mainPollutantsAreOrderedByClassThenByTimesOverClassThree() {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("WATER_DO", 4.0); // IV
        v.put("WATER_COD", 35.0); // V
        v.put("WATER_NH3N", 1.3); // IV, (1.3 − 1.0) / 1.0 = 0.3
        v.put("WATER_TP", 0.28); // IV, (0.28 − 0.2) / 0.2 = 0.4
        v.put("WATER_CODMN", 5.0); // III: not a main pollutant
        WaterClasses.Result r = T.classify(v, false, 3);
        assertThat(r.classNumber()).isEqualTo(5);
        assertThat(r.worstParameters()).containsExactly("WATER_COD", "WATER_TP", "WATER_NH3N");
        // 超标倍数 over the target (III) limit: COD (35 − 20) / 20 = 0.75; DO has none (22号)
        assertThat(r.exceedances())
                .containsEntry("WATER_COD", 0.75)
                .containsEntry("WATER_TP", 0.4)
                .containsEntry("WATER_NH3N", 0.3)
                .doesNotContainKey("WATER_DO")
                .doesNotContainKey("WATER_CODMN");
        // the probe: COD V plus DO IV gives [COD, DO], not [COD]
        assertThat(T.classify(Map.of("WATER_COD", 35.0, "WATER_DO", 4.0), false, 3)
                        .worstParameters())
                .containsExactly("WATER_COD", "WATER_DO");
        // class III or better: no main pollutant at all
        assertThat(T.classify(Map.of("WATER_COD", 20.0), false, 2).worstParameters())
                .isEmpty();
        assertThat(T.classify(Map.of("WATER_COD", 20.0), false, 2).exceedances())
                .containsEntry("WATER_COD", 0.33);
    }

    /** Items 8 and 10: lake TN and faecal coliforms have their own class; river TN has none. */
    @Test
    void separateParametersAreClassedOnTheirOwnAndRiverTotalNitrogenNotAtAll() {
        WaterClasses.Result lake = T.classify(Map.of("WATER_TN", 1.2, "WATER_FECAL_COLIFORM", 15000.0), true, 3);
        assertThat(lake.classNumber()).isZero();
        assertThat(lake.separate()).containsEntry("WATER_TN", 4).containsEntry("WATER_FECAL_COLIFORM", 4);
        WaterClasses.Result river = T.classify(Map.of("WATER_TN", 1.2, "WATER_COD", 18.0), false, 3);
        assertThat(river.classes()).doesNotContainKey("WATER_TN");
        assertThat(river.separate()).doesNotContainKey("WATER_TN");
        assertThat(river.classNumber()).isEqualTo(3);
        WaterAssessment only = WaterStats.assess(
                T,
                section("lake", null, null),
                "sample",
                "2023-04-03",
                samples("WATER_TN", 1.2, LocalDate.of(2023, 4, 3)));
        assertThat(only.status()).isEqualTo("not-assessed");
        assertThat(only.worseThanTarget()).isFalse();
        assertThat(only.scopes())
                .extracting(org.targetwatch.facts.Scope::indicator)
                .containsExactly("WATER_TN");
    }

    /** Item 9: an annual class needs the samples the monitoring plan requires, one in each required period. */
    @Test
    void theAnnualClassNeedsTheRequiredSamples() {
        Subject national = section("river", "national", null);
        WaterAssessment march =
                WaterStats.assess(T, national, "year", "2023", samples("WATER_NH3N", 1.8, LocalDate.of(2023, 3, 8)));
        assertThat(march.judged()).isFalse();
        assertThat(march.status()).isEqualTo("insufficient-data");
        assertThat(march.requiredSamples()).isEqualTo(12);
        assertThat(march.classNumber()).isEqualTo(5); // the year-to-date value is still shown
        assertThat(march.scopes()).isEmpty();
        LocalDate[] monthly = new LocalDate[12];
        for (int m = 0; m < 12; m++) {
            monthly[m] = LocalDate.of(2023, m + 1, 8);
        }
        assertThat(WaterStats.assess(T, national, "year", "2023", samples("WATER_NH3N", 1.8, monthly))
                        .judged())
                .isTrue();
        // 11 months plus a second sample in one: 12 samples, but December has none
        LocalDate[] gap = monthly.clone();
        gap[11] = LocalDate.of(2023, 11, 20);
        assertThat(WaterStats.assess(T, national, "year", "2023", samples("WATER_NH3N", 1.8, gap))
                        .judged())
                .isFalse();
        // other sections: 4 a year, one a quarter
        Subject other = section("river", "municipal", null);
        assertThat(WaterStats.assess(
                                T,
                                other,
                                "year",
                                "2023",
                                samples(
                                        "WATER_NH3N",
                                        1.8,
                                        LocalDate.of(2023, 2, 1),
                                        LocalDate.of(2023, 5, 1),
                                        LocalDate.of(2023, 8, 1),
                                        LocalDate.of(2023, 11, 1)))
                        .judged())
                .isTrue();
        assertThat(WaterStats.assess(
                                T,
                                other,
                                "year",
                                "2023",
                                samples(
                                        "WATER_NH3N",
                                        1.8,
                                        LocalDate.of(2023, 2, 1),
                                        LocalDate.of(2023, 3, 1),
                                        LocalDate.of(2023, 8, 1),
                                        LocalDate.of(2023, 11, 1)))
                        .judged())
                .isFalse();
        // the setting wins
        assertThat(WaterStats.assess(
                                T,
                                section("river", "national", 4),
                                "year",
                                "2023",
                                samples(
                                        "WATER_NH3N",
                                        1.8,
                                        LocalDate.of(2023, 2, 1),
                                        LocalDate.of(2023, 5, 1),
                                        LocalDate.of(2023, 8, 1),
                                        LocalDate.of(2023, 11, 1)))
                        .judged())
                .isTrue();
    }
}
