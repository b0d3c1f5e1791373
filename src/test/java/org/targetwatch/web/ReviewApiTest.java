package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.Rules;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** Supervisor review: rule-hit audit, annotations, ruleset versions, reload with diff, four-eyes closing. */
class ReviewApiTest {
    private static Path rules;
    private static TestServer server;
    private static String officer;
    private static String supervisor;

    @BeforeAll
    static void start() throws Exception {
        rules = Files.createTempDirectory("rules");
        Rules.copyTo(rules);
        server = new TestServer(Map.of("TARGETWATCH_RULES_DIR", rules.toString()));
        officer = server.token("officer");
        supervisor = server.token("supervisor");
        server.register("air-station", "rv-air", "rv-load");
        server.register("district", "rv-debt", "rv-safe");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response post(Object body) {
        return server.ingest(officer, body);
    }

    private static JsonArray hits(String query) {
        Response r = server.get("/api/v1/rule-hits?" + query, supervisor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.array("ruleHits");
    }

    @Test
    void everyFiringIsAuditedWithItsFactsThresholdAndEffect() {
        long alertId = post(hourlyPm25("rv-air", "2023-04-01", 24, 80))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        JsonArray h = hits("subject=rv-air");
        assertThat(h).hasSize(1);
        JsonObject hit = h.getJsonObject(0);
        assertThat(hit.getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
        assertThat(hit.getString("rulesetVersion")).hasSize(16);
        assertThat(hit.getString("caused")).isEqualTo("opened");
        assertThat(hit.getLong("alertId")).isEqualTo(alertId);
        assertThat(hit.getJsonObject("threshold").getString("id")).isEqualTo("GB3095-2012/PM2_5/24h/II");
        assertThat(hit.getJsonObject("threshold").getString("source")).contains("GB 3095-2012");
        JsonObject matched = hit.getJsonObject("facts").getJsonObject("matched");
        assertThat(matched.getString("type")).isEqualTo("DailyStat");
        assertThat(matched.getDouble("mean")).isEqualTo(80.0);
        assertThat(matched.getInteger("count")).isEqualTo(24);
        assertThat(hit.getJsonArray("readingIds")).hasSize(24);

        post(reading("PM2_5", "rv-air", "2023-04-01T02:00:00+08:00", 104, "ug/m3"));
        assertThat(hits("subject=rv-air").getJsonObject(0).getString("caused")).isEqualTo("updated");

        Response one = server.get("/api/v1/rule-hits/" + hit.getLong("id"), supervisor);
        assertThat(one.json().getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
        assertThat(server.get("/api/v1/rule-hits/99999999", supervisor).status())
                .isEqualTo(404);
        assertThat(server.get("/api/v1/rule-hits", server.token("risk-office")).status())
                .isEqualTo(403);
    }

    @Test
    void supersededBandsAreAuditedToo() {
        post(reading("DEBT_RATIO", "rv-debt", "2023-06-30T00:00:00+08:00", 250, "%"));
        JsonArray h = hits("subject=rv-debt");
        assertThat(h)
                .extracting(o -> ((JsonObject) o).getString("caused"))
                .containsExactlyInAnyOrder("opened", "superseded", "superseded");
        assertThat(h.stream()
                        .map(o -> (JsonObject) o)
                        .filter(o -> o.getString("caused").equals("opened"))
                        .findFirst()
                        .orElseThrow()
                        .getJsonObject("threshold")
                        .getString("id"))
                .isEqualTo("RISK-BANDS/DEBT_RATIO/orange");
    }

    @Test
    void supervisorsAnnotateHitsAndAlertsAndSeeCountsPerRuleAndDay() {
        post(reading("DEBT_RATIO", "rv-debt", "2023-03-31T00:00:00+08:00", 110, "%"));
        JsonObject hit =
                hits("subject=rv-debt&rule=debt.ratio-over-warning-line").getJsonObject(0);
        Response a = server.post(
                "/api/v1/rule-hits/" + hit.getLong("id") + "/annotate",
                supervisor,
                new JsonObject()
                        .put("verdict", "false-positive")
                        .put("comment", "统计口径错误")
                        .encode());
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        JsonArray annotations = server.get("/api/v1/rule-hits/" + hit.getLong("id"), supervisor)
                .json()
                .getJsonArray("annotations");
        assertThat(annotations).singleElement().satisfies(o -> {
            assertThat(((JsonObject) o).getString("verdict")).isEqualTo("false-positive");
            assertThat(((JsonObject) o).getString("author")).contains("supervisor");
        });
        Response bad = server.post(
                "/api/v1/alerts/" + hit.getLong("alertId") + "/annotate",
                supervisor,
                new JsonObject().put("verdict", "maybe").encode());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().getString("field")).isEqualTo("verdict");
        assertThat(server.post(
                                "/api/v1/alerts/" + hit.getLong("alertId") + "/annotate",
                                supervisor,
                                new JsonObject().put("verdict", "confirmed").encode())
                        .status())
                .isEqualTo(201);

        JsonArray counts = server.get("/api/v1/rule-hits/counts", supervisor).array("counts");
        assertThat(counts).anySatisfy(o -> {
            assertThat(((JsonObject) o).getString("rule")).isEqualTo("debt.ratio-over-warning-line");
            assertThat(((JsonObject) o).getLong("hits")).isPositive();
        });
        assertThat(server.get("/api/v1/rules", supervisor).array("rules").stream()
                        .map(o -> (JsonObject) o)
                        .filter(r -> r.getString("name").equals("debt.ratio-over-warning-line"))
                        .findFirst()
                        .orElseThrow()
                        .getLong("hits"))
                .isPositive();
    }

    @Test
    void reloadRejectsABrokenRulesetKeepsServingAndSwapsAValidOneUnderLoad() throws Exception {
        String before = server.get("/api/v1/rulesets", supervisor).json().getString("current");
        String water = Files.readString(rules.resolve("water.drl"));
        Files.writeString(
                rules.resolve("water.drl"),
                water.replace(
                        "$a : WaterAssessment(classNumber > 0, judged)",
                        "$a : WaterAssessment(classNumbr > 0, judged)"));
        Response broken = server.post("/api/v1/rulesets/reload", TestServer.ADMIN_TOKEN, "{}");
        assertThat(broken.status()).isEqualTo(422);
        assertThat(broken.json().getString("code")).isEqualTo("invalid_ruleset");
        assertThat(broken.json().getString("field")).startsWith("water.drl:");
        assertThat(server.get("/api/v1/rulesets", supervisor).json().getString("current"))
                .isEqualTo(before);
        assertThat(post(hourlyPm25("rv-load", "2023-04-02", 24, 80)).array("alerts"))
                .hasSize(1);

        // fix the file, and lower the PM2.5 limit in the data: a new version, while readings keep arriving
        Files.writeString(rules.resolve("water.drl"), water);
        String thresholds = Files.readString(rules.resolve("thresholds.json"));
        Files.writeString(
                rules.resolve("thresholds.json"), thresholds.replaceFirst("\"value\": 75,", "\"value\": 70,"));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<Integer>>> load = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int worker = w;
            load.add(pool.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; !stop.get() && i < 300; i++) {
                    statuses.add(server.post(
                                    "/api/v1/readings",
                                    officer,
                                    reading(
                                                    "PM2_5",
                                                    "rv-load",
                                                    String.format(
                                                            "2023-05-%02dT%02d:00:00+08:00", 1 + (i / 24) % 28, i % 24),
                                                    10 + worker,
                                                    "ug/m3")
                                            .encode())
                            .status());
                }
                return statuses;
            }));
        }
        Response reloaded = server.post("/api/v1/rulesets/reload", TestServer.ADMIN_TOKEN, "{}");
        Response again = server.post("/api/v1/rulesets/reload", TestServer.ADMIN_TOKEN, "{}");
        stop.set(true);
        List<Integer> statuses = new ArrayList<>();
        for (Future<List<Integer>> f : load) {
            statuses.addAll(f.get());
        }
        pool.shutdown();
        assertThat(statuses).isNotEmpty().allSatisfy(s -> assertThat(s).isIn(201));
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        String after = reloaded.json().getString("version");
        assertThat(after).isNotEqualTo(before);
        assertThat(reloaded.json().getBoolean("changed")).isTrue();
        assertThat(again.json().getBoolean("changed")).isFalse();

        JsonObject list = server.get("/api/v1/rulesets", supervisor).json();
        assertThat(list.getString("current")).isEqualTo(after);
        assertThat(list.getJsonArray("rulesets").stream().map(o -> ((JsonObject) o).getString("version")))
                .contains(before, after);
        JsonObject diff = server.get("/api/v1/rulesets/" + before + "/diff/" + after, supervisor)
                .json();
        assertThat(diff.getJsonArray("files")).singleElement().satisfies(o -> {
            JsonObject f = (JsonObject) o;
            assertThat(f.getString("file")).isEqualTo("thresholds.json");
            assertThat(f.getString("status")).isEqualTo("changed");
            assertThat(f.getString("diff")).contains("-      \"value\": 75,").contains("+      \"value\": 70,");
        });
        assertThat(server.get("/api/v1/rulesets/nope/diff/" + after, supervisor).status())
                .isEqualTo(404);

        // a day with a mean of 72 now breaches the reloaded limit of 70
        JsonObject alert = post(hourlyPm25("rv-load", "2023-06-01", 24, 72))
                .array("alerts")
                .getJsonObject(0);
        assertThat(alert.getString("rulesetVersion")).isEqualTo(after);
        assertThat(alert.getJsonObject("threshold").getDouble("value")).isEqualTo(70.0);
        assertThat(server.post("/api/v1/rulesets/reload", supervisor, "{}").status())
                .isEqualTo(403);
        Files.writeString(rules.resolve("thresholds.json"), thresholds);
        assertThat(server.post("/api/v1/rulesets/reload", TestServer.ADMIN_TOKEN, "{}")
                        .json()
                        .getString("version"))
                .isEqualTo(before);
    }

    @Test
    void criticalAlertIsClosedByHandOnlyWithASecondSupervisor() {
        long id = post(reading("SAFETY_MAJOR_ACCIDENTS", "rv-safe", "2023-08-01T00:00:00+08:00", 1, "count"))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        String otherSupervisor = server.post(
                        "/api/v1/tokens",
                        TestServer.ADMIN_TOKEN,
                        new JsonObject()
                                .put("name", "督查室 李四")
                                .put("role", "supervisor")
                                .encode())
                .json()
                .getString("token");
        Response requested = server.post(
                "/api/v1/alerts/" + id + "/resolve",
                supervisor,
                new JsonObject().put("reason", "核实为一般事故, 误报").encode());
        assertThat(requested.status()).isEqualTo(200);
        assertThat(requested.json().getString("status")).isEqualTo("open");
        assertThat(requested.json().getString("resolveRequestedBy")).contains("supervisor");
        Response self = server.post("/api/v1/alerts/" + id + "/approve-resolve", supervisor, "{}");
        assertThat(self.status()).isEqualTo(409);
        assertThat(self.json().getString("code")).isEqualTo("four_eyes");
        assertThat(server.post("/api/v1/alerts/" + id + "/approve-resolve", server.token("risk-office"), "{}")
                        .status())
                .isEqualTo(403);
        Response approved = server.post(
                "/api/v1/alerts/" + id + "/approve-resolve",
                otherSupervisor,
                new JsonObject().put("comment", "同意").encode());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().getString("status")).isEqualTo("resolved");
        assertThat(approved.json().getString("resolvedBy")).contains("approved by 督查室 李四");
        assertThat(approved.json().getString("resolveReason")).isEqualTo("核实为一般事故, 误报");
        assertThat(server.get("/api/v1/alerts/" + id + "/history", supervisor).array("history").stream()
                        .map(o -> ((JsonObject) o).getString("kind")))
                .containsExactly("opened", "resolve-requested", "resolved");
    }
}
