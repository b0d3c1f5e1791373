package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.ChatRobot;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.WebhookReceiver;

/**
 * WeCom, DingTalk and Feishu robots as receivers (config/routing.json {@code type}), against local robots that check
 * keys, signatures, message forms and limits as the vendors document them and answer as they do: HTTP 200 with a
 * code in the body. A refusal for good is surfaced, a throttled message is sent again, a receiver's messages per
 * minute hold across two instances, and webhooks carry the Standard Webhooks signature.
 */
class ChatReceiversTest {
    private static final String DING_SECRET = "SECa1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String FEISHU_SECRET = "feishu-signing-secret-42";

    private static JsonObject office(JsonArray receivers) {
        return new JsonObject()
                .put("id", "air-office")
                .put("name", "区大气办")
                .put("match", new JsonObject().put("category", new JsonArray().add("air")))
                .put("receivers", receivers);
    }

    private static Path routing(Path dir, JsonArray receivers) throws Exception {
        Path f = dir.resolve("routing.json");
        Files.writeString(
                f,
                new JsonObject()
                        .put("offices", new JsonArray().add(office(receivers)))
                        .encode());
        return f;
    }

    private static Map<String, String> env(Path routing, String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "TARGETWATCH_ROUTING_FILE", routing.toString(),
                "TARGETWATCH_DELIVERY_POLL_MILLIS", "50",
                "TARGETWATCH_DELIVERY_BACKOFF_MILLIS", "50",
                "TARGETWATCH_PUBLIC_URL", "https://tw.zengdu.example/"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static long openAlert(TestServer server, String station, String day) {
        TestServer.Response r = server.post(
                "/api/v1/readings",
                server.token("officer"),
                hourlyPm25(station, day, 24, 80).encode());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.array("alerts").getJsonObject(0).getLong("id");
    }

    @Test
    void eachRobotGetsTheAlertInChineseSignedAsItsVendorRequires(@TempDir Path dir) throws Exception {
        try (ChatRobot robots = new ChatRobot(Instant::now)) {
            JsonArray receivers = new JsonArray()
                    .add(new JsonObject()
                            .put("id", "wecom-bot")
                            .put("type", "wecom")
                            .put("url", robots.register("wecom", "wk-693a91f6", null)))
                    .add(new JsonObject()
                            .put("id", "ding-bot")
                            .put("type", "dingtalk")
                            .put("url", robots.register("dingtalk", "dt-token-1", DING_SECRET))
                            .put("secret", DING_SECRET)
                            .put(
                                    "mentions",
                                    new JsonObject()
                                            .put("warning", new JsonArray().add("13800000001"))
                                            .put("major", new JsonArray().add("13800000001"))
                                            .put("critical", new JsonArray().add("13800000001"))))
                    .add(new JsonObject()
                            .put("id", "feishu-bot")
                            .put("type", "feishu")
                            .put("url", robots.register("feishu", "fs-hook-0c9e", FEISHU_SECRET))
                            .put("secret", FEISHU_SECRET));
            Map<String, String> env = env(routing(dir, receivers));
            try (TestServer server = new TestServer(env)) {
                server.register("air-station", "chat-a");
                long alert = openAlert(server, "chat-a", "2023-03-01");
                await(
                        () -> robots.accepted("wecom").size() == 1
                                && robots.accepted("dingtalk").size() == 1
                                && robots.accepted("feishu").size() == 1,
                        "one message to each robot");

                String wecom = robots.accepted("wecom")
                        .get(0)
                        .body()
                        .getJsonObject("markdown")
                        .getString("content");
                assertThat(wecom)
                        .contains("新告警")
                        .contains("空气质量")
                        .contains("air.daily-mean-over-grade-ii")
                        .contains("对象：测试 chat-a（chat-a）")
                        .contains("数值：**80 ug/m3**，阈值 > 75 ug/m3")
                        .contains("GB 3095-2012")
                        .contains("(https://tw.zengdu.example/#/alert/" + alert + ")")
                        .contains("（北京时间）");
                assertThat(wecom.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);

                JsonObject ding = robots.accepted("dingtalk").get(0).body();
                assertThat(ding.getJsonObject("markdown").getString("title")).contains("新告警");
                assertThat(ding.getJsonObject("markdown").getString("text")).endsWith("@13800000001");
                assertThat(ding.getJsonObject("at").getJsonArray("atMobiles")).containsExactly("13800000001");

                JsonObject card = robots.accepted("feishu").get(0).body().getJsonObject("card");
                assertThat(card.getJsonObject("header").getJsonObject("title").getString("content"))
                        .contains("新告警")
                        .contains("chat-a");
                assertThat(card.getJsonArray("elements").getJsonObject(0).getString("content"))
                        .contains("**数值**：80 ug/m3");

                // deliveries name each robot without its secrets
                String risk = server.token("risk-office");
                await(
                        () -> server.get("/api/v1/alerts/" + alert + "/deliveries", risk).array("deliveries").stream()
                                .allMatch(d -> "delivered".equals(((JsonObject) d).getString("status"))),
                        "the deliveries marked");
                String deliveries = server.get("/api/v1/alerts/" + alert + "/deliveries", risk)
                        .body();
                assertThat(deliveries)
                        .doesNotContain("wk-693a91f6")
                        .doesNotContain("dt-token-1")
                        .doesNotContain("fs-hook-0c9e")
                        .doesNotContain(DING_SECRET)
                        .contains("/open-apis/bot/v2/hook/***");
            }
        }
    }

    @Test
    void aRobotThatRefusesTheSignatureIsReportedAndNotTriedAgain(@TempDir Path dir) throws Exception {
        try (ChatRobot robots = new ChatRobot(Instant::now)) {
            String url = robots.register("dingtalk", "dt-token-2", DING_SECRET);
            JsonArray receivers = new JsonArray()
                    .add(new JsonObject()
                            .put("id", "ding-wrong")
                            .put("type", "dingtalk")
                            .put("url", url)
                            .put("secret", "SECnot-the-robots-secret"));
            try (TestServer server = new TestServer(env(routing(dir, receivers)))) {
                server.register("air-station", "chat-b");
                long alert = openAlert(server, "chat-b", "2023-03-01");
                String risk = server.token("risk-office");
                await(
                        () -> server.get("/api/v1/alerts/" + alert + "/deliveries", risk).array("deliveries").stream()
                                .anyMatch(d -> "failed".equals(((JsonObject) d).getString("status"))),
                        "the delivery marked failed");
                JsonObject d = server.get("/api/v1/alerts/" + alert + "/deliveries", risk)
                        .array("deliveries")
                        .getJsonObject(0);
                assertThat(d.getString("lastError")).contains("310000").contains("sign not match");
                assertThat(d.getString("failedAt")).isNotNull();
                assertThat(d.getString("nextAttemptAt")).isNull();
                Thread.sleep(600);
                assertThat(robots.of("dingtalk")).hasSize(1);
                assertThat(robots.accepted("dingtalk")).isEmpty();
                assertThat(server.get("/metrics", null).body())
                        .containsPattern("targetwatch_deliveries_total\\{receiver=\"ding-wrong\",result=\"rejected\""
                                + ",type=\"dingtalk\"} 1(\\.0)?\\b");
            }
        }
    }

    @Test
    void aThrottledMessageIsSentAgainAfterTheWindowAndArrivesOnce(@TempDir Path dir) throws Exception {
        try (ChatRobot robots = new ChatRobot(Instant::now)) {
            robots.script("wecom", 45009);
            JsonArray receivers = new JsonArray()
                    .add(new JsonObject()
                            .put("id", "wecom-busy")
                            .put("type", "wecom")
                            .put("url", robots.register("wecom", "wk-busy", null)));
            try (TestServer server =
                    new TestServer(env(routing(dir, receivers), "TARGETWATCH_DELIVERY_THROTTLE_MILLIS", "400"))) {
                server.register("air-station", "chat-c");
                long alert = openAlert(server, "chat-c", "2023-03-01");
                await(() -> robots.accepted("wecom").size() == 1, "the message after the window");
                assertThat(robots.of("wecom")).hasSize(2);
                assertThat(robots.of("wecom").get(0).code()).isEqualTo(45009);
                Thread.sleep(500);
                assertThat(robots.accepted("wecom")).hasSize(1);
                JsonObject d = server.get("/api/v1/alerts/" + alert + "/deliveries", server.token("risk-office"))
                        .array("deliveries")
                        .getJsonObject(0);
                assertThat(d.getString("status")).isEqualTo("delivered");
                assertThat(d.getInteger("attempts")).isEqualTo(2);
            }
        }
    }

    @Test
    void aReceiversMessagesPerMinuteHoldAcrossTwoInstances(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-06-01T02:00:00Z");
        org.targetwatch.support.MutableClock robotClock = new org.targetwatch.support.MutableClock();
        robotClock.set(t0);
        try (ChatRobot robots = new ChatRobot(robotClock::instant)) {
            JsonArray receivers = new JsonArray()
                    .add(new JsonObject()
                            .put("id", "wecom-slow")
                            .put("type", "wecom")
                            .put("url", robots.register("wecom", "wk-slow", null))
                            .put("ratePerMinute", 2));
            Map<String, String> env = env(routing(dir, receivers));
            String db = TestDatabase.newDatabaseUrl();
            try (TestServer a = new TestServer(db, env);
                    TestServer b = new TestServer(db, env)) {
                a.clock.set(t0);
                b.clock.set(t0);
                a.register("air-station", "chat-r1", "chat-r2", "chat-r3", "chat-r4", "chat-r5");
                for (int i = 1; i <= 5; i++) {
                    openAlert(i % 2 == 0 ? a : b, "chat-r" + i, "2023-03-0" + i);
                }
                await(() -> robots.accepted("wecom").size() == 2, "the first minute's two messages");
                Thread.sleep(1000); // both instances poll every 50 ms: neither sends a third
                assertThat(robots.of("wecom")).hasSize(2);

                Instant t1 = t0.plusSeconds(61);
                robotClock.set(t1);
                a.clock.set(t1);
                b.clock.set(t1);
                await(() -> robots.accepted("wecom").size() == 4, "the next minute's two");
                Thread.sleep(1000);
                assertThat(robots.of("wecom")).hasSize(4);

                Instant t2 = t1.plusSeconds(61);
                robotClock.set(t2);
                a.clock.set(t2);
                b.clock.set(t2);
                await(() -> robots.accepted("wecom").size() == 5, "the last one");
                Thread.sleep(500);
                assertThat(robots.of("wecom"))
                        .as("never throttled, nothing sent twice")
                        .hasSize(5)
                        .allMatch(r -> r.code() == 0);
                assertThat(robots.accepted("wecom").stream()
                                .map(r -> r.body().getJsonObject("markdown").getString("content"))
                                .distinct()
                                .count())
                        .isEqualTo(5);
            }
        }
    }

    @Test
    void webhooksCarryTheStandardWebhooksSignature(@TempDir Path dir) throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("a-standard-webhooks-key".getBytes());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Path routing = receiver.airOfficeRouting(dir.resolve("routing.json"), secret);
            try (TestServer server = new TestServer(env(routing))) {
                server.register("air-station", "chat-w");
                openAlert(server, "chat-w", "2023-03-01");
                await(() -> receiver.delivered().size() == 1, "the webhook");
                WebhookReceiver.Received r = receiver.delivered().get(0);
                String id = r.header("webhook-id");
                String ts = r.header("webhook-timestamp");
                assertThat(id).isEqualTo(r.header("Idempotency-Key"));
                assertThat(Long.parseLong(ts))
                        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
                // the receiver's side of https://www.standardwebhooks.com: HMAC-SHA256 of id.timestamp.body
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
                String expected = Base64.getEncoder()
                        .encodeToString(mac.doFinal((id + "." + ts + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
                assertThat(r.header("webhook-signature")).isEqualTo("v1," + expected);
            }
        }
    }

    /**
     * An SMS gateway (Tencent Cloud SendSms) as a receiver: the approved template's parameters filled in order, the
     * numbers of the alert's severity, signed TC3-HMAC-SHA256 as the gateway recomputes it; a gateway that refuses
     * the signature (a wrong SecretKey) marks the notification failed with the gateway's code, and neither
     * SecretKey is ever shown.
     */
    @Test
    void anSmsGatewayGetsTheApprovedTemplateSignedTc3AndAWrongKeyIsReported(@TempDir Path dir) throws Exception {
        String key = "sms-secret-key-for-tests-0001";
        String wrong = "not-the-gateways-secret-key";
        try (org.targetwatch.support.SmsGateway gateway = new org.targetwatch.support.SmsGateway(
                Instant::now, "AKIDtest0001", key, "1400006666", "曾都区风险办", Map.of("1234567", 4))) {
            java.util.function.BiFunction<String, String, JsonObject> sms = (id, secret) -> new JsonObject()
                    .put("id", id)
                    .put("type", "sms")
                    .put("url", gateway.url())
                    .put("secretId", "AKIDtest0001")
                    .put("secret", secret)
                    .put("sdkAppId", "1400006666")
                    .put("signName", "曾都区风险办")
                    .put("templateId", "1234567")
                    .put(
                            "templateParams",
                            new JsonArray()
                                    .add("severityZh")
                                    .add("subject")
                                    .add("categoryZh")
                                    .add("time"))
                    .put(
                            "phoneNumbers",
                            new JsonObject()
                                    .put(
                                            "critical",
                                            new JsonArray()
                                                    .add("+8613800000001")
                                                    .add("+8613900000002")));
            Path f = dir.resolve("routing.json");
            Files.writeString(
                    f,
                    new JsonObject()
                            .put(
                                    "offices",
                                    new JsonArray()
                                            .add(new JsonObject()
                                                    .put("id", "leader")
                                                    .put("name", "分管领导")
                                                    .put(
                                                            "match",
                                                            new JsonObject()
                                                                    .put("category", new JsonArray().add("safety")))
                                                    .put(
                                                            "receivers",
                                                            new JsonArray()
                                                                    .add(sms.apply("leader-sms", key))
                                                                    .add(sms.apply("leader-sms-wrong", wrong)))))
                            .encode());
            try (TestServer server = new TestServer(env(f))) {
                server.register("district", "sms-d");
                long alert = server.post(
                                "/api/v1/readings",
                                server.token("officer"),
                                org.targetwatch.support.Readings.reading(
                                                "SAFETY_MAJOR_ACCIDENTS",
                                                "sms-d",
                                                "2023-07-31T00:00:00+08:00",
                                                1,
                                                "count")
                                        .encode())
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                await(() -> gateway.requests.size() == 2, "both gateways' requests");
                assertThat(gateway.accepted()).hasSize(1);
                JsonObject body = gateway.accepted().get(0).body();
                assertThat(body.getJsonArray("PhoneNumberSet")).containsExactly("+8613800000001", "+8613900000002");
                JsonArray params = body.getJsonArray("TemplateParamSet");
                assertThat(params.getString(0)).isEqualTo("紧急");
                assertThat(params.getString(1)).isEqualTo("sms-d");
                assertThat(params.getString(2)).isEqualTo("安全生产");
                assertThat(params.getString(3)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}");
                assertThat(body.getString("SessionContext")).startsWith("tw-").endsWith("-leader-leader-sms");
                assertThat(gateway.requests.stream()
                                .filter(r -> !r.code().equals("Ok"))
                                .toList())
                        .singleElement()
                        .extracting(org.targetwatch.support.SmsGateway.Received::code)
                        .isEqualTo("AuthFailure.SignatureFailure");

                String risk = server.token("risk-office");
                await(
                        () -> server.get("/api/v1/alerts/" + alert + "/deliveries", risk).array("deliveries").stream()
                                .map(d -> ((JsonObject) d).getString("status"))
                                .sorted()
                                .toList()
                                .equals(java.util.List.of("delivered", "failed")),
                        "one delivered, one failed");
                String deliveries = server.get("/api/v1/alerts/" + alert + "/deliveries", risk)
                        .body();
                assertThat(deliveries)
                        .contains("AuthFailure.SignatureFailure")
                        .doesNotContain(key)
                        .doesNotContain(wrong);
                assertThat(server.get("/api/v1/receivers", risk).body())
                        .contains("\"type\":\"sms\"")
                        .doesNotContain(key)
                        .doesNotContain(wrong);
                Thread.sleep(400);
                assertThat(gateway.requests).as("a refusal is not retried").hasSize(2);
            }
        }
    }
}
