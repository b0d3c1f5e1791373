package org.targetwatch.domain.air;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.targetwatch.domain.air.Aqi.Item;

/** HJ 633-2012 worked by hand from 表1 (IAQI = ceil of the linear interpolation). */
class AqiTest {

    /** Every breakpoint of every column gives exactly its IAQI level. */
    @ParameterizedTest
    @EnumSource(Item.class)
    void breakpointsGiveTheirOwnLevel(Item item) {
        for (int i = 0; i < item.breakpoints.length; i++) {
            assertThat(Aqi.iaqi(item, item.breakpoints[i]))
                    .as(item + " at " + item.breakpoints[i])
                    .isEqualTo((int) Aqi.LEVELS[i]);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        // PM2.5 24h: 35/50, 75/100, 115/150
        "PM2_5_24H, 0, 0",
        "PM2_5_24H, 35.1, 51", // 50 + 50/40 × 0.1 = 50.125 → 51
        "PM2_5_24H, 80, 107", // 100 + 50/40 × 5 = 106.25 → 107
        "PM2_5_24H, 74.9, 100", // 50 + 50/40 × 39.9 = 99.875 → 100
        "PM2_5_24H, 500, 500",
        "PM2_5_24H, 501, 500", // above the top breakpoint
        "PM10_24H, 151, 101", // 100 + 50/100 × 1 = 100.5 → 101
        "SO2_24H, 160, 102", // 100 + 50/325 × 10 = 101.54 → 102
        "NO2_24H, 100, 110", // 100 + 50/100 × 20 = 110
        "CO_24H, 3, 75", // 50 + 50/2 × 1 = 75
        "CO_24H, 61, 500",
        "O3_8H, 120, 67", // 50 + 50/60 × 20 = 66.67 → 67
        "O3_8H, 800, 300",
        "O3_1H, 900, 350", // 300 + 100/200 × 100
        "SO2_1H, 800, 200",
    })
    void subIndexIsTheCeilingOfTheInterpolation(Item item, double c, int expected) {
        assertThat(Aqi.iaqi(item, c)).isEqualTo(expected);
    }

    @Test
    void so2OneHourAboveEightHundredHasNoSubIndex() {
        assertThat(Aqi.iaqi(Item.SO2_1H, 800.1)).isEqualTo(-1);
    }

    @Test
    void o3EightHourAboveEightHundredFallsBackToTheOneHourSubIndex() {
        assertThat(Aqi.iaqi(Item.O3_8H, 801)).isEqualTo(-1);
        Aqi.Result r = Aqi.compute(Map.of(Item.O3_8H, 850.0, Item.O3_1H, 900.0, Item.PM2_5_24H, 40.0));
        assertThat(r.iaqi()).doesNotContainKey(Item.O3_8H).containsEntry(Item.O3_1H, 350);
        assertThat(r.aqi()).isEqualTo(350);
        assertThat(r.primaryPollutants()).containsExactly("O3");
        assertThat(r.category()).isEqualTo("严重污染");
    }

    @Test
    void aqiIsTheLargestSubIndexWithPrimaryAndOverStandardPollutants() {
        Map<Item, Double> c = new EnumMap<>(Item.class);
        c.put(Item.PM2_5_24H, 80.0); // 107
        c.put(Item.PM10_24H, 120.0); // 50 + 50/100 × 70 = 85
        c.put(Item.O3_8H, 120.0); // 67
        c.put(Item.SO2_24H, 10.0); // 10
        c.put(Item.NO2_24H, 30.0); // 37.5 → 38
        c.put(Item.CO_24H, 1.0); // 25
        Aqi.Result r = Aqi.compute(c);
        assertThat(r.aqi()).isEqualTo(107);
        assertThat(r.category()).isEqualTo("轻度污染");
        assertThat(r.primaryPollutants()).containsExactly("PM2_5");
        assertThat(r.overStandard()).containsExactly("PM2_5");
        assertThat(r.iaqi()).containsEntry(Item.NO2_24H, 38).containsEntry(Item.PM10_24H, 85);
    }

    @Test
    void tiedPollutantsAreAllPrimary() {
        Aqi.Result r = Aqi.compute(Map.of(Item.PM2_5_24H, 75.0, Item.PM10_24H, 150.0, Item.SO2_24H, 20.0));
        assertThat(r.aqi()).isEqualTo(100);
        assertThat(r.category()).isEqualTo("良");
        assertThat(r.primaryPollutants()).containsExactlyInAnyOrder("PM2_5", "PM10");
        assertThat(r.overStandard()).isEmpty();
    }

    @Test
    void noPrimaryPollutantAtOrBelowFifty() {
        Aqi.Result r = Aqi.compute(Map.of(Item.PM2_5_24H, 35.0, Item.PM10_24H, 20.0));
        assertThat(r.aqi()).isEqualTo(50);
        assertThat(r.category()).isEqualTo("优");
        assertThat(r.primaryPollutants()).isEmpty();
        Aqi.Result r51 = Aqi.compute(Map.of(Item.PM2_5_24H, 35.1));
        assertThat(r51.primaryPollutants()).containsExactly("PM2_5");
    }

    @ParameterizedTest(name = "AQI {0} is {1}")
    @CsvSource({
        "0, 优",
        "50, 优",
        "51, 良",
        "100, 良",
        "101, 轻度污染",
        "150, 轻度污染",
        "151, 中度污染",
        "200, 中度污染",
        "201, 重度污染",
        "300, 重度污染",
        "301, 严重污染",
        "500, 严重污染"
    })
    void categoryBoundaries(int aqi, String category) {
        assertThat(Aqi.category(aqi)).isEqualTo(category);
    }
}
