package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.SseClient;
import org.targetwatch.support.TestServer;

/**
 * Two instances on one database: a stream whose token is revoked ends at once on the instance that revoked it and
 * within 5 s on the other, and delivers nothing after that; a reconnect with the token gets 401.
 */
class StreamRevocationTest {
    @Test
    void streamsEndWhenTheirTokenIsRevoked() throws Exception {
        try (TestServer a = new TestServer();
                TestServer b = new TestServer(a.dbUrl, Map.of())) {
            String officer = a.token("officer");
            a.register("district", "rv-d");
            JsonObject created = a.post(
                            "/api/v1/tokens",
                            TestServer.ADMIN_TOKEN,
                            new JsonObject()
                                    .put("name", "风险办")
                                    .put("role", "risk-office")
                                    .encode())
                    .json();
            String risk = created.getString("token");
            String other = a.token("supervisor");
            try (SseClient onA = new SseClient(a.uri("/api/v1/alerts/stream"), risk, null);
                    SseClient onB = new SseClient(b.uri("/api/v1/alerts/stream"), risk, null);
                    SseClient untouched = new SseClient(b.uri("/api/v1/alerts/stream"), other, null)) {
                Thread.sleep(1500);
                assertThat(onA.status()).isEqualTo(200);
                assertThat(onB.status()).isEqualTo(200);
                long t0 = System.nanoTime();
                assertThat(a.delete("/api/v1/tokens/" + created.getLong("id"), TestServer.ADMIN_TOKEN)
                                .status())
                        .isEqualTo(204);
                onA.ended.get(1, TimeUnit.SECONDS);
                assertThat(onA.kinds()).containsExactly("revoked");
                onB.ended.get(5, TimeUnit.SECONDS);
                assertThat((System.nanoTime() - t0) / 1_000_000)
                        .as("within 5 s on the other instance")
                        .isLessThan(5000);
                assertThat(onB.kinds()).containsExactly("revoked");

                a.ingest(officer, reading("DEBT_RATIO", "rv-d", "2023-01-31T00:00:00+08:00", 110, "%"));
                long until = System.nanoTime() + 5_000_000_000L;
                while (untouched.events.isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                assertThat(untouched.kinds())
                        .as("a stream of a valid token goes on")
                        .contains("opened");
                assertThat(onA.kinds()).containsExactly("revoked");
                assertThat(onB.kinds()).containsExactly("revoked");
            }
            Thread.sleep(5100); // past the token cache
            try (SseClient again = new SseClient(b.uri("/api/v1/alerts/stream"), risk, null)) {
                again.ended.get(5, TimeUnit.SECONDS);
                assertThat(again.status()).isEqualTo(401);
            }
        }
    }
}
