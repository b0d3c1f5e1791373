package org.targetwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.targetwatch.facts.Silence;

/** A recurring maintenance window: Mondays 02:00–04:00 Asia/Shanghai, within the silence's dates. */
class SilenceWindowTest {
    private static final Silence MONDAY_NIGHTS = new Silence(
            1,
            Map.of("subject", List.of("st-1")),
            Instant.parse("2024-04-01T00:00:00Z"),
            Instant.parse("2024-06-01T00:00:00Z"),
            Set.of(1),
            LocalTime.of(2, 0),
            LocalTime.of(4, 0),
            "sup",
            "weekly calibration",
            null);

    @Test
    void activeOnlyInsideItsWeeklyWindow() {
        // 2024-05-06 is a Monday; 02:00 Shanghai = 18:00 UTC the day before
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-05-05T17:59:59Z")))
                .isFalse();
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-05-05T18:00:00Z")))
                .isTrue();
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-05-05T19:59:59Z")))
                .isTrue();
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-05-05T20:00:00Z")))
                .isFalse();
        // Tuesday at 03:00 Shanghai
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-05-06T19:00:00Z")))
                .isFalse();
        // a Monday after the silence ended
        assertThat(MONDAY_NIGHTS.activeAt(Instant.parse("2024-06-02T19:00:00Z")))
                .isFalse();
    }

    @Test
    void matchesOnlyItsSubjects() {
        assertThat(MONDAY_NIGHTS.matches(new JsonObject().put("subject", "st-1").put("category", "air")))
                .isTrue();
        assertThat(MONDAY_NIGHTS.matches(new JsonObject().put("subject", "st-2").put("category", "air")))
                .isFalse();
    }

    @Test
    void expiredEarlyIsNoLongerActive() {
        Silence expired = new Silence(
                1,
                Map.of(),
                Instant.parse("2024-04-01T00:00:00Z"),
                Instant.parse("2024-06-01T00:00:00Z"),
                Set.of(),
                null,
                null,
                "sup",
                "r",
                Instant.parse("2024-05-01T00:00:00Z"));
        assertThat(expired.activeAt(Instant.parse("2024-04-30T23:59:59Z"))).isTrue();
        assertThat(expired.activeAt(Instant.parse("2024-05-01T00:00:00Z"))).isFalse();
    }
}
