package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** Backtests against a hand-computed expectation; a backtest never touches live data. */
class BacktestTest {
    private static TestServer server;
    private static String supervisor;

    @BeforeAll
    static void start() {
        server = new TestServer();
        supervisor = server.token("supervisor");
        String officer = server.token("officer");
        server.register("air-station", "bt-1");
        server.register("district", "bt-d");
        for (Object[] day : new Object[][] {{"2023-07-01", 72.0}, {"2023-07-02", 78.0}, {"2023-07-03", 74.0}}) {
            server.ingest(officer, hourlyPm25("bt-1", (String) day[0], 24, (Double) day[1]));
        }
        server.post(
                "/api/v1/readings",
                officer,
                reading("DEBT_RATIO", "bt-d", "2023-07-02T00:00:00+08:00", 110, "%")
                        .encode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Live: PM2.5 limit 75 → only 07-02 (78) breaches; the debt warning line (100) breaches at 110.
     * Candidate: limit 73 and the warning line disabled → 07-02 changes threshold, 07-03 (74) is added, the debt
     * alert is removed, 07-01 (72) stays clear.
     */
    /** A supervisor's backtest of 1–3 July 2023 with the given fields added to the request. */
    private static Response julyBacktest(JsonObject fields) {
        return server.post(
                "/api/v1/rulesets/backtest",
                supervisor,
                new JsonObject()
                        .put("from", "2023-07-01")
                        .put("to", "2023-07-03")
                        .mergeIn(fields)
                        .encode());
    }

    @Test
    void candidateIsComparedWithTheLiveRulesetOverStoredReadings() throws Exception {
        String thresholds = Files.readString(Path.of("rules/thresholds.json"));
        JsonObject doc = new JsonObject(thresholds);
        doc.getJsonArray("thresholds").forEach(o -> {
            JsonObject t = (JsonObject) o;
            if (t.getString("id").equals("GB3095-2012/PM2_5/24h/II")) {
                t.put("value", 73);
            }
            if (t.getString("id").equals("MOF/DEBT_RATIO/warning-line")) {
                t.put("enabled", false);
            }
        });
        long alerts = server.count("alerts");
        long hits = server.count("rule_hits");
        long airDays = server.count("air_daily");
        String pm25Day3 =
                TestDatabase.scalar(server.dbUrl, "SELECT count(*) FROM air_daily WHERE day = '2023-07-03'") + "";

        Response started =
                julyBacktest(new JsonObject().put("files", new JsonObject().put("thresholds.json", doc.encode())));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String jobId = started.json().getString("id");
        JsonObject job = null;
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(until)) {
            job = server.get("/api/v1/jobs/" + jobId, supervisor).json();
            if (job.getString("status").equals("done")
                    || job.getString("status").equals("failed")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(job.getString("status")).as(job.encode()).isEqualTo("done");
        assertThat(job.getJsonObject("progress").getLong("done")).isEqualTo(3);
        JsonObject result = job.getJsonObject("result");
        assertThat(result.getString("candidateVersion")).isNotEqualTo(result.getString("liveVersion"));
        // 72 hourly PM2.5 values and one debt ratio in 1–3 July, each evaluated under both rulesets
        assertThat(result.getLong("readingsEvaluated")).isEqualTo(73);
        assertThat(result.getDouble("seconds")).isPositive();
        assertThat(result.getLong("readingsPerSecond")).isPositive();
        JsonArray added = result.getJsonArray("added");
        assertThat(added).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("subject")).isEqualTo("bt-1");
            assertThat(a.getString("period")).isEqualTo("2023-07-03");
            assertThat(a.getDouble("value")).isEqualTo(74.0);
            assertThat(a.getDouble("thresholdValue")).isEqualTo(73.0);
        });
        assertThat(result.getJsonArray("removed")).singleElement().satisfies(o -> {
            JsonObject r = (JsonObject) o;
            assertThat(r.getString("rule")).isEqualTo("debt.ratio-over-warning-line");
            assertThat(r.getString("subject")).isEqualTo("bt-d");
        });
        assertThat(result.getJsonArray("changed")).singleElement().satisfies(o -> {
            JsonObject c = (JsonObject) o;
            assertThat(c.getJsonObject("live").getString("period")).isEqualTo("2023-07-02");
            assertThat(c.getJsonObject("live").getDouble("thresholdValue")).isEqualTo(75.0);
            assertThat(c.getJsonObject("candidate").getDouble("thresholdValue")).isEqualTo(73.0);
        });

        assertThat(server.count("alerts")).isEqualTo(alerts);
        assertThat(server.count("rule_hits")).isEqualTo(hits);
        assertThat(server.count("air_daily")).isEqualTo(airDays);
        assertThat(TestDatabase.scalar(server.dbUrl, "SELECT count(*) FROM air_daily WHERE day = '2023-07-03'") + "")
                .isEqualTo(pm25Day3);
    }

    @Test
    void backtestOfTheCurrentRulesChangesNothingAndCanBeAwaited() {
        Response r = server.post(
                "/api/v1/rulesets/backtest?wait=true",
                supervisor,
                new JsonObject()
                        .put("from", "2023-07-01")
                        .put("to", "2023-07-03")
                        .encode());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject result = r.json().getJsonObject("result");
        assertThat(result.getJsonArray("added")).isEmpty();
        assertThat(result.getJsonArray("removed")).isEmpty();
        assertThat(result.getJsonArray("changed")).isEmpty();
        assertThat(result.getInteger("unchanged")).isEqualTo(2);
    }

    /**
     * DRL is Java: a supervisor's uploaded DRL must never be compiled, let alone run. This one's consequence would
     * write the admin token to a file; it is refused with 403 naming the file, and nothing is written or stored.
     */
    @Test
    void supervisorsCannotUploadDrlCode(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path leak = tmp.resolve("leak.txt");
        String evil = """
                package org.targetwatch.rules.evil;
                import org.targetwatch.facts.Threshold;
                rule "evil"
                    @category("air") @severity("info") @description("x") @source("x")
                when
                    Threshold()
                then
                    java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "" + System.getenv());
                end
                """.formatted(leak.toString().replace("\\", "/"));
        long jobsBefore = server.count("rulesets");
        for (String path : new String[] {"/api/v1/rulesets/backtest", "/api/v1/rulesets/backtest?wait=true"}) {
            Response r = server.post(
                    path,
                    supervisor,
                    new JsonObject()
                            .put("from", "2023-07-01")
                            .put("to", "2023-07-03")
                            .put("files", new JsonObject().put("evil.drl", evil))
                            .encode());
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().getString("code")).isEqualTo("forbidden");
            assertThat(r.json().getString("field")).isEqualTo("files.evil.drl");
        }
        // replacing a live DRL file is code too
        Response over = julyBacktest(new JsonObject().put("files", new JsonObject().put("air.drl", evil)));
        assertThat(over.status()).isEqualTo(403);
        Thread.sleep(300);
        assertThat(leak).doesNotExist();
        assertThat(server.count("rulesets")).isEqualTo(jobsBefore);
        // an admin may not smuggle it through the backtest either: backtest is the supervisor's
        assertThat(server.post(
                                "/api/v1/rulesets/backtest",
                                TestServer.ADMIN_TOKEN,
                                new JsonObject()
                                        .put("from", "2023-07-01")
                                        .put("to", "2023-07-03")
                                        .encode())
                        .status())
                .isEqualTo(403);
        // and a supervisor may not stage
        Response staged = server.send(
                java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/rulesets/staged"))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject()
                                .put("files", new JsonObject().put("evil.drl", evil))
                                .encode())),
                supervisor);
        assertThat(staged.status()).isEqualTo(403);
        assertThat(leak).doesNotExist();
    }

    @Test
    void invalidUploadsAreRefusedWithTheField() {
        Response badName = julyBacktest(new JsonObject().put("files", new JsonObject().put("../etc/passwd", "x")));
        assertThat(badName.status()).isEqualTo(422);
        assertThat(badName.json().getString("field")).isEqualTo("files.../etc/passwd");
        Response unknownTable = julyBacktest(new JsonObject().put("files", new JsonObject().put("extra.json", "{}")));
        assertThat(unknownTable.status()).isEqualTo(422);
        assertThat(unknownTable.json().getString("field")).isEqualTo("files.extra.json");
        Response brokenTable = julyBacktest(new JsonObject()
                .put("files", new JsonObject().put("thresholds.json", "{\"thresholds\": [{\"id\": 3}]}")));
        assertThat(brokenTable.status()).isEqualTo(422);
        assertThat(brokenTable.json().getString("code")).isEqualTo("invalid_ruleset");
        assertThat(brokenTable.json().getString("field")).startsWith("thresholds.json");
        Response badCandidate = julyBacktest(new JsonObject().put("candidate", "mine"));
        assertThat(badCandidate.json().getString("field")).isEqualTo("candidate");
        Response badPeriod = server.post(
                "/api/v1/rulesets/backtest",
                supervisor,
                new JsonObject()
                        .put("from", "2023-07-03")
                        .put("to", "2023-07-01")
                        .encode());
        assertThat(badPeriod.json().getString("field")).isEqualTo("to");
        assertThat(server.get("/api/v1/jobs/nope", supervisor).status()).isEqualTo(404);
    }

    /**
     * An admin stages a candidate DRL; it is checked like a live one (package, metadata, build errors with file and
     * line), shown in the ruleset diff, and supervisors backtest it. It never runs live.
     */
    @Test
    void adminStagesDrlAndSupervisorsBacktestIt() {
        Response foreign =
                stage(new JsonObject().put("extra.drl", "package x;\nrule \"a\"\nwhen\n  Nothing(\nthen\nend\n"));
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(foreign.json().getJsonArray("errors").stream().map(o -> ((JsonObject) o).getString("field")))
                .contains("extra.drl:1")
                .allMatch(f -> f.startsWith("extra.drl"));
        Response noMeta = stage(new JsonObject().put("extra.drl", """
                package org.targetwatch.rules.extra;
                import org.targetwatch.facts.DailyStat;

                rule "extra.no-metadata"
                    @category("air")
                when
                    DailyStat()
                then
                end
                """));
        assertThat(noMeta.status()).isEqualTo(422);
        assertThat(noMeta.json().getString("field")).isEqualTo("extra.drl:4");
        assertThat(noMeta.json().getJsonArray("errors").getJsonObject(0).getString("message"))
                .contains("@severity")
                .contains("@description")
                .contains("@source");
        assertThat(server.get("/api/v1/rulesets/staged", supervisor).status()).isEqualTo(404);

        // a stricter daily rule: PM2.5 daily mean above 73 (07-02 at 78 and 07-03 at 74)
        String drl = """
                package org.targetwatch.rules.extra;
                import org.targetwatch.facts.Breach;
                import org.targetwatch.facts.DailyStat;
                import org.targetwatch.facts.Threshold;

                // a staged trial rule
                rule "extra.pm25-over-73"
                    @category("air")
                    @severity("info")
                    @description("trial")
                    @source("trial")
                when
                    $d : DailyStat(indicator == "PM2_5", mean > 73)
                    $t : Threshold(id == "GB3095-2012/PM2_5/24h/II")
                then
                    insert(new Breach(drools.getRule().getName(), $d.subject(), $d.indicator(), $d.date().toString(),
                                      $d.mean(), $t, $d.readingIds()));
                end
                """;
        long alerts = server.count("alerts");
        Response ok = stage(new JsonObject().put("extra.drl", drl));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        String version = ok.json().getString("version");
        assertThat(ok.json().getString("stagedBy")).contains("admin");
        Response shown = server.get("/api/v1/rulesets/staged", supervisor);
        assertThat(shown.json().getString("version")).isEqualTo(version);
        Response diff = server.get("/api/v1/rulesets/current/diff/staged", supervisor);
        assertThat(diff.status()).as(diff.body()).isEqualTo(200);
        assertThat(diff.json().getJsonArray("files")).singleElement().satisfies(o -> {
            assertThat(((JsonObject) o).getString("file")).isEqualTo("extra.drl");
            assertThat(((JsonObject) o).getString("status")).isEqualTo("added");
            assertThat(((JsonObject) o).getString("diff")).contains("+rule \"extra.pm25-over-73\"");
        });
        assertThat(server.get("/api/v1/rulesets", supervisor).json().getJsonArray("rulesets").stream()
                        .map(o -> (JsonObject) o)
                        .filter(o -> o.getString("version").equals(version))
                        .findFirst()
                        .orElseThrow()
                        .getString("origin"))
                .isEqualTo("staged");

        Response bt = server.post(
                "/api/v1/rulesets/backtest?wait=true",
                supervisor,
                new JsonObject()
                        .put("from", "2023-07-01")
                        .put("to", "2023-07-03")
                        .put("candidate", "staged")
                        .encode());
        assertThat(bt.status()).as(bt.body()).isEqualTo(200);
        JsonObject result = bt.json().getJsonObject("result");
        assertThat(result.getString("candidateVersion")).isEqualTo(version);
        assertThat(result.getJsonArray("added").stream()
                        .map(o -> ((JsonObject) o).getString("rule") + "@" + ((JsonObject) o).getString("period")))
                .containsExactlyInAnyOrder("extra.pm25-over-73@2023-07-02", "extra.pm25-over-73@2023-07-03");
        // staged rules never run live
        assertThat(server.count("alerts")).isEqualTo(alerts);
        assertThat(server.get("/api/v1/rules", supervisor).body()).doesNotContain("extra.pm25-over-73");

        assertThat(server.delete("/api/v1/rulesets/staged", supervisor).status())
                .isEqualTo(403);
        assertThat(server.delete("/api/v1/rulesets/staged", TestServer.ADMIN_TOKEN)
                        .status())
                .isEqualTo(204);
        assertThat(server.get("/api/v1/rulesets/staged", supervisor).status()).isEqualTo(404);
        Response none = julyBacktest(new JsonObject().put("candidate", "staged"));
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.json().getString("field")).isEqualTo("candidate");
    }

    private static Response stage(JsonObject files) {
        return server.send(
                java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/rulesets/staged"))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                new JsonObject().put("files", files).encode())),
                TestServer.ADMIN_TOKEN);
    }
}
