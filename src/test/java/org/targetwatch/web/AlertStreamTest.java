package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.SseClient;

/** The SSE alert stream: live events, matchers, and resuming with Last-Event-ID without gaps. */
class AlertStreamTest extends ServerTest {

    @BeforeAll
    static void start() {
        server.register("air-station", "ss-1", "ss-2");
        server.register("district", "ss-debt");
    }

    private static void debt(String at, double v) {
        server.ingest(officer, reading("DEBT_RATIO", "ss-debt", at, v, "%"));
    }

    @Test
    void clientSeesOpenAndResolveAndResumesAfterReconnectWithoutGaps() throws Exception {
        long first;
        long start = org.targetwatch.support.TestDatabase.scalar(
                server.dbUrl, "SELECT coalesce(max(id), 0) FROM alert_events");
        try (SseClient sse = new SseClient(server.uri("/api/v1/alerts/stream?category=debt"), risk, start)) {
            debt("2023-01-31T00:00:00+08:00", 110);
            debt("2023-01-31T06:00:00+08:00", 90);
            await(() -> sse.events.size() == 2, "opened and resolved");
            assertThat(sse.kinds()).containsExactly("opened", "resolved");
            JsonObject opened = sse.events.get(0).data();
            assertThat(opened.getJsonObject("alert").getString("rule")).isEqualTo("debt.ratio-over-warning-line");
            assertThat(opened.getJsonObject("event").getString("to")).isEqualTo("open");
            assertThat(sse.events.get(1).data().getJsonObject("alert").getDouble("clearingValue"))
                    .isEqualTo(90.0);
            first = sse.lastId();
        }
        // while disconnected: three more events, and an air alert the debt matcher must not deliver
        debt("2023-02-28T00:00:00+08:00", 120);
        server.post(
                "/api/v1/readings",
                officer,
                hourlyPm25("ss-1", "2023-02-28", 24, 90).encode());
        debt("2023-02-28T06:00:00+08:00", 80);
        debt("2023-03-31T00:00:00+08:00", 101);
        try (SseClient again = new SseClient(server.uri("/api/v1/alerts/stream?category=debt"), risk, first)) {
            await(() -> again.events.size() == 3, "the three missed debt events");
            assertThat(again.kinds()).containsExactly("opened", "resolved", "opened");
            List<Long> ids = again.events.stream().map(SseClient.Event::id).toList();
            assertThat(ids).isSorted().allSatisfy(id -> assertThat(id).isGreaterThan(first));
            assertThat(again.events)
                    .allSatisfy(e -> assertThat(e.data().getJsonObject("alert").getString("category"))
                            .isEqualTo("debt"));
            Thread.sleep(400);
            assertThat(again.events).hasSize(3);
        }
    }

    @Test
    void streamNeedsARoleThatReadsAlerts() {
        assertThat(server.get("/api/v1/alerts/stream", officer).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/alerts/stream", null).status()).isEqualTo(401);
    }
}
