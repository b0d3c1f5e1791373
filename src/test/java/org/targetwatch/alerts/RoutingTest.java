package org.targetwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.config.InvalidConfigException;

/** config/routing.json: the shipped file loads; defects are refused naming the entry. */
class RoutingTest {

    private static JsonObject office(String id, JsonArray receivers, JsonArray escalation) {
        return new JsonObject()
                .put("id", id)
                .put("match", new JsonObject().put("category", new JsonArray().add("air")))
                .put("receivers", receivers)
                .put("escalation", escalation);
    }

    private static JsonObject hook(String id, String url, String secret) {
        return new JsonObject().put("id", id).put("url", url).put("secret", secret);
    }

    private static Routing load(Path dir, JsonObject doc, Map<String, String> env) throws Exception {
        Path f = dir.resolve("routing.json");
        Files.writeString(f, doc.encode());
        return Routing.load(f, env);
    }

    @Test
    void shippedRoutingLoads() {
        Routing r = Routing.load(Path.of("config/routing.json"), Map.of());
        assertThat(r.offices()).extracting(Routing.Office::id).contains("zengdu-risk-office", "zengdu-supervisors");
        assertThat(r.officesFor(new JsonObject()
                        .put("category", "air")
                        .put("severity", "critical")
                        .put("region", "")
                        .put("subject", "s")))
                .hasSize(2);
        assertThat(r.officesFor(new JsonObject()
                        .put("category", "air")
                        .put("severity", "info")
                        .put("region", "")
                        .put("subject", "s")))
                .isEmpty();
    }

    @Test
    void secretMayComeFromTheEnvironment(@TempDir Path dir) throws Exception {
        JsonObject doc = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "o",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("id", "h")
                                                        .put("url", "http://127.0.0.1:1/x")
                                                        .put("secretEnv", "HOOK_SECRET")),
                                        new JsonArray())));
        assertThat(load(dir, doc, Map.of("HOOK_SECRET", "0123456789abcdef0"))
                        .offices()
                        .get(0)
                        .receivers()
                        .get(0)
                        .secret())
                .isEqualTo("0123456789abcdef0");
        assertThatThrownBy(() -> load(dir, doc, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("HOOK_SECRET");
    }

    @Test
    void defectsAreRefused(@TempDir Path dir) {
        JsonObject dup = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "a",
                                        new JsonArray().add(hook("h", "http://127.0.0.1:1/a", "0123456789abcdef0")),
                                        new JsonArray()))
                                .add(office(
                                        "b",
                                        new JsonArray().add(hook("h", "http://127.0.0.1:1/b", "0123456789abcdef1")),
                                        new JsonArray())));
        assertThatThrownBy(() -> load(dir, dup, Map.of())).hasMessageContaining("used twice");
        JsonObject shortSecret = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "a",
                                        new JsonArray().add(hook("h", "http://127.0.0.1:1/a", "short")),
                                        new JsonArray())));
        assertThatThrownBy(() -> load(dir, shortSecret, Map.of())).hasMessageContaining("offices[0]");
        JsonObject badUrl = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "a",
                                        new JsonArray().add(hook("h", "ftp://x/a", "0123456789abcdef0")),
                                        new JsonArray())));
        assertThatThrownBy(() -> load(dir, badUrl, Map.of())).hasMessageContaining("http(s)");
        JsonObject unknownTarget = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "a",
                                        new JsonArray(),
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("severity", "critical")
                                                        .put("afterMinutes", 5)
                                                        .put("to", "nobody")))));
        assertThatThrownBy(() -> load(dir, unknownTarget, Map.of())).hasMessageContaining("nobody");
    }

    private static JsonObject withoutSecret(JsonObject receiver) {
        JsonObject c = receiver.copy();
        c.remove("secretEnv");
        return c;
    }

    private static JsonObject one(JsonObject receiver) {
        return new JsonObject()
                .put("offices", new JsonArray().add(office("o", new JsonArray().add(receiver), new JsonArray())));
    }

    @Test
    void chatRobotsNeedTheirKeysAndSecretsAndShowNoneOfThem(@TempDir Path dir) throws Exception {
        JsonObject wecom = new JsonObject()
                .put("id", "w")
                .put("type", "wecom")
                .put("url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
                .put("secretEnv", "WECOM_KEY");
        Routing.Receiver w = load(dir, one(wecom), Map.of("WECOM_KEY", "693a91f6-7xxx"))
                .offices()
                .get(0)
                .receivers()
                .get(0);
        assertThat(w.url()).isEqualTo("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx");
        assertThat(w.displayUrl()).isEqualTo("https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
        assertThat(w.ratePerMinute()).isEqualTo(20);
        assertThatThrownBy(() -> load(dir, one(wecom.copy().put("secretEnv", "NOPE")), Map.of()))
                .hasMessageContaining("NOPE");
        assertThatThrownBy(() -> load(dir, one(withoutSecret(wecom)), Map.of())).hasMessageContaining("needs its key");

        JsonObject ding = new JsonObject()
                .put("id", "d")
                .put("type", "dingtalk")
                .put("urlEnv", "DING_URL")
                .put("secretEnv", "DING_SECRET");
        Routing.Receiver d = load(
                        dir,
                        one(ding),
                        Map.of(
                                "DING_URL",
                                "https://oapi.dingtalk.com/robot/send?access_token=abc",
                                "DING_SECRET",
                                "SEC1"))
                .offices()
                .get(0)
                .receivers()
                .get(0);
        assertThat(d.displayUrl()).isEqualTo("https://oapi.dingtalk.com/robot/send");
        assertThat(d.secret()).isEqualTo("SEC1");
        assertThatThrownBy(() -> load(
                        dir,
                        one(withoutSecret(ding)),
                        Map.of("DING_URL", "https://oapi.dingtalk.com/robot/send?access_token=abc")))
                .hasMessageContaining("signing secret");

        Routing.Receiver f = load(
                        dir,
                        one(new JsonObject()
                                .put("id", "f")
                                .put("type", "feishu")
                                .put("url", "https://open.feishu.cn/open-apis/bot/v2/hook/0c9e-secret-hook")
                                .put("ratePerMinute", 50)),
                        Map.of())
                .offices()
                .get(0)
                .receivers()
                .get(0);
        assertThat(f.displayUrl()).isEqualTo("https://open.feishu.cn/open-apis/bot/v2/hook/***");
        assertThat(f.ratePerMinute()).isEqualTo(50);

        assertThatThrownBy(() -> load(dir, one(wecom.copy().put("type", "slack")), Map.of()))
                .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void shippedRoutingGroupsRepeatsAndInhibits() {
        Routing r = Routing.load(Path.of("config/routing.json"), Map.of());
        Routing.Office o = r.office("zengdu-risk-office").orElseThrow();
        assertThat(o.groupBy()).containsExactly("rule", "region");
        assertThat(o.groupWait()).hasSeconds(30);
        assertThat(o.groupInterval()).hasMinutes(5);
        assertThat(o.repeatInterval()).containsEntry("critical", java.time.Duration.ofHours(1));
        assertThat(r.inhibitions()).hasSize(1);
    }

    @Test
    void durationsAreSecondsOrUnits() {
        assertThat(Routing.duration(90, "f")).hasSeconds(90);
        assertThat(Routing.duration("30s", "f")).hasSeconds(30);
        assertThat(Routing.duration("1h30m", "f")).hasMinutes(90);
        assertThat(Routing.duration("2d", "f")).hasDays(2);
        for (String bad : new String[] {"", "5", "5 m", "m5", "5m3", "1w"}) {
            assertThatThrownBy(() -> Routing.duration(bad, "groupWait")).as(bad).hasMessageContaining("groupWait");
        }
    }

    /** Quiet hours 22:00–07:00 Beijing time: 21:59 is sent, 22:00 and 06:59 wait until 07:00, 07:00 is sent. */
    @Test
    void quietHoursSpanningMidnightReleaseAtTheirEnd() {
        Routing.QuietHours q = new Routing.QuietHours(
                java.time.LocalTime.of(22, 0), java.time.LocalTime.of(7, 0), java.time.ZoneId.of("Asia/Shanghai"));
        java.time.Instant before = java.time.Instant.parse("2026-06-01T13:59:00Z");
        assertThat(q.release(before)).isEqualTo(before);
        java.time.Instant end = java.time.Instant.parse("2026-06-01T23:00:00Z");
        assertThat(q.release(java.time.Instant.parse("2026-06-01T14:00:00Z"))).isEqualTo(end);
        assertThat(q.release(java.time.Instant.parse("2026-06-01T22:59:00Z"))).isEqualTo(end);
        assertThat(q.release(end)).isEqualTo(end);
        // within one day: 12:00–14:00
        Routing.QuietHours noon = new Routing.QuietHours(
                java.time.LocalTime.of(12, 0), java.time.LocalTime.of(14, 0), java.time.ZoneId.of("Asia/Shanghai"));
        assertThat(noon.release(java.time.Instant.parse("2026-06-01T04:30:00Z")))
                .isEqualTo(java.time.Instant.parse("2026-06-01T06:00:00Z"));
        assertThat(noon.release(java.time.Instant.parse("2026-06-01T06:00:00Z")))
                .isEqualTo(java.time.Instant.parse("2026-06-01T06:00:00Z"));
    }

    @Test
    void anInhibitionNeedsBothMatchersAndEqualLabelsAndNeverInhibitsItself() {
        Routing.Inhibition i = new Routing.Inhibition(
                Map.of("rule", java.util.List.of("air.heavy-pollution-day")),
                Map.of("rule", java.util.List.of("air.daily-mean-over-grade-ii")),
                java.util.List.of("region", "period"));
        JsonObject heavy = new JsonObject()
                .put("id", 1)
                .put("rule", "air.heavy-pollution-day")
                .put("region", "曾都区")
                .put("period", "2023-01-20");
        JsonObject mean = heavy.copy().put("id", 2).put("rule", "air.daily-mean-over-grade-ii");
        assertThat(i.inhibits(heavy, mean)).isTrue();
        assertThat(i.inhibits(heavy, mean.copy().put("period", "2023-01-21"))).isFalse();
        assertThat(i.inhibits(heavy, mean.copy().put("region", "随县"))).isFalse();
        assertThat(i.inhibits(mean, heavy)).isFalse();
        assertThat(i.inhibits(heavy, heavy)).isFalse();
    }

    @Test
    void policyDefectsAreRefusedNamingTheField(@TempDir Path dir) throws Exception {
        JsonObject badHook = hook("h", "http://127.0.0.1:1/h", "0123456789abcdef0")
                .put("quietHours", new JsonObject().put("from", "25:00").put("to", "07:00"));
        Map<String, JsonObject> cases = new java.util.LinkedHashMap<>();
        cases.put(
                "groupBy", office("o", new JsonArray(), new JsonArray()).put("groupBy", new JsonArray().add("colour")));
        cases.put("groupWait", office("o", new JsonArray(), new JsonArray()).put("groupWait", "soon"));
        cases.put(
                "repeatInterval.critical",
                office("o", new JsonArray(), new JsonArray())
                        .put("repeatInterval", new JsonObject().put("critical", 0)));
        cases.put("quietHours", office("o", new JsonArray().add(badHook), new JsonArray()));
        for (Map.Entry<String, JsonObject> c : cases.entrySet()) {
            JsonObject doc = new JsonObject().put("offices", new JsonArray().add(c.getValue()));
            assertThatThrownBy(() -> load(dir, doc, Map.of()))
                    .as(c.getKey())
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining(c.getKey());
        }
        JsonObject inhibit = new JsonObject()
                .put("offices", new JsonArray())
                .put("inhibit", new JsonArray().add(new JsonObject().put("source", new JsonObject())));
        assertThatThrownBy(() -> load(dir, inhibit, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("inhibit");
    }

    /** A receiver's secret from a mounted file (a Kubernetes Secret volume): read, its trailing newline dropped. */
    @Test
    void secretMayComeFromAFile(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("hook-secret");
        Files.writeString(secret, "a-mounted-hook-secret-01\n");
        JsonObject doc = new JsonObject()
                .put(
                        "offices",
                        new JsonArray()
                                .add(office(
                                        "o",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("id", "h")
                                                        .put("url", "http://127.0.0.1:1/h")
                                                        .put("secretFile", secret.toString())),
                                        new JsonArray())));
        assertThat(load(dir, doc, Map.of()).offices().get(0).receivers().get(0).secret())
                .isEqualTo("a-mounted-hook-secret-01");
        doc.getJsonArray("offices")
                .getJsonObject(0)
                .getJsonArray("receivers")
                .getJsonObject(0)
                .put("secretFile", dir.resolve("missing").toString());
        assertThatThrownBy(() -> load(dir, doc, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("receivers[0].secretFile")
                .hasMessageContaining("cannot read");
    }
}
