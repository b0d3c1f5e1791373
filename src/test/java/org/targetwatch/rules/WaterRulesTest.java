package org.targetwatch.rules;

import org.junit.jupiter.api.Test;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.Reading;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Rules.evaluate;
import static org.targetwatch.support.Rules.reading;

/** rules/water.drl: a sample against GB 3838-2002 Class III. */
class WaterRulesTest {
    private static final LocalDate DAY = LocalDate.of(2023, 5, 10);

    @Test
    void ammoniaSampleBreachesOnlyAboveClassThreeLimit() {
        assertThat(evaluate(reading("WATER_NH3N", "sec-1", DAY, 0.99, "mg/L"))).isEmpty();
        assertThat(evaluate(reading("WATER_NH3N", "sec-1", DAY, 1.0, "mg/L"))).isEmpty();
        Reading above = reading("WATER_NH3N", "sec-1", DAY, 1.01, "mg/L");
        List<Breach> b = evaluate(above);
        assertThat(b).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo("water.sample-worse-than-class-iii");
            assertThat(x.value()).isEqualTo(1.01);
            assertThat(x.threshold().id()).isEqualTo("GB3838-2002/WATER_NH3N/III");
            assertThat(x.threshold().source()).contains("GB 3838-2002");
            assertThat(x.readingIds()).containsExactly(above.id());
            assertThat(x.period()).isEqualTo("2023-05-10");
        });
    }

    @Test
    void breachDisappearsWhenTheCorrectedSampleMeetsTheClass() {
        assertThat(evaluate(reading("WATER_NH3N", "sec-1", DAY, 1.5, "mg/L"))).hasSize(1);
        assertThat(evaluate(reading("WATER_NH3N", "sec-1", DAY, 0.5, "mg/L"))).isEmpty();
    }

    @Test
    void airReadingsAreNotJudgedByWaterRule() {
        assertThat(evaluate(reading("PM2_5", "sec-1", DAY, 500, "ug/m3"))).isEmpty();
    }
}
