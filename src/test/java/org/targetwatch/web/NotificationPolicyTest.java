package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.ChatRobot;
import org.targetwatch.support.MutableClock;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.WebhookReceiver;

/**
 * The notification policy of config/routing.json through the real server, its outbox and real HTTP receivers, on a
 * controllable clock: grouping (groupBy, groupWait, groupInterval), inhibition, escalation chains, repeats until
 * acknowledged, quiet hours, maxFailures with the receivers page's figures and retry, and Feishu's 5 per second.
 */
class NotificationPolicyTest {
    private static final String SECRET = "policy-webhook-secret-0001";

    private static Path write(Path dir, JsonObject routing) throws Exception {
        Path f = dir.resolve("routing.json");
        Files.writeString(f, routing.encode());
        return f;
    }

    private static Map<String, String> env(Path routing) {
        return Map.of(
                "TARGETWATCH_ROUTING_FILE", routing.toString(),
                "TARGETWATCH_DELIVERY_POLL_MILLIS", "50",
                "TARGETWATCH_DELIVERY_BACKOFF_MILLIS", "50",
                "TARGETWATCH_WATCH_POLL_MILLIS", "50",
                "TARGETWATCH_PUBLIC_URL", "https://tw.zengdu.example");
    }

    private static JsonObject office(String id, JsonObject match, JsonArray receivers) {
        return new JsonObject()
                .put("id", id)
                .put("name", "办公室 " + id)
                .put("match", match)
                .put("receivers", receivers);
    }

    private static JsonObject robot(String id, String type, String url) {
        return new JsonObject().put("id", id).put("type", type).put("url", url);
    }

    /** Sets the server's and the robots' clocks to {@code t}. */
    private static void at(Instant t, MutableClock... clocks) {
        for (MutableClock c : clocks) {
            c.set(t);
        }
    }

    private static JsonObject air() {
        return new JsonObject().put("category", new JsonArray().add("air"));
    }

    private static void stations(TestServer server, String region, String... ids) {
        JsonArray a = new JsonArray();
        for (String id : ids) {
            a.add(new JsonObject()
                    .put("id", id)
                    .put("kind", "air-station")
                    .put("name", "站点 " + id)
                    .put("region", region));
        }
        TestServer.Response r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, a.encode());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static List<JsonObject> deliveries(TestServer server, long alert) {
        return server
                .get("/api/v1/alerts/" + alert + "/deliveries", server.token("risk-office"))
                .array("deliveries")
                .stream()
                .map(o -> (JsonObject) o)
                .toList();
    }

    private static List<String> kinds(WebhookReceiver receiver) {
        return receiver.delivered().stream()
                .map(r -> new JsonObject(r.body()).getJsonObject("event").getString("kind"))
                .toList();
    }

    @Test
    void fiftyStationsBreachingAtOnceArriveAsOneMessagePerOfficeAndLaterOnesAfterTheGroupInterval(@TempDir Path dir)
            throws Exception {
        Instant t0 = Instant.parse("2026-06-01T02:00:00Z");
        MutableClock robotClock = new MutableClock();
        robotClock.set(t0);
        try (ChatRobot robots = new ChatRobot(robotClock::instant)) {
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                                    "air-office",
                                                    air(),
                                                    new JsonArray()
                                                            .add(robot(
                                                                    "air-bot",
                                                                    "wecom",
                                                                    robots.register("wecom", "wk-air", null))))
                                            .put(
                                                    "groupBy",
                                                    new JsonArray().add("rule").add("region"))
                                            .put("groupWait", "30s")
                                            .put("groupInterval", "5m"))
                                    .add(office(
                                                    "risk-office",
                                                    new JsonObject(),
                                                    new JsonArray()
                                                            .add(robot(
                                                                    "risk-bot",
                                                                    "wecom",
                                                                    robots.register("wecom", "wk-risk", null))))
                                            .put("groupBy", new JsonArray().add("category"))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                server.clock.set(t0);
                String[] ids = new String[51];
                for (int i = 0; i < 51; i++) {
                    ids[i] = "grp-" + i;
                }
                stations(server, "曾都区", ids);
                JsonArray flood = new JsonArray();
                for (int i = 0; i < 50; i++) {
                    hourlyPm25(ids[i], "2023-03-01", 24, 80).forEach(flood::add);
                }
                TestServer.Response r = server.ingest(server.token("officer"), flood);
                assertThat(r.array("alerts")).hasSize(50);
                long first = r.array("alerts").getJsonObject(0).getLong("id");

                Thread.sleep(800); // the group waits 30 s (on the server's clock)
                assertThat(robots.of("wecom")).as("nothing before groupWait").isEmpty();

                Instant t1 = t0.plusSeconds(31);
                at(t1, server.clock, robotClock);
                await(() -> robots.accepted("wecom").size() == 2, "one grouped message per office");
                Thread.sleep(500);
                assertThat(robots.of("wecom")).hasSize(2);
                for (ChatRobot.Received m : robots.accepted("wecom")) {
                    String text = m.body().getJsonObject("markdown").getString("content");
                    assertThat(text)
                            .contains("50 条告警通知")
                            .contains("另有 30 条未列出")
                            .contains("grp-")
                            .contains("(https://tw.zengdu.example/#/alerts)");
                }
                assertThat(robots.accepted("wecom").stream()
                                .map(m -> m.query().get("key"))
                                .sorted()
                                .toList())
                        .containsExactly("wk-air", "wk-risk");
                assertThat(robots.accepted("wecom").stream()
                                .filter(m -> m.query().get("key").equals("wk-air"))
                                .findFirst()
                                .orElseThrow()
                                .body()
                                .getJsonObject("markdown")
                                .getString("content"))
                        .contains("air.daily-mean-over-grade-ii · 曾都区");
                await(
                        () -> deliveries(server, first).stream()
                                .allMatch(d -> "delivered".equals(d.getString("status"))),
                        "the deliveries marked");
                List<JsonObject> d = deliveries(server, first);
                assertThat(d).hasSize(2).allMatch(x -> x.getLong("batch") != null);

                // a 51st station breaching after the message: it waits for the group's interval, not only its wait
                r = server.ingest(server.token("officer"), hourlyPm25(ids[50], "2023-03-01", 24, 80));
                long late = r.array("alerts").getJsonObject(0).getLong("id");
                Instant t2 = t1.plusSeconds(62);
                at(t2, server.clock, robotClock);
                Thread.sleep(800);
                assertThat(robots.of("wecom")).as("held for groupInterval").hasSize(2);
                Instant t3 = t1.plusSeconds(301);
                at(t3, server.clock, robotClock);
                await(() -> robots.accepted("wecom").size() == 4, "the late one to each office");
                assertThat(robots.accepted("wecom").subList(2, 4))
                        .allMatch(m -> m.body()
                                .getJsonObject("markdown")
                                .getString("content")
                                .contains("grp-50"));
                await(
                        () -> deliveries(server, late).stream()
                                .allMatch(x -> "delivered".equals(x.getString("status"))),
                        "the late deliveries marked");
            }
        }
    }

    @Test
    void aHeavyPollutionDayInhibitsTheDailyMeanAlertsOfTheSameRegionAndDay(@TempDir Path dir) throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                            "air-office", air(), new JsonArray().add(hook.asReceiver("hook", SECRET)))))
                    .put(
                            "inhibit",
                            new JsonArray()
                                    .add(new JsonObject()
                                            .put(
                                                    "source",
                                                    new JsonObject()
                                                            .put(
                                                                    "rule",
                                                                    new JsonArray().add("air.heavy-pollution-day")))
                                            .put(
                                                    "target",
                                                    new JsonObject()
                                                            .put(
                                                                    "rule",
                                                                    new JsonArray()
                                                                            .add("air.daily-mean-over-grade-ii")))
                                            .put(
                                                    "equal",
                                                    new JsonArray()
                                                            .add("region")
                                                            .add("period"))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                stations(server, "曾都区", "inh-1");
                stations(server, "随县", "inh-2");
                JsonArray day = new JsonArray();
                for (int h = 0; h < 24; h++) {
                    String at = String.format("2023-01-20T%02d:00:00+08:00", h);
                    // inh-1: PM2.5 160 → AQI 210, a heavy-pollution day; inh-2: PM2.5 80 only (no AQI, no heavy day)
                    day.add(reading("PM2_5", "inh-1", at, 160, "ug/m3"))
                            .add(reading("PM10", "inh-1", at, 100, "ug/m3"))
                            .add(reading("SO2", "inh-1", at, 10, "ug/m3"))
                            .add(reading("NO2", "inh-1", at, 30, "ug/m3"))
                            .add(reading("CO", "inh-1", at, 1.0, "mg/m3"))
                            .add(reading("O3", "inh-1", at, 60, "ug/m3"))
                            .add(reading("PM2_5", "inh-2", at, 80, "ug/m3"));
                }
                JsonArray alerts = server.ingest(server.token("officer"), day).array("alerts");
                long heavy = id(alerts, "air.heavy-pollution-day", "inh-1");
                long inhibited = id(alerts, "air.daily-mean-over-grade-ii", "inh-1");
                long otherRegion = id(alerts, "air.daily-mean-over-grade-ii", "inh-2");

                await(
                        () -> "inhibited"
                                .equals(deliveries(server, inhibited).get(0).getString("status")),
                        "the daily-mean notification inhibited");
                JsonObject d = deliveries(server, inhibited).get(0);
                assertThat(d.getLong("inhibitedBy")).isEqualTo(heavy);
                assertThat(d.getString("lastError")).contains("#" + heavy).contains("air.heavy-pollution-day");
                assertThat(server
                                .get("/api/v1/alerts/" + inhibited + "/history", server.token("risk-office"))
                                .array("history")
                                .stream()
                                .map(o -> ((JsonObject) o).getString("kind"))
                                .toList())
                        .contains("inhibited");

                await(
                        () -> "delivered"
                                        .equals(deliveries(server, heavy).get(0).getString("status"))
                                && "delivered"
                                        .equals(deliveries(server, otherRegion)
                                                .get(0)
                                                .getString("status")),
                        "the heavy-pollution alert and the other region's alert delivered");
                Thread.sleep(300);
                assertThat(hook.delivered().stream()
                                .map(r -> new JsonObject(r.body())
                                        .getJsonObject("alert")
                                        .getLong("id")))
                        .contains(heavy, otherRegion)
                        .doesNotContain(inhibited);
            }
        }
    }

    private static long id(JsonArray alerts, String rule, String subject) {
        return alerts.stream()
                .map(o -> (JsonObject) o)
                .filter(a -> a.getString("rule").equals(rule)
                        && a.getString("subject").equals(subject))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " alert of " + subject + " in " + alerts))
                .getLong("id");
    }

    @Test
    void anUnacknowledgedAlertClimbsTheChainStepByStepAndIsRepeatedUntilAcknowledged(@TempDir Path dir)
            throws Exception {
        try (WebhookReceiver office = new WebhookReceiver();
                WebhookReceiver leader = new WebhookReceiver();
                WebhookReceiver government = new WebhookReceiver()) {
            JsonObject nothing = new JsonObject().put("category", new JsonArray().add("none"));
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                                    "zengdu-risk-office",
                                                    air(),
                                                    new JsonArray().add(office.asReceiver("robot", SECRET)))
                                            .put(
                                                    "escalation",
                                                    new JsonArray()
                                                            // listed out of order: steps apply by afterMinutes
                                                            .add(new JsonObject()
                                                                    .put("severity", "warning")
                                                                    .put("afterMinutes", 30)
                                                                    .put("to", "government-office"))
                                                            .add(new JsonObject()
                                                                    .put("severity", "warning")
                                                                    .put("afterMinutes", 10)
                                                                    .put("to", "leader")))
                                            .put("repeatInterval", new JsonObject().put("warning", "20m")))
                                    .add(office(
                                            "leader",
                                            nothing,
                                            new JsonArray().add(leader.asReceiver("leader-sms", SECRET))))
                                    .add(office(
                                            "government-office",
                                            nothing,
                                            new JsonArray().add(government.asReceiver("gov-hook", SECRET)))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                Instant t0 = Instant.parse("2026-06-01T02:00:00Z");
                server.clock.set(t0);
                stations(server, "曾都区", "chain-1");
                long alert = server.ingest(server.token("officer"), hourlyPm25("chain-1", "2023-03-01", 24, 80))
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                await(() -> office.delivered().size() == 1, "the office notified");

                server.clock.set(t0.plus(Duration.ofMinutes(9)));
                Thread.sleep(300);
                assertThat(leader.requests).isEmpty();

                server.clock.set(t0.plus(Duration.ofMinutes(10)));
                await(() -> leader.delivered().size() == 1, "step 1: the leader");
                await(() -> office.delivered().size() == 2, "the office told of the escalation");
                assertThat(government.requests).isEmpty();

                server.clock.set(t0.plus(Duration.ofMinutes(20)));
                await(() -> office.delivered().size() == 3, "the first reminder");

                server.clock.set(t0.plus(Duration.ofMinutes(30)));
                await(() -> government.delivered().size() == 1, "step 2: the government office");
                await(() -> office.delivered().size() == 4, "the office told of step 2");

                server.clock.set(t0.plus(Duration.ofMinutes(40)));
                await(() -> office.delivered().size() == 5, "the second reminder");
                Thread.sleep(300);
                assertThat(leader.delivered())
                        .as("reminders go to their office only")
                        .hasSize(1);

                TestServer.Response ack = server.post(
                        "/api/v1/alerts/" + alert + "/ack",
                        server.token("risk-office"),
                        new JsonObject().put("comment", "已派人核查").encode());
                assertThat(ack.status()).as(ack.body()).isEqualTo(200);
                await(() -> office.delivered().size() == 6, "the acknowledgement");
                server.clock.set(t0.plus(Duration.ofMinutes(90)));
                Thread.sleep(500);

                assertThat(kinds(office))
                        .containsExactly("opened", "escalated", "repeated", "escalated", "repeated", "acknowledged");
                assertThat(kinds(leader)).containsExactly("escalated");
                assertThat(kinds(government)).containsExactly("escalated");
                JsonObject a = server.get("/api/v1/alerts/" + alert, server.token("risk-office"))
                        .json();
                assertThat(a.getInteger("escalationLevel")).isEqualTo(2);
                List<String> history = server
                        .get("/api/v1/alerts/" + alert + "/history", server.token("risk-office"))
                        .array("history")
                        .stream()
                        .map(o -> ((JsonObject) o).getString("kind") + ":" + ((JsonObject) o).getString("comment"))
                        .filter(s -> s.startsWith("escalated") || s.startsWith("repeated"))
                        .toList();
                assertThat(history).hasSize(4);
                assertThat(history.get(0)).startsWith("escalated:第 1/2 级升级").contains("leader");
                assertThat(history.get(1)).startsWith("repeated:");
                assertThat(history.get(2)).startsWith("escalated:第 2/2 级升级").contains("government-office");
                assertThat(history.get(3)).startsWith("repeated:");
            }
        }
    }

    @Test
    void quietHoursHoldNonCriticalNotificationsUntilMorningAndCriticalOnesGoAtOnce(@TempDir Path dir) throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                            "duty",
                                            // not the no-data alerts the watchdog raises for 2023's readings
                                            new JsonObject()
                                                    .put(
                                                            "rule",
                                                            new JsonArray()
                                                                    .add("air.daily-mean-over-grade-ii")
                                                                    .add("safety.major-accident-bottom-line")),
                                            new JsonArray()
                                                    .add(hook.asReceiver("night-hook", SECRET)
                                                            .put(
                                                                    "quietHours",
                                                                    new JsonObject()
                                                                            .put("from", "22:00")
                                                                            .put("to", "07:00"))))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                Instant night = Instant.parse("2026-06-01T15:00:00Z"); // 23:00 in Beijing
                server.clock.set(night);
                stations(server, "曾都区", "quiet-1");
                server.register("district", "quiet-d");
                long warning = server.ingest(server.token("officer"), hourlyPm25("quiet-1", "2023-03-01", 24, 80))
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                long critical = server.ingest(
                                server.token("officer"),
                                reading("SAFETY_MAJOR_ACCIDENTS", "quiet-d", "2023-07-31T00:00:00+08:00", 1, "count"))
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                await(() -> hook.delivered().size() == 1, "the critical alert at once");
                assertThat(new JsonObject(hook.delivered().get(0).body())
                                .getJsonObject("alert")
                                .getLong("id"))
                        .isEqualTo(critical);
                Thread.sleep(500);
                assertThat(hook.requests).hasSize(1);
                JsonObject held = deliveries(server, warning).get(0);
                assertThat(held.getString("status")).isEqualTo("pending");
                assertThat(held.getString("nextAttemptAt")).isEqualTo("2026-06-02T07:00:00+08:00");

                server.clock.set(Instant.parse("2026-06-01T22:59:00Z")); // 06:59
                Thread.sleep(400);
                assertThat(hook.requests).hasSize(1);
                server.clock.set(Instant.parse("2026-06-01T23:00:00Z")); // 07:00
                await(() -> hook.delivered().size() == 2, "the warning in the morning");
                assertThat(new JsonObject(hook.delivered().get(1).body())
                                .getJsonObject("alert")
                                .getLong("id"))
                        .isEqualTo(warning);
            }
        }
    }

    @Test
    void aReceiverFailingMaxFailuresTimesIsMarkedFailedShownOnTheReceiversPageAndRetriedOnRequest(@TempDir Path dir)
            throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            hook.failFirst(1000);
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                            "air-office",
                                            air(),
                                            new JsonArray()
                                                    .add(hook.asReceiver("flaky", SECRET)
                                                            .put("maxFailures", 3)))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                stations(server, "曾都区", "flaky-1");
                long alert = server.ingest(server.token("officer"), hourlyPm25("flaky-1", "2023-03-01", 24, 80))
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                await(() -> "failed".equals(deliveries(server, alert).get(0).getString("status")), "marked failed");
                JsonObject d = deliveries(server, alert).get(0);
                assertThat(d.getInteger("attempts")).isEqualTo(3);
                assertThat(d.getString("lastError")).contains("failed 3 times").contains("HTTP 500");
                Thread.sleep(400);
                assertThat(hook.requests)
                        .as("not tried after the third failure")
                        .hasSize(3);

                String supervisor = server.token("supervisor");
                JsonObject rec = server.get("/api/v1/receivers", server.token("risk-office"))
                        .array("receivers")
                        .getJsonObject(0);
                assertThat(rec.getString("id")).isEqualTo("flaky");
                assertThat(rec.getString("status")).isEqualTo("failing");
                assertThat(rec.getLong("failed")).isEqualTo(1);
                assertThat(rec.getLong("backlog")).isZero();
                assertThat(rec.getString("lastError")).contains("HTTP 500");
                assertThat(rec.getString("lastSuccessAt")).isNull();
                assertThat(rec.getInteger("maxFailures")).isEqualTo(3);
                assertThat(rec.encode()).doesNotContain(SECRET);
                await(
                        () -> server.get("/metrics", null)
                                .body()
                                .matches("(?s).*targetwatch_outbox_failed 1(\\.0)?\\b.*"),
                        "the failed notification counted in /metrics");

                assertThat(server.get("/api/v1/receivers", server.token("officer"))
                                .status())
                        .isEqualTo(403);
                TestServer.Response unknown = server.post("/api/v1/receivers/nope/retry", supervisor, "{}");
                assertThat(unknown.status()).isEqualTo(404);
                assertThat(unknown.json()
                                .getJsonArray("errors")
                                .getJsonObject(0)
                                .getString("field"))
                        .isEqualTo("id");

                hook.failFirst(0);
                TestServer.Response retry = server.post("/api/v1/receivers/flaky/retry", supervisor, "{}");
                assertThat(retry.status()).as(retry.body()).isEqualTo(200);
                assertThat(retry.json().getInteger("requeued")).isEqualTo(1);
                await(() -> hook.delivered().size() == 1, "delivered after the retry");
                await(
                        () -> "ok"
                                .equals(server.get("/api/v1/receivers", supervisor)
                                        .array("receivers")
                                        .getJsonObject(0)
                                        .getString("status")),
                        "the receiver ok again");
                assertThat(deliveries(server, alert).get(0).getString("status")).isEqualTo("delivered");
            }
        }
    }

    @Test
    void aFeishuBotGetsAtMostFiveMessagesASecond(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-06-01T02:00:00Z");
        MutableClock robotClock = new MutableClock();
        robotClock.set(t0);
        try (ChatRobot robots = new ChatRobot(robotClock::instant)) {
            JsonObject routing = new JsonObject()
                    .put(
                            "offices",
                            new JsonArray()
                                    .add(office(
                                            "air-office",
                                            air(),
                                            new JsonArray()
                                                    .add(robot(
                                                            "fs",
                                                            "feishu",
                                                            robots.register("feishu", "fs-rate", null))))));
            try (TestServer server = new TestServer(env(write(dir, routing)))) {
                server.clock.set(t0);
                String[] ids = {"fs-1", "fs-2", "fs-3", "fs-4", "fs-5", "fs-6", "fs-7", "fs-8"};
                stations(server, "曾都区", ids);
                JsonArray all = new JsonArray();
                for (String id : ids) {
                    hourlyPm25(id, "2023-03-01", 24, 80).forEach(all::add);
                }
                assertThat(server.ingest(server.token("officer"), all).array("alerts"))
                        .hasSize(8);
                await(() -> robots.accepted("feishu").size() == 5, "the first second's five");
                Thread.sleep(600);
                assertThat(robots.of("feishu")).hasSize(5);
                Instant t1 = t0.plusMillis(1100);
                at(t1, server.clock, robotClock);
                await(() -> robots.accepted("feishu").size() == 8, "the other three");
                assertThat(robots.of("feishu")).as("never throttled").hasSize(8).allMatch(r -> r.code() == 0);
            }
        }
    }
}
