package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.alerts.Delivery;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.WebhookReceiver;

/** Webhooks through the transactional outbox, to a real HTTP receiver: signed, retried, never lost. */
class WebhookDeliveryTest {
    private static final String SECRET = "webhook-secret-0123456789";
    private WebhookReceiver receiver;
    private Path routing;
    private Map<String, String> env;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        receiver = new WebhookReceiver();
        routing = dir.resolve("routing.json");
        Files.writeString(
                routing,
                new JsonObject()
                        .put(
                                "offices",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("id", "air-office")
                                                .put("name", "大气办")
                                                .put(
                                                        "match",
                                                        new JsonObject().put("category", new JsonArray().add("air")))
                                                .put(
                                                        "receivers",
                                                        new JsonArray().add(receiver.asReceiver("hook", SECRET))))
                                        .add(new JsonObject()
                                                .put("id", "debt-office")
                                                .put("name", "债务办")
                                                .put(
                                                        "match",
                                                        new JsonObject().put("category", new JsonArray().add("debt")))
                                                .put("receivers", new JsonArray())))
                        .encode());
        env = Map.of(
                "TARGETWATCH_ROUTING_FILE",
                routing.toString(),
                "TARGETWATCH_DELIVERY_POLL_MILLIS",
                "50",
                "TARGETWATCH_DELIVERY_BACKOFF_MILLIS",
                "50");
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @Test
    void openAndAcknowledgeAreDeliveredSignedWithAnIdempotencyKey() throws Exception {
        try (TestServer server = new TestServer(env)) {
            server.register("air-station", "wh-1");
            JsonObject alert = server.post(
                            "/api/v1/readings",
                            server.token("officer"),
                            hourlyPm25("wh-1", "2023-03-01", 24, 80).encode())
                    .array("alerts")
                    .getJsonObject(0);
            await(() -> receiver.delivered().size() == 1, "the open notification");
            WebhookReceiver.Received got = receiver.delivered().get(0);
            assertThat(got.header("X-TargetWatch-Signature"))
                    .isEqualTo("sha256=" + Delivery.sign(SECRET, got.body().getBytes(StandardCharsets.UTF_8)));
            JsonObject payload = new JsonObject(got.body());
            assertThat(got.header("Idempotency-Key")).isEqualTo(payload.getString("idempotencyKey"));
            assertThat(payload.getJsonObject("event").getString("kind")).isEqualTo("opened");
            JsonObject a = payload.getJsonObject("alert");
            assertThat(a.getLong("id")).isEqualTo(alert.getLong("id"));
            assertThat(a.getString("fingerprint")).isEqualTo(alert.getString("fingerprint"));
            assertThat(a.getString("status")).isEqualTo("open");
            assertThat(a.getString("severity")).isEqualTo("warning");
            assertThat(a.getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
            assertThat(a.getString("provenance")).contains("GB 3095-2012");
            assertThat(a.getDouble("value")).isEqualTo(80.0);
            assertThat(payload.getJsonObject("links").getString("alert"))
                    .isEqualTo("/api/v1/alerts/" + a.getLong("id"));

            server.post(
                    "/api/v1/alerts/" + a.getLong("id") + "/ack",
                    server.token("risk-office"),
                    new JsonObject().put("comment", "on it").encode());
            await(() -> receiver.delivered().size() == 2, "the acknowledgement");
            JsonObject ack = new JsonObject(receiver.delivered().get(1).body());
            assertThat(ack.getJsonObject("event").getString("kind")).isEqualTo("acknowledged");
            assertThat(ack.getJsonObject("event").getString("comment")).isEqualTo("on it");
            assertThat(ack.getString("idempotencyKey")).isNotEqualTo(payload.getString("idempotencyKey"));
        }
    }

    @Test
    void failedDeliveriesAreRetriedUntilTheReceiverAccepts() throws Exception {
        receiver.failFirst(3);
        try (TestServer server = new TestServer(env)) {
            server.register("air-station", "wh-2");
            long id = server.post(
                            "/api/v1/readings",
                            server.token("officer"),
                            hourlyPm25("wh-2", "2023-03-01", 24, 80).encode())
                    .array("alerts")
                    .getJsonObject(0)
                    .getLong("id");
            await(() -> receiver.delivered().size() == 1, "delivery after three failures");
            assertThat(receiver.requests).hasSize(4);
            List<String> keys = receiver.requests.stream()
                    .map(r -> r.header("Idempotency-Key"))
                    .distinct()
                    .toList();
            assertThat(keys).hasSize(1);
            await(
                    () -> server.get("/api/v1/alerts/" + id + "/deliveries", server.token("risk-office"))
                                    .array("deliveries")
                                    .getJsonObject(0)
                                    .getString("deliveredAt")
                            != null,
                    "the delivery log");
            JsonObject log = server.get("/api/v1/alerts/" + id + "/deliveries", server.token("risk-office"))
                    .array("deliveries")
                    .getJsonObject(0);
            assertThat(log.getInteger("attempts")).isEqualTo(4);
            assertThat(log.getInteger("lastStatus")).isEqualTo(200);
            assertThat(log.getString("event")).isEqualTo("opened");
            assertThat(log.getString("receiver")).isEqualTo("hook");
        }
    }

    @Test
    void notificationsCommittedWhileTheReceiverIsDownSurviveAServerRestart() throws Exception {
        receiver.stop();
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer first = new TestServer(db, env)) {
            first.register("air-station", "wh-3");
            first.post(
                    "/api/v1/readings",
                    first.token("officer"),
                    hourlyPm25("wh-3", "2023-03-01", 24, 80).encode());
            first.post(
                    "/api/v1/readings",
                    first.token("officer"),
                    hourlyPm25("wh-3", "2023-03-02", 24, 90).encode());
            Thread.sleep(300); // a few failed attempts
            assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"))
                    .isEqualTo(2);
            assertThat(TestDatabase.scalar(db, "SELECT max(attempts) FROM outbox"))
                    .isPositive();
        }
        receiver.restart();
        try (TestServer second = new TestServer(db, env)) {
            await(
                    () -> TestDatabase.scalar(db, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL") == 0,
                    "both notifications marked delivered after the restart");
            assertThat(receiver.delivered()).hasSize(2);
        }
    }

    @Test
    void alertsOfOtherOfficesAreNotSentToThisReceiver() throws Exception {
        try (TestServer server = new TestServer(env)) {
            server.register("district", "wh-debt");
            server.post(
                    "/api/v1/readings",
                    server.token("officer"),
                    new JsonObject()
                            .put("indicator", "DEBT_RATIO")
                            .put("subject", "wh-debt")
                            .put("observedAt", "2023-06-30T00:00:00+08:00")
                            .put("value", 150)
                            .put("unit", "%")
                            .encode());
            Thread.sleep(300);
            assertThat(receiver.requests).isEmpty();
            assertThat(server.count("outbox")).isZero();
        }
    }
}
