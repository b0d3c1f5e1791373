package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Jobs live in PostgreSQL: any instance answers for any job, a job survives a restart, a job whose instance died
 * (its lease ran out) is taken over by another, and one abandoned too often is failed with the reason.
 */
class JobsTest {
    private static JsonObject await(TestServer server, String token, String id) throws InterruptedException {
        long until = System.nanoTime() + 30_000_000_000L;
        JsonObject job = null;
        while (System.nanoTime() < until) {
            Response r = server.get("/api/v1/jobs/" + id, token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            job = r.json();
            if (job.getString("status").equals("done")
                    || job.getString("status").equals("failed")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job did not finish: " + job);
    }

    @Test
    void jobsAreSharedByInstancesSurviveRestartsAndAreTakenOverWhenTheirInstanceDies() throws Exception {
        String db;
        String id;
        JsonObject done;
        try (TestServer a = new TestServer();
                TestServer b = new TestServer(a.dbUrl, Map.of())) {
            db = a.dbUrl;
            String supervisor = a.token("supervisor");
            a.register("air-station", "jb-1");
            a.ingest(a.token("officer"), hourlyPm25("jb-1", "2023-07-02", 24, 78.0));
            Response started = a.post(
                    "/api/v1/rulesets/backtest",
                    supervisor,
                    new JsonObject()
                            .put("from", "2023-07-01")
                            .put("to", "2023-07-03")
                            .encode());
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            id = started.json().getString("id");
            assertThat(started.json().getString("status")).isIn("queued", "running", "done");
            done = await(b, supervisor, id); // asked on the other instance
            assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
            assertThat(done.getJsonObject("result").getInteger("unchanged")).isEqualTo(1);
            assertThat(done.getJsonObject("progress").getLong("done")).isEqualTo(3);

            // a job claimed by an instance that died: its lease has run out; a live instance takes it over
            String params = TestDatabase.scalar(db, "SELECT count(*) FROM jobs") > 0
                    ? "(SELECT params FROM jobs" + " WHERE id = '" + id + "')"
                    : "'{}'";
            String orphan = UUID.randomUUID().toString();
            TestDatabase.execute(
                    db,
                    "INSERT INTO jobs (id, kind, status, params, created_by, created_at, instance,"
                            + " lease_until, attempts) VALUES ('" + orphan + "', 'backtest', 'running', " + params
                            + ", 'test', now(), 'dead-host/0', now() - interval '1 minute', 1)");
            JsonObject takenOver = await(a, supervisor, orphan);
            assertThat(takenOver.getString("status")).as(takenOver.encode()).isEqualTo("done");
            assertThat(takenOver.getInteger("attempts")).isEqualTo(2);
            assertThat(takenOver.getString("instance")).isNotEqualTo("dead-host/0");

            // one abandoned as often as allowed is failed with the reason, not run again
            String hopeless = UUID.randomUUID().toString();
            TestDatabase.execute(
                    db,
                    "INSERT INTO jobs (id, kind, status, params, created_by, created_at, instance,"
                            + " lease_until, attempts) VALUES ('" + hopeless + "', 'backtest', 'running', " + params
                            + ", 'test', now(), 'dead-host/0', now() - interval '1 minute', 3)");
            JsonObject failed = await(b, supervisor, hopeless);
            assertThat(failed.getString("status")).isEqualTo("failed");
            assertThat(failed.getJsonObject("error").getString("message"))
                    .contains("dead-host/0")
                    .contains("3");

            assertThat(a.get("/api/v1/jobs/" + UUID.randomUUID(), supervisor).status())
                    .isEqualTo(404);
            assertThat(a.get("/api/v1/jobs/not-a-uuid", supervisor).status()).isEqualTo(404);
        }
        try (TestServer restarted = new TestServer(db, Map.of())) {
            Response after = restarted.get("/api/v1/jobs/" + id, restarted.token("supervisor"));
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.json().getJsonObject("result")).isEqualTo(done.getJsonObject("result"));
        }
    }
}
