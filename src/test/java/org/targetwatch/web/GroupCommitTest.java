package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Group commit through the real server with one ingest transaction at a time (TARGETWATCH_INGEST_CONCURRENCY=1),
 * so that concurrent requests wait and are committed together: each request is still answered as if alone.
 */
class GroupCommitTest {
    private static TestServer server;
    private static String officer;

    @BeforeAll
    static void start() {
        server = new TestServer(Map.of("TARGETWATCH_INGEST_CONCURRENCY", "1"));
        officer = server.token("officer");
        String[] ids = new String[30];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "gc-" + i;
        }
        server.register("district", ids);
        server.register("district", "gc-same");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static double metric(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.E]+)$").matcher(body);
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * Thirty requests at once: every third about an unknown subject (422 alone, nothing of it stored), the others
     * debt ratios above (150 %) or below (50 %) the 100 % warning line. Each 201 counts only its own reading and
     * lists only the alerts about its own district, and at least one transaction held several requests.
     */
    @Test
    void concurrentRequestsShareTransactionsButAreAnsweredAlone() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String subject = i % 3 == 0 ? "gc-unknown-" + i : "gc-" + i;
            double value = i % 2 == 0 ? 150 : 50;
            bodies.add(reading("DEBT_RATIO", subject, "2023-06-30T00:00:00+08:00", value, "%")
                    .encode());
        }
        List<Response> responses = server.postConcurrently("/api/v1/readings", officer, bodies, 30);
        for (int i = 0; i < 30; i++) {
            Response r = responses.get(i);
            if (i % 3 == 0) {
                assertThat(r.status()).as(r.body()).isEqualTo(422);
                assertThat(r.json().getString("field")).isEqualTo("subject");
                assertThat(r.json().getString("message")).contains("gc-unknown-" + i);
                assertThat(server.get("/api/v1/readings?subject=gc-unknown-" + i, officer)
                                .array("readings"))
                        .isEmpty();
                continue;
            }
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            JsonObject result = r.json();
            assertThat(result.getInteger("accepted")).isEqualTo(1);
            assertThat(result.getInteger("stored")).isEqualTo(1);
            JsonArray alerts = result.getJsonArray("alerts");
            if (i % 2 == 0) {
                assertThat(alerts).isNotEmpty();
                assertThat(alerts)
                        .extracting(o -> ((JsonObject) o).getString("subject"))
                        .containsOnly("gc-" + i);
            } else {
                assertThat(alerts).isEmpty();
            }
            assertThat(server.get("/api/v1/readings?subject=gc-" + i, officer).array("readings"))
                    .hasSize(1);
        }
        String metrics = server.get("/metrics", null).body();
        double transactions = metric(metrics, "targetwatch_ingest_group_requests_count");
        double requests = metric(metrics, "targetwatch_ingest_group_requests_sum");
        assertThat(requests).isGreaterThanOrEqualTo(30);
        assertThat(transactions)
                .as("some transaction committed several requests")
                .isLessThan(requests);
        assertThat(metric(metrics, "targetwatch_ingest_waiting"))
                .as("nothing left waiting")
                .isZero();
    }

    /**
     * Ten requests about one subject and key at once, each with another value: never grouped (one transaction
     * would hold one key twice and fail), each is stored as the next revision, none fails.
     */
    @Test
    void requestsAboutOneSubjectAreNeverGrouped() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            bodies.add(reading("DEBT_RATIO", "gc-same", "2023-06-30T00:00:00+08:00", 60 + i, "%")
                    .encode());
        }
        for (Response r : server.postConcurrently("/api/v1/readings", officer, bodies, 10)) {
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().getInteger("stored")).isEqualTo(1);
        }
        assertThat(metric(server.get("/metrics", null).body(), "targetwatch_ingest_group_retries_total"))
                .as("no group failed (as one holding a key twice would) and was retried")
                .isZero();
        JsonArray all = server.get("/api/v1/readings?subject=gc-same&revisions=all", officer)
                .array("readings");
        assertThat(all)
                .extracting(o -> ((JsonObject) o).getInteger("revision"))
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }
}
