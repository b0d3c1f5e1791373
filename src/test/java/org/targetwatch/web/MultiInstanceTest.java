package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.SseClient;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * Three server instances on one database, driven concurrently with the same readings: each reading is stored and
 * evaluated once, each fingerprint has one alert, and an SSE client of one instance sees alerts of all of them.
 */
class MultiInstanceTest {

    @Test
    void threeInstancesOnOneDatabaseStayCorrect() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer a = new TestServer(db, Map.of());
                TestServer b = new TestServer(db, Map.of());
                TestServer c = new TestServer(db, Map.of())) {
            String officer = a.token("officer");
            String risk = a.token("risk-office");
            List<String> stations = List.of("mi-1", "mi-2", "mi-3", "mi-4", "mi-5");
            a.register("air-station", stations.toArray(new String[0]));
            long start = TestDatabase.scalar(db, "SELECT coalesce(max(id), 0) FROM alert_events");
            try (SseClient sse = new SseClient(c.uri("/api/v1/alerts/stream?category=air"), risk, start)) {
                List<TestServer> servers = List.of(a, b, c);
                ExecutorService pool = Executors.newFixedThreadPool(6);
                List<Future<Integer>> results = new ArrayList<>();
                for (int s = 0; s < servers.size(); s++) {
                    TestServer server = servers.get(s);
                    List<JsonObject> all = new ArrayList<>();
                    for (String st : stations) {
                        for (int h = 0; h < 24; h++) {
                            all.add(reading("PM2_5", st, String.format("2023-09-01T%02d:00:00+08:00", h), 80, "ug/m3"));
                        }
                    }
                    Collections.shuffle(all, new Random(s));
                    for (int half = 0; half < 2; half++) {
                        List<JsonObject> part = all.subList(half * 60, half * 60 + 60);
                        results.add(pool.submit(() -> {
                            int ok = 0;
                            for (JsonObject r : part) {
                                ok += server.post("/api/v1/readings", officer, r.encode())
                                                        .status()
                                                == 201
                                        ? 1
                                        : 0;
                            }
                            return ok;
                        }));
                    }
                }
                int accepted = 0;
                for (Future<Integer> f : results) {
                    accepted += f.get();
                }
                pool.shutdown();
                assertThat(accepted).isEqualTo(360);

                assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM readings"))
                        .isEqualTo(120);
                JsonArray alerts = b.get("/api/v1/alerts?category=air", risk).array("alerts");
                assertThat(alerts).hasSize(5);
                assertThat(alerts)
                        .allSatisfy(o -> assertThat(((JsonObject) o).getJsonArray("readingIds"))
                                .hasSize(24));
                assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM alert_events WHERE kind = 'opened'"))
                        .isEqualTo(5);
                assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM rule_hits WHERE caused = 'opened'"))
                        .isEqualTo(5);

                Instant until = Instant.now().plus(Duration.ofSeconds(15));
                while (sse.events.size() < 5 && Instant.now().isBefore(until)) {
                    Thread.sleep(20);
                }
                assertThat(sse.kinds()).containsExactly("opened", "opened", "opened", "opened", "opened");
            }
        }
    }

    /**
     * Servers trust a token lookup for TokenStore.CACHE_TTL: a token revoked through one server is refused by it at
     * once and by another server (which had just used it) within that time, never later.
     */
    @Test
    void tokenRevokedOnOneInstanceIsRefusedByTheOtherWithinTheCacheTime() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer a = new TestServer(db, Map.of());
                TestServer b = new TestServer(db, Map.of())) {
            io.vertx.core.json.JsonObject created = a.post(
                            "/api/v1/tokens",
                            TestServer.ADMIN_TOKEN,
                            new JsonObject()
                                    .put("name", "revoked elsewhere")
                                    .put("role", "risk-office")
                                    .encode())
                    .json();
            String secret = created.getString("token");
            assertThat(b.get("/api/v1/alerts", secret).status()).isEqualTo(200);
            assertThat(a.get("/api/v1/alerts", secret).status()).isEqualTo(200);
            assertThat(a.delete("/api/v1/tokens/" + created.getLong("id"), TestServer.ADMIN_TOKEN)
                            .status())
                    .isEqualTo(204);
            long revokedAt = System.nanoTime();
            assertThat(a.get("/api/v1/alerts", secret).status()).isEqualTo(401);
            long deadline = revokedAt + org.targetwatch.store.TokenStore.CACHE_TTL.toNanos() + 1_000_000_000L;
            int status;
            do {
                Thread.sleep(200);
                status = b.get("/api/v1/alerts", secret).status();
            } while (status == 200 && System.nanoTime() < deadline);
            assertThat(status).isEqualTo(401);
        }
    }
}
