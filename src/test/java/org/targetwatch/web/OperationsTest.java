package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** Metrics, health, and graceful shutdown: everything acknowledged is stored. */
class OperationsTest {

    @Test
    void metricsAndHealthAreServed() {
        try (TestServer server = new TestServer()) {
            server.register("air-station", "op-1");
            server.post(
                    "/api/v1/readings",
                    server.token("officer"),
                    hourlyPm25("op-1", "2023-03-01", 24, 80).encode());
            Response metrics = server.get("/metrics", null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("targetwatch_readings_stored_total 24.0")
                    .contains("targetwatch_rule_evaluation_seconds")
                    .contains("vertx_http_server_requests_total")
                    .contains("vertx_pool_in_use")
                    .contains("targetwatch_outbox_backlog")
                    .contains("targetwatch_alerts_active");
            assertThat(server.get("/health/live", null).json().getString("status"))
                    .isEqualTo("UP");
            Response ready = server.get("/health/ready", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().getString("database")).isEqualTo("UP");
            assertThat(ready.json().getString("rulesetVersion")).hasSize(16);
        }
    }

    @Test
    void shutdownFinishesRequestsInFlightAndEveryAcknowledgedReadingIsStored() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        TestServer server = new TestServer(db, Map.of());
        server.register("air-station", "op-2");
        String officer = server.token("officer");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> posts = new ArrayList<>();
        for (int d = 1; d <= 40; d++) {
            String date = d <= 28 ? String.format("2023-04-%02d", d) : String.format("2023-05-%02d", d - 28);
            posts.add(pool.submit(() -> {
                try {
                    return server.post(
                                    "/api/v1/readings",
                                    officer,
                                    hourlyPm25("op-2", date, 24, 50).encode())
                            .status();
                } catch (RuntimeException e) {
                    return -1; // the connection was refused or closed: not acknowledged
                }
            }));
        }
        Thread.sleep(150);
        server.close();
        int acknowledged = 0;
        for (Future<Integer> f : posts) {
            int status = f.get();
            assertThat(status).isIn(201, 503, -1);
            acknowledged += status == 201 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(acknowledged).isPositive();
        long stored = TestDatabase.scalar(db, "SELECT count(*) FROM readings");
        assertThat(stored).isGreaterThanOrEqualTo(acknowledged * 24L); // nothing acknowledged is lost
        assertThat(stored % 24).isZero(); // and no request is half stored
    }
}
