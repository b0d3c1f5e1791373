package org.targetwatch.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.WaterAssessment;
import org.targetwatch.support.Rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** GB 3838-2002 表1 single-factor classification, from rules/gb3838-2002.json. */
class WaterClassesTest {
    private static final WaterClasses T = Rules.real().waterClasses();

    @ParameterizedTest(name = "{0} {1} -> class {2}")
    @CsvSource({
            "WATER_NH3N, 0.15, 1", "WATER_NH3N, 0.16, 2", "WATER_NH3N, 0.5, 2", "WATER_NH3N, 1.0, 3",
            "WATER_NH3N, 1.01, 4", "WATER_NH3N, 2.0, 5", "WATER_NH3N, 2.01, 6",
            "WATER_DO, 7.5, 1", "WATER_DO, 7.49, 2", "WATER_DO, 6, 2", "WATER_DO, 5, 3", "WATER_DO, 4.99, 4",
            "WATER_DO, 2, 5", "WATER_DO, 1.99, 6",
            "WATER_CODMN, 2, 1", "WATER_CODMN, 6, 3", "WATER_CODMN, 6.01, 4", "WATER_CODMN, 15.01, 6",
            "WATER_COD, 15, 1", "WATER_COD, 15.1, 3", "WATER_COD, 20, 3", "WATER_COD, 40.1, 6",
            "WATER_BOD5, 3, 1", "WATER_BOD5, 4, 3", "WATER_BOD5, 10.5, 6",
            "WATER_TP, 0.02, 1", "WATER_TP, 0.2, 3", "WATER_TP, 0.21, 4", "WATER_TP, 0.41, 6",
            "WATER_PH, 6, 1", "WATER_PH, 9, 1", "WATER_PH, 5.99, 6", "WATER_PH, 9.01, 6",
            "WATER_HG, 0.00005, 1", "WATER_HG, 0.0001, 3", "WATER_HG, 0.0002, 4",
            "WATER_CD, 0.005, 2", "WATER_PB, 0.05, 3", "WATER_FECAL_COLIFORM, 10000, 3",
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
        v.put("WATER_DO", 6.5);             // II
        v.put("WATER_CODMN", 5.0);          // III
        v.put("WATER_NH3N", 1.2);           // IV
        v.put("WATER_TP", 0.25);            // IV
        v.put("WATER_FECAL_COLIFORM", 50000.0); // 劣V, but not assessed
        WaterClasses.Result r = T.classify(v, false);
        assertThat(r.classNumber()).isEqualTo(4);
        assertThat(r.className()).isEqualTo("IV");
        assertThat(r.worstParameters()).containsExactly("WATER_NH3N", "WATER_TP");
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
        assertThat(month.values()).containsEntry("WATER_NH3N", 0.6000000000000001);
        assertThat(month.classNumber()).isEqualTo(3);
        assertThat(month.targetClass()).isEqualTo(2);
        assertThat(month.worseThanTarget()).isTrue();
        assertThat(month.samples()).isEqualTo(2);
    }
}
