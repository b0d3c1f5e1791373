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

    private Process launch(Path dataDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.targetwatch.Main");
        pb.environment().put("TARGETWATCH_DATA_DIR", dataDir.toString());
        pb.environment().put("TARGETWATCH_HTTP_PORT", "0");
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
