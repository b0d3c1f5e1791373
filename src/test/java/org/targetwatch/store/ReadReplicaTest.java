package org.targetwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.Readings;
import org.targetwatch.support.Replica;
import org.targetwatch.support.TestServer;

/**
 * {@code dbReadUrl} against a real streaming replica started in the test: reports, air pages and exports read the
 * replica, lists and writes the primary; a paused replica shows its lag, a stopped one gives its reads back to the
 * primary without the server becoming unready, and a restarted one takes them again.
 */
class ReadReplicaTest {
    private static final String STATION = "rr-1";
    private static final String DISTRICT = "rr-d";
    private static final String DAYS = "/api/v1/air/days?subject=" + STATION + "&from=2023-07-01&to=2023-07-02";
    private static final String LIST = "/api/v1/readings?subject=" + STATION + "&indicator=PM2_5&limit=1000";
    private static final String EXPORT = "/api/v1/readings?subject=" + STATION + "&indicator=PM2_5&format=csv";

    @Test
    void reportsAndExportsReadTheReplicaListsThePrimaryAndAStoppedReplicaFallsBack() throws Exception {
        Path primaryDir = Files.createTempDirectory("tw-primary");
        Path replicaDir = Files.createTempDirectory("tw-replica");
        try (EmbeddedPostgres primary = EmbeddedPostgres.builder()
                .setDataDirectory(primaryDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .start()) {
            String primaryUrl = "postgresql://postgres@localhost:" + primary.getPort() + "/postgres";
            Replica replica = Replica.of(primary.getPort(), primaryDir, replicaDir);
            boolean replicaOpen = true;
            try (TestServer server = new TestServer(primaryUrl, Map.of("TARGETWATCH_DB_READ_URL", replica.url()))) {
                String officer = server.token("officer");
                awaitReady(server, s -> "replica".equals(s.getString("servingReads")), "the replica to serve reads");

                TestServer.Response registered = server.post(
                        "/api/v1/subjects",
                        TestServer.ADMIN_TOKEN,
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("id", DISTRICT)
                                        .put("kind", "district")
                                        .put("name", "副本区"))
                                .add(new JsonObject()
                                        .put("id", STATION)
                                        .put("kind", "air-station")
                                        .put("name", "副本站")
                                        .put("settings", new JsonObject().put("district", DISTRICT)))
                                .encode());
                assertEquals(201, registered.status(), registered.body());
                server.ingest(officer, Readings.hourlyPm25(STATION, "2023-07-01", 24, 40));
                // the standby replays the primary's commits within moments: the routed pages show them then
                awaitDays(server, officer, 1);
                assertEquals(24, exportRows(server, officer));
                assertEquals(
                        200, server.get("/api/v1/compliance?year=2023", officer).status());

                // replay paused: the primary has the new day, the replica (and so the routed pages) not yet
                replica.execute("SELECT pg_wal_replay_pause()");
                server.ingest(officer, Readings.hourlyPm25(STATION, "2023-07-02", 24, 90));
                assertEquals(48, server.get(LIST, officer).array("readings").size(), "the list reads the primary");
                Thread.sleep(1500); // time the replica would need, were it replaying
                assertEquals(1, days(server, officer).size(), "air days read the paused replica");
                assertEquals(24, exportRows(server, officer), "the export reads the paused replica");
                // the reports are answered by the standby, which refuses any write: none of them writes
                String supervisor = server.token("supervisor");
                for (String report : new String[] {
                    "/api/v1/compliance?year=2023",
                    "/api/v1/targets?year=2023&district=" + DISTRICT,
                    "/api/v1/air/summary?subject=" + DISTRICT + "&year=2023",
                    "/api/v1/air/daily?subject=" + STATION + "&date=2023-07-01",
                    "/api/v1/reports/monthly?month=2023-07&district=" + DISTRICT,
                    "/api/v1/reports/monthly?month=2023-07&district=" + DISTRICT + "&format=xlsx",
                    "/api/v1/alerts?format=csv",
                    "/api/v1/rule-hits?format=csv"
                }) {
                    TestServer.Response r = server.get(report, supervisor);
                    assertEquals(200, r.status(), report + ": " + r.body());
                }
                String july = server.get("/api/v1/reports/monthly?month=2023-07&district=" + DISTRICT, supervisor)
                        .body();
                assertTrue(july.contains("{\"date\":\"2023-07-01\""), july);
                assertFalse(july.contains("2023-07-02"), "the monthly report reads the paused replica: " + july);
                JsonObject lagging = awaitReady(
                        server, s -> s.getLong("lagBytes", 0L) > 0, "the paused replica's lag to be reported");
                assertEquals("UP", lagging.getString("status"));

                replica.execute("SELECT pg_wal_replay_resume()");
                awaitDays(server, officer, 2);
                assertEquals(48, exportRows(server, officer));
                assertTrue(server.get("/api/v1/reports/monthly?month=2023-07&district=" + DISTRICT, supervisor)
                        .body()
                        .contains("{\"date\":\"2023-07-02\""));

                // the replica stops: its reads go to the primary, the server stays ready
                replica.close();
                replicaOpen = false;
                JsonObject down =
                        awaitReady(server, s -> "primary".equals(s.getString("servingReads")), "reads to fall back");
                assertEquals("DOWN", down.getString("status"));
                assertTrue(down.containsKey("reason"), down.encode());
                server.ingest(officer, Readings.hourlyPm25(STATION, "2023-07-03", 24, 30));
                TestServer.Response later =
                        server.get("/api/v1/air/days?subject=" + STATION + "&from=2023-07-01&to=2023-07-03", officer);
                assertEquals(200, later.status(), later.body());
                assertEquals(3, later.array("days").size(), "the primary serves the routed page at once");
                assertEquals(72, exportRows(server, officer));
                TestServer.Response ready = server.get("/health/ready", null);
                assertEquals(200, ready.status(), ready.body());
                assertEquals("UP", ready.json().getString("status"));

                // started again on its data directory, it catches up from its slot and takes the reads back
                replica = replica.restarted();
                replicaOpen = true;
                awaitReady(server, s -> "replica".equals(s.getString("servingReads")), "the replica to serve again");
                awaitRows(server, officer, 72);
            } finally {
                if (replicaOpen) {
                    replica.close();
                }
            }
        }
    }

    @Test
    void withoutAReplicaTheReadyAnswerHasNoReplicaPart() {
        try (TestServer server = new TestServer()) {
            JsonObject ready = server.get("/health/ready", null).json();
            assertEquals("UP", ready.getString("status"));
            assertFalse(ready.containsKey("readReplica"), ready.encode());
        }
    }

    private static JsonArray days(TestServer server, String token) {
        TestServer.Response r = server.get(DAYS, token);
        assertEquals(200, r.status(), r.body());
        return r.array("days");
    }

    private static int exportRows(TestServer server, String token) {
        TestServer.Response r = server.get(EXPORT, token);
        assertEquals(200, r.status(), r.body());
        return (int) r.body().lines().filter(l -> !l.isBlank()).count() - 1; // less the header
    }

    private static void awaitDays(TestServer server, String token, int n) throws InterruptedException {
        long giveUp = System.nanoTime() + 20_000_000_000L;
        while (days(server, token).size() != n) {
            assertTrue(System.nanoTime() < giveUp, "the replica did not show " + n + " days within 20 s");
            Thread.sleep(100);
        }
    }

    private static void awaitRows(TestServer server, String token, int n) throws InterruptedException {
        long giveUp = System.nanoTime() + 20_000_000_000L;
        while (exportRows(server, token) != n) {
            assertTrue(System.nanoTime() < giveUp, "the export did not show " + n + " rows within 20 s");
            Thread.sleep(100);
        }
    }

    /** Polls /health/ready until its readReplica part satisfies {@code done}; returns that part. */
    private static JsonObject awaitReady(TestServer server, Predicate<JsonObject> done, String what)
            throws InterruptedException {
        long giveUp = System.nanoTime() + 20_000_000_000L;
        while (true) {
            TestServer.Response r = server.get("/health/ready", null);
            JsonObject part = r.json().getJsonObject("readReplica");
            if (part != null && done.test(part)) {
                return part;
            }
            assertTrue(System.nanoTime() < giveUp, "waited 20 s for " + what + "; last: " + r.body());
            Thread.sleep(100);
        }
    }
}
