package org.targetwatch.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

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
        server.post("/api/v1/readings", officer,
                reading("DEBT_RATIO", "bt-d", "2023-07-02T00:00:00+08:00", 110, "%").encode());
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
        String pm25Day3 = TestDatabase.scalar(server.dbUrl, "SELECT count(*) FROM air_daily WHERE day = '2023-07-03'") + "";

        Response started = server.post("/api/v1/rulesets/backtest", supervisor, new JsonObject()
                .put("from", "2023-07-01").put("to", "2023-07-03")
                .put("files", new JsonObject().put("thresholds.json", doc.encode())).encode());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String jobId = started.json().getString("id");
        JsonObject job = null;
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(until)) {
            job = server.get("/api/v1/jobs/" + jobId, supervisor).json();
            if (!job.getString("status").equals("running")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(job.getString("status")).as(job.encode()).isEqualTo("done");
        assertThat(job.getJsonObject("progress").getLong("done")).isEqualTo(3);
        JsonObject result = job.getJsonObject("result");
        assertThat(result.getString("candidateVersion")).isNotEqualTo(result.getString("liveVersion"));
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
        Response r = server.post("/api/v1/rulesets/backtest?wait=true", supervisor,
                new JsonObject().put("from", "2023-07-01").put("to", "2023-07-03").encode());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject result = r.json().getJsonObject("result");
        assertThat(result.getJsonArray("added")).isEmpty();
        assertThat(result.getJsonArray("removed")).isEmpty();
        assertThat(result.getJsonArray("changed")).isEmpty();
        assertThat(result.getInteger("unchanged")).isEqualTo(2);
    }

    @Test
    void brokenCandidateIsRefusedWithFileAndLine() {
        Response r = server.post("/api/v1/rulesets/backtest", supervisor, new JsonObject()
                .put("from", "2023-07-01").put("to", "2023-07-03")
                .put("files", new JsonObject().put("extra.drl", "package x;\nrule \"a\"\nwhen\n  Nothing(\nthen\nend\n"))
                .encode());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().getString("field")).startsWith("extra.drl:");
        Response badName = server.post("/api/v1/rulesets/backtest", supervisor, new JsonObject()
                .put("from", "2023-07-01").put("to", "2023-07-03")
                .put("files", new JsonObject().put("../etc/passwd", "x")).encode());
        assertThat(badName.status()).isEqualTo(422);
        Response badPeriod = server.post("/api/v1/rulesets/backtest", supervisor,
                new JsonObject().put("from", "2023-07-03").put("to", "2023-07-01").encode());
        assertThat(badPeriod.json().getString("field")).isEqualTo("to");
        assertThat(server.get("/api/v1/jobs/nope", supervisor).status()).isEqualTo(404);
    }
}
