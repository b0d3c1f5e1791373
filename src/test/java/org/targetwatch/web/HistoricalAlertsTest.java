package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.WebhookReceiver;

/**
 * Back-filled history floods no one (liveWindowHours, default 48): an alert whose period ended more than that ago is
 * recorded as historical, resolved as the data says, and never notified; a series back-filled from the past raises
 * no no-data alert, while one reported live does.
 */
class HistoricalAlertsTest {

    @Test
    void historicalAlertsAreRecordedNotNotifiedAndBackfillRaisesNoNoData(@TempDir Path dir) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Path routing = receiver.airOfficeRouting(dir.resolve("routing.json"), "webhook-secret-0123456789");
            Map<String, String> env = Map.of(
                    "TARGETWATCH_ROUTING_FILE", routing.toString(),
                    "TARGETWATCH_DELIVERY_POLL_MILLIS", "50",
                    "TARGETWATCH_WATCH_POLL_MILLIS", "100",
                    "TARGETWATCH_LIVE_WINDOW_HOURS", "48");
            try (TestServer server = new TestServer(env)) {
                Instant now = Instant.parse("2023-03-05T04:00:00Z"); // 12:00 in Beijing
                server.clock.set(now);
                server.register("air-station", "hist-old", "hist-live");
                String officer = server.token("officer");
                String risk = server.token("risk-office");

                // 2023-03-01 ended on 03-02 00:00, more than 48 h ago: historical
                JsonObject old = server.ingest(officer, hourlyPm25("hist-old", "2023-03-01", 24, 80))
                        .array("alerts")
                        .getJsonObject(0);
                assertThat(old.getBoolean("historical")).isTrue();
                assertThat(old.getString("status")).isEqualTo("open");
                // 2023-03-04 ended 12 hours ago: live
                JsonObject live = server.ingest(officer, hourlyPm25("hist-live", "2023-03-04", 24, 80))
                        .array("alerts")
                        .getJsonObject(0);
                assertThat(live.getBoolean("historical")).isFalse();

                await(() -> receiver.delivered().size() == 1, "the live alert's notification");
                Thread.sleep(500);
                assertThat(receiver.delivered()).hasSize(1);
                JsonObject sent = new JsonObject(receiver.delivered().get(0).body());
                assertThat(sent.getJsonObject("alert").getString("subject")).isEqualTo("hist-live");

                // the historical alert is there with its history, and is resolved as the data says, unnotified
                JsonObject stored =
                        server.get("/api/v1/alerts/" + old.getLong("id"), risk).json();
                assertThat(stored.getBoolean("historical")).isTrue();
                assertThat(server.get("/api/v1/alerts/" + old.getLong("id") + "/history", risk)
                                .array("history"))
                        .isNotEmpty();
                JsonObject resolved = server.ingest(officer, hourlyPm25("hist-old", "2023-03-01", 24, 30))
                        .array("alerts")
                        .getJsonObject(0);
                assertThat(resolved.getString("status")).isEqualTo("resolved");
                Thread.sleep(500);
                assertThat(receiver.delivered()).hasSize(1);

                // four hours on: the live station is overdue, the back-filled one is not
                server.clock.set(now.plus(Duration.ofHours(4)));
                server.ingest(officer, hourlyPm25("hist-live", "2023-03-05", 12, 30)); // its last hour 11:00
                server.clock.set(now.plus(Duration.ofHours(8)));
                await(
                        () -> server.get("/api/v1/alerts?subject=hist-live", risk).array("alerts").stream()
                                .anyMatch(a -> "system.no-data".equals(((JsonObject) a).getString("rule"))),
                        "the live station's no-data alert");
                Thread.sleep(300);
                assertThat(server.get("/api/v1/alerts?subject=hist-old", risk).array("alerts").stream()
                                .noneMatch(a -> "system.no-data".equals(((JsonObject) a).getString("rule"))))
                        .as("no no-data alert for back-filled history")
                        .isTrue();
            }
        }
    }
}
