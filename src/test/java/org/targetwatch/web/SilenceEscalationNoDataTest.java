package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;
import org.targetwatch.support.WebhookReceiver;

/** Silences, escalation of unacknowledged alerts and missing-data alerts, with a controllable clock. */
class SilenceEscalationNoDataTest {
    private static WebhookReceiver receiver;
    private static TestServer server;
    private static String officer;
    private static String risk;
    private static String supervisor;

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
        Path routing = Files.createTempFile("routing", ".json");
        Files.writeString(
                routing,
                new JsonObject()
                        .put(
                                "offices",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("id", "risk")
                                                .put("match", new JsonObject())
                                                .put(
                                                        "receivers",
                                                        new JsonArray()
                                                                .add(receiver.asReceiver(
                                                                        "risk-hook", "risk-secret-0123456789")))
                                                .put(
                                                        "escalation",
                                                        new JsonArray()
                                                                .add(new JsonObject()
                                                                        .put("severity", "critical")
                                                                        .put("afterMinutes", 30)
                                                                        .put("to", "supervisors"))))
                                        .add(new JsonObject()
                                                .put("id", "supervisors")
                                                .put(
                                                        "match",
                                                        new JsonObject().put("category", new JsonArray().add("none")))
                                                .put(
                                                        "receivers",
                                                        new JsonArray()
                                                                .add(receiver.asReceiver(
                                                                        "sup-hook", "sup-secret-0123456789")))))
                        .encode());
        server = new TestServer(Map.of(
                "TARGETWATCH_ROUTING_FILE",
                routing.toString(),
                "TARGETWATCH_DELIVERY_POLL_MILLIS",
                "50",
                "TARGETWATCH_WATCH_POLL_MILLIS",
                "50",
                "TARGETWATCH_MAX_ALERTS_PER_RULE",
                "3"));
        officer = server.token("officer");
        risk = server.token("risk-office");
        supervisor = server.token("supervisor");
        server.register(
                "district",
                "se-quiet",
                "se-loud",
                "se-esc",
                "se-acked",
                "g1",
                "g2",
                "g3",
                "g4",
                "g5",
                "se-pv-a",
                "se-pv-b");
        server.register("air-station", "nd-1", "nd-maint");
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    @BeforeEach
    void realTime() {
        server.clock.reset();
    }

    private static Response silence(JsonObject body, String token) {
        return server.post("/api/v1/silences", token, body.encode());
    }

    private static long notificationsFor(String subject) {
        return receiver.requests.stream()
                .filter(r -> new JsonObject(r.body())
                        .getJsonObject("alert")
                        .getString("subject")
                        .equals(subject))
                .count();
    }

    @Test
    void silencedAlertIsRecordedButNotNotified() throws Exception {
        Instant now = Instant.now();
        Response s = silence(
                new JsonObject()
                        .put("matchers", new JsonObject().put("subject", new JsonArray().add("se-quiet")))
                        .put("startsAt", now.minusSeconds(60).toString())
                        .put("endsAt", now.plusSeconds(3600).toString())
                        .put("reason", "监测站校准 / calibration"),
                supervisor);
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        assertThat(s.json().getBoolean("activeNow")).isTrue();
        assertThat(s.json().getString("createdBy")).contains("supervisor");

        String body = reading("DEBT_RATIO", "se-quiet", "2023-06-30T00:00:00+08:00", 150, "%")
                .encode();
        assertThat(server.post("/api/v1/readings", officer, body).array("alerts"))
                .hasSize(1);
        server.post(
                "/api/v1/readings",
                officer,
                reading("DEBT_RATIO", "se-loud", "2023-06-30T00:00:00+08:00", 150, "%")
                        .encode());
        await(() -> notificationsFor("se-loud") == 1, "the unsilenced alert");
        Thread.sleep(200);
        assertThat(notificationsFor("se-quiet")).isZero();
        assertThat(server.get("/api/v1/alerts?subject=se-quiet", risk).array("alerts"))
                .hasSize(1);

        long id = s.json().getLong("id");
        Response expired = server.post("/api/v1/silences/" + id + "/expire", supervisor, "{}");
        assertThat(expired.status()).isEqualTo(200);
        assertThat(expired.json().getBoolean("activeNow")).isFalse();
        assertThat(expired.json().getString("expiredAt")).isNotNull();
        JsonObject listed = server.get("/api/v1/silences", risk).array("silences").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getLong("id") == id)
                .findFirst()
                .orElseThrow();
        assertThat(listed.getString("reason")).isEqualTo("监测站校准 / calibration");
    }

    /** The preview lists the unresolved alerts the matchers match, every matcher at once, and stores nothing. */
    @Test
    void previewShowsTheUnresolvedAlertsASilenceWouldMatch() {
        for (String s : new String[] {"se-pv-a", "se-pv-b"}) {
            server.post(
                    "/api/v1/readings",
                    officer,
                    reading("DEBT_RATIO", s, "2023-06-30T00:00:00+08:00", 150, "%")
                            .encode());
        }
        long silencesBefore = server.count("silences");
        Response both = server.post(
                "/api/v1/silences/preview",
                supervisor,
                new JsonObject()
                        .put(
                                "matchers",
                                new JsonObject()
                                        .put(
                                                "subject",
                                                new JsonArray().add("se-pv-a").add("se-pv-b")))
                        .encode());
        assertThat(both.status()).as(both.body()).isEqualTo(200);
        assertThat(both.json().getLong("total")).isEqualTo(2);
        Response one = server.post(
                "/api/v1/silences/preview",
                supervisor,
                new JsonObject()
                        .put(
                                "matchers",
                                new JsonObject()
                                        .put(
                                                "subject",
                                                new JsonArray().add("se-pv-a").add("se-pv-b"))
                                        .put("rule", new JsonArray().add("debt.ratio-over-warning-line"))
                                        .put("severity", new JsonArray().add("critical")))
                        .encode());
        assertThat(one.json().getLong("total")).isZero(); // the debt alerts are major, not critical
        Response bad = server.post(
                "/api/v1/silences/preview",
                supervisor,
                new JsonObject()
                        .put("matchers", new JsonObject().put("colour", new JsonArray().add("red")))
                        .encode());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().getString("field")).isEqualTo("matchers.colour");
        assertThat(server.post("/api/v1/silences/preview", risk, "{\"matchers\": {\"rule\": [\"x\"]}}")
                        .status())
                .isEqualTo(403);
        assertThat(server.count("silences")).isEqualTo(silencesBefore);
    }

    @Test
    void silenceNeedsAReasonMatchersAndASupervisor() {
        Instant now = Instant.now();
        JsonObject ok = new JsonObject()
                .put("matchers", new JsonObject().put("subject", new JsonArray().add("x")))
                .put("endsAt", now.plusSeconds(60).toString())
                .put("reason", "r");
        assertThat(silence(ok, risk).status()).isEqualTo(403);
        Response noReason = silence(ok.copy().put("reason", " "), supervisor);
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().getString("field")).isEqualTo("reason");
        Response noMatchers = silence(ok.copy().put("matchers", new JsonObject()), supervisor);
        assertThat(noMatchers.json().getString("field")).isEqualTo("matchers");
        Response backwards = silence(
                ok.copy()
                        .put("startsAt", now.toString())
                        .put("endsAt", now.minusSeconds(60).toString()),
                supervisor);
        assertThat(backwards.json().getString("field")).isEqualTo("endsAt");
        assertThat(server.post("/api/v1/silences/999999/expire", supervisor, "{}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void unacknowledgedCriticalAlertEscalatesAfterItsDeadline() throws Exception {
        Instant t0 = Instant.now();
        server.clock.set(t0);
        long esc = server.post(
                        "/api/v1/readings",
                        officer,
                        reading("SAFETY_MAJOR_ACCIDENTS", "se-esc", "2023-07-31T00:00:00+08:00", 1, "count")
                                .encode())
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        long acked = server.post(
                        "/api/v1/readings",
                        officer,
                        reading("SAFETY_MAJOR_ACCIDENTS", "se-acked", "2023-07-31T00:00:00+08:00", 1, "count")
                                .encode())
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        server.post(
                "/api/v1/alerts/" + acked + "/ack",
                risk,
                new JsonObject().put("comment", "处理中").encode());
        server.clock.set(t0.plus(Duration.ofMinutes(29)));
        Thread.sleep(300);
        assertThat(server.get("/api/v1/alerts/" + esc, risk).json().getInteger("escalationLevel"))
                .isZero();
        server.clock.set(t0.plus(Duration.ofMinutes(31)));
        await(
                () -> server.get("/api/v1/alerts/" + esc, risk).json().getInteger("escalationLevel") == 1,
                "the escalation");
        JsonArray history =
                server.get("/api/v1/alerts/" + esc + "/history", risk).array("history");
        JsonObject escalated = history.getJsonObject(history.size() - 1);
        assertThat(escalated.getString("kind")).isEqualTo("escalated");
        assertThat(escalated.getString("comment")).contains("30 min").contains("supervisors");
        await(
                () -> receiver.requests.stream()
                        .anyMatch(r -> r.body().contains("\"kind\":\"escalated\"")
                                && new JsonObject(r.body())
                                        .getString("receiver")
                                        .equals("sup-hook")),
                "the supervisors' notification");
        Thread.sleep(200);
        assertThat(server.get("/api/v1/alerts/" + acked, risk).json().getInteger("escalationLevel"))
                .isZero();
    }

    @Test
    void stationThatStopsReportingRaisesANoDataAlertThatDataResolves() throws Exception {
        Instant t0 = Instant.parse("2024-05-01T02:00:00Z"); // 10:00 in Shanghai
        server.clock.set(t0);
        server.post(
                "/api/v1/readings",
                officer,
                reading("PM2_5", "nd-1", "2024-05-01T09:00:00+08:00", 30, "ug/m3")
                        .encode());
        server.post(
                "/api/v1/readings",
                officer,
                reading("PM2_5", "nd-maint", "2024-05-01T09:00:00+08:00", 30, "ug/m3")
                        .encode());
        assertThat(silence(
                                new JsonObject()
                                        .put(
                                                "matchers",
                                                new JsonObject().put("subject", new JsonArray().add("nd-maint")))
                                        .put("startsAt", "2024-04-01T00:00:00+08:00")
                                        .put("endsAt", "2024-06-01T00:00:00+08:00")
                                        .put(
                                                "recurrence",
                                                new JsonObject()
                                                        .put(
                                                                "daysOfWeek",
                                                                new JsonArray()
                                                                        .add(1)
                                                                        .add(2)
                                                                        .add(3)
                                                                        .add(4)
                                                                        .add(5)
                                                                        .add(6)
                                                                        .add(7))
                                                        .put("startTime", "00:00")
                                                        .put("endTime", "23:59"))
                                        .put("reason", "设备检修 / maintenance"),
                                supervisor)
                        .status())
                .isEqualTo(201);
        server.clock.set(t0.plus(Duration.ofMinutes(170)));
        Thread.sleep(300);
        assertThat(server.get("/api/v1/alerts?subject=nd-1", risk).array("alerts"))
                .isEmpty();
        server.clock.set(t0.plus(Duration.ofMinutes(250)));
        await(
                () -> !server.get("/api/v1/alerts?subject=nd-1", risk)
                        .array("alerts")
                        .isEmpty(),
                "the no-data alert");
        JsonObject noData =
                server.get("/api/v1/alerts?subject=nd-1", risk).array("alerts").getJsonObject(0);
        assertThat(noData.getString("rule")).isEqualTo("system.no-data");
        assertThat(noData.getString("description"))
                .as("local time, as every timestamp")
                .contains("+08:00")
                .doesNotContain("Z)");
        assertThat(noData.getString("indicator")).isEqualTo("PM2_5");
        assertThat(noData.getString("status")).isEqualTo("open");
        assertThat(server.get("/api/v1/alerts?subject=nd-maint", risk).array("alerts"))
                .isEmpty();

        Response data = server.post(
                "/api/v1/readings",
                officer,
                reading("PM2_5", "nd-1", "2024-05-01T14:00:00+08:00", 31, "ug/m3")
                        .encode());
        assertThat(data.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("rule")).isEqualTo("system.no-data");
            assertThat(a.getString("status")).isEqualTo("resolved");
            assertThat(a.getDouble("clearingValue")).isEqualTo(31.0);
        });
    }

    @Test
    void ruleProducingTooManyAlertsIsCutOffWithOneSummary() {
        JsonArray batch = new JsonArray();
        for (String d : new String[] {"g1", "g2", "g3", "g4", "g5"}) {
            batch.add(reading("DEBT_RATIO", d, "2023-09-30T00:00:00+08:00", 150, "%"));
        }
        Response r = server.post("/api/v1/readings", officer, batch.encode());
        assertThat(r.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("rule")).isEqualTo("debt.ratio-over-warning-line");
            assertThat(a.getString("subject")).isEqualTo("*");
            assertThat(a.getDouble("value")).isEqualTo(5.0);
            assertThat(a.getString("description")).contains("maxAlertsPerRule");
        });
        assertThat(server.get("/api/v1/alerts?subject=g1", risk).array("alerts"))
                .isEmpty();
    }
}
