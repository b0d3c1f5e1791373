package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.RawHttp.send;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.RawHttp;

/**
 * The real server process, killed with SIGKILL: its embedded PostgreSQL outlives it (re-parented to init) and
 * holds the data directory. Started again on the same data directory, the server recognises that postmaster as
 * its own, stops it, starts PostgreSQL afresh and serves every reading it acknowledged before the kill.
 */
class KillRestartTest {
    private static final String ADMIN = "kill-admin-token-0123456789";
    private static final Pattern LISTENING = Pattern.compile("TargetWatch listening on http://[^:]+:(\\d+)");

    @Test
    void startAfterKillNineJustWorks(@TempDir Path dataDir) throws Exception {
        Process first = launch(dataDir);
        long orphan = -1;
        try {
            int port = awaitListening(first);
            RawHttp.registerStation(port, ADMIN, "st-k", "站");
            String officer = RawHttp.token(port, ADMIN, "officer");
            assertThat(send(
                                    port,
                                    officer,
                                    "POST",
                                    "/api/v1/readings",
                                    hourlyPm25("st-k", "2023-03-01", 24, 80.0).encode())
                            .statusCode())
                    .isEqualTo(201);

            orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                    .get(0)
                    .strip());
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(DatabaseFaultTest.pidAlive(orphan))
                    .as("the postmaster outlived its server")
                    .isTrue();

            Process second = launch(dataDir);
            try {
                int port2 = awaitListening(second);
                assertThat(DatabaseFaultTest.pidAlive(orphan))
                        .as("the orphan was stopped")
                        .isFalse();
                assertThat(send(port2, null, "GET", "/health/ready", null).statusCode())
                        .isEqualTo(200);
                HttpResponse<String> readings = send(port2, officer, "GET", "/api/v1/readings?subject=st-k", null);
                assertThat(new JsonObject(readings.body()).getJsonArray("readings"))
                        .hasSize(24);
            } finally {
                second.destroy(); // SIGTERM: graceful, stops its PostgreSQL
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(Files.exists(dataDir.resolve("postgres/postmaster.pid")))
                    .as("stopped cleanly")
                    .isFalse();
        } finally {
            first.destroyForcibly();
            if (orphan > 0 && DatabaseFaultTest.pidAlive(orphan)) {
                new ProcessBuilder("kill", "-9", Long.toString(orphan)).start().waitFor();
            }
        }
    }

    /**
     * Five years of 50 stations (2,191,200 readings) imported with the {@code import} command; the server is killed
     * (SIGKILL) while the import applies its station-days and started again on the same port. The command waits
     * for it, the new server takes the job over when the dead one's lease runs out, continues after the cursor, and
     * every station-day is applied exactly once: every hour stored once, no station-day partial, no second revision.
     */
    @Test
    void anImportKilledWhileApplyingContinuesAndTheCommandFollowsItToTheEnd(@TempDir Path dataDir) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // five years of 50 stations: 2,191,200 hourly readings, about 120 MB of CSV
        int stations = 50;
        java.time.ZonedDateTime t =
                java.time.ZonedDateTime.of(2019, 1, 1, 0, 0, 0, 0, java.time.ZoneId.of("Asia/Shanghai"));
        int hours = (int) java.time.Duration.between(t, t.plusYears(5)).toHours();
        long total = (long) hours * stations;
        Path file = dataDir.resolveSibling(dataDir.getFileName() + "-years.csv");
        try (java.io.Writer w = Files.newBufferedWriter(file)) {
            w.write("indicator,subject,observedAt,value,unit\n");
            for (int h = 0; h < hours; h++) {
                String at = t.plusHours(h).toOffsetDateTime().toString();
                for (int s = 0; s < stations; s++) {
                    w.write("PM2_5,imp-k" + s + "," + at + "," + (20 + (h + s) % 30) + ",ug/m3\n");
                }
            }
        }
        Process first = launch(dataDir, port);
        Process second = null;
        long orphan = -1;
        try {
            awaitListening(first);
            for (int s = 0; s < stations; s++) {
                RawHttp.registerStation(port, ADMIN, "imp-k" + s, "站" + s);
            }
            String officer = RawHttp.token(port, ADMIN, "officer");
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            CompletableFuture<Integer> command = CompletableFuture.supplyAsync(() -> org.targetwatch.Main.commandLine()
                    .setOut(new java.io.PrintWriter(out, true))
                    .setErr(new java.io.PrintWriter(err, true))
                    .execute(
                            "import",
                            file.toString(),
                            "--server",
                            "http://127.0.0.1:" + port,
                            "--token",
                            officer,
                            "--poll-millis",
                            "200"));
            long applied = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (applied == 0 && System.nanoTime() < deadline) {
                HttpResponse<String> list = send(port, officer, "GET", "/api/v1/imports", null);
                var imports = new JsonObject(list.body()).getJsonArray("imports");
                applied = imports.isEmpty() ? 0 : imports.getJsonObject(0).getLong("applied");
                Thread.sleep(50);
            }
            assertThat(applied).as("the import applied its first station-days").isPositive();
            orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                    .get(0)
                    .strip());
            first.destroyForcibly(); // SIGKILL, in the middle of the applying phase
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

            second = launch(dataDir, port);
            awaitListening(second);
            int code = command.get(900, TimeUnit.SECONDS);
            assertThat(code).as(out + "\n" + err).isZero();
            assertThat(err.toString()).contains("服务器暂时无法连接");
            JsonObject done = new JsonObject(
                            send(port, officer, "GET", "/api/v1/imports", null).body())
                    .getJsonArray("imports")
                    .getJsonObject(0);
            assertThat(done.getString("status")).isEqualTo("done");
            assertThat(done.getLong("applied")).isEqualTo(total);
            assertThat(done.getLong("stored") + done.getLong("unchanged")).isEqualTo(total);
            assertThat(applied).isLessThan(total);
            // in the server's own database: every hour once, every station-day whole, no second revision
            String db = "postgresql://postgres@localhost:"
                    + Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                            .get(3)
                            .strip()
                    + "/postgres";
            assertThat(org.targetwatch.support.TestDatabase.scalar(db, "SELECT count(*) FROM readings"))
                    .isEqualTo(total);
            assertThat(org.targetwatch.support.TestDatabase.scalar(
                            db, "SELECT count(*) FROM readings WHERE revision > 1"))
                    .isZero();
            assertThat(org.targetwatch.support.TestDatabase.scalar(
                            db,
                            "SELECT count(*) FROM (SELECT series, (observed_at AT TIME ZONE 'Asia/Shanghai')::date"
                                    + " FROM readings GROUP BY 1, 2 HAVING count(*) <> 24) partial"))
                    .as("station-days not whole")
                    .isZero();
            assertThat(org.targetwatch.support.TestDatabase.scalar(db, "SELECT count(*) FROM import_rows"))
                    .isZero();
            System.out.printf(
                    "import of %d readings: killed at %d applied, finished by the next server%n", total, applied);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            if (orphan > 0 && DatabaseFaultTest.pidAlive(orphan)) {
                new ProcessBuilder("kill", "-9", Long.toString(orphan)).start().waitFor();
            }
            Files.deleteIfExists(file);
        }
    }

    private Process launch(Path dataDir) throws Exception {
        return launch(dataDir, 0);
    }

    private Process launch(Path dataDir, int httpPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.targetwatch.Main");
        pb.environment().put("TARGETWATCH_DATA_DIR", dataDir.toString());
        pb.environment().put("TARGETWATCH_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("TARGETWATCH_HJ212_PORT", "0");
        pb.environment().put("TARGETWATCH_HTTP_HOST", "127.0.0.1");
        pb.environment().put("TARGETWATCH_ADMIN_TOKEN", ADMIN);
        pb.environment().put("TARGETWATCH_CONFIG", "config/application.json");
        pb.environment().remove("TARGETWATCH_DB_URL");
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** Reads the process's log until it says which port it listens on (and keeps draining it afterwards). */
    private static int awaitListening(Process p) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            port.completeExceptionally(new AssertionError("server exited: " + seen));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (seen) {
                throw new AssertionError("server did not start in time: " + seen);
            }
        }
    }
}
