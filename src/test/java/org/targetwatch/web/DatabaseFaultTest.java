package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.RawHttp.send;
import static org.targetwatch.support.Readings.reading;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.targetwatch.TargetWatch;
import org.targetwatch.config.AppConfig;
import org.targetwatch.support.MutableClock;
import org.targetwatch.support.RawHttp;

/**
 * Real faults of the embedded database: its postmaster is killed (SIGKILL) and stopped (SIGINT) under load. Every
 * answer is 201 or 503 (never 500, never a hang), the server restarts PostgreSQL by itself within seconds, every
 * acknowledged reading is still there, and the outage is logged once, not once per request.
 */
class DatabaseFaultTest {
    private static final String ADMIN = "fault-admin-token-0123456789";

    @Test
    void embeddedDatabaseKilledUnderLoadIsRestartedAndNothingAcknowledgedIsLost(@TempDir Path dataDir)
            throws Exception {
        AppConfig config = config("TARGETWATCH_DATA_DIR", dataDir.toString());
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        try (TargetWatch server = TargetWatch.start(config, new MutableClock())) {
            int port = server.port();
            RawHttp.registerStation(port, ADMIN, "st-f", "故障站");
            String officer = RawHttp.token(port, ADMIN, "officer");

            List<String> acknowledged = new ArrayList<>();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            int[] refused = {0};
            int[] hour = {0};
            for (String signal : List.of("KILL", "INT")) {
                long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                        .get(0)
                        .strip());
                AtomicBoolean killed = new AtomicBoolean();
                long killAt = System.nanoTime() + 500_000_000L;
                long recoveredAt = 0;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                    if (!killed.get() && System.nanoTime() > killAt) {
                        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                                .start()
                                .waitFor();
                        killed.set(true);
                    }
                    String observedAt =
                            java.time.LocalDateTime.of(2023, 1, 1, 0, 0).plusHours(hour[0]++) + ":00+08:00";
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = send(
                            port,
                            officer,
                            "POST",
                            "/api/v1/readings",
                            reading("PM2_5", "st-f", observedAt, 30, "ug/m3").encode());
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    if (r.statusCode() == 201) {
                        acknowledged.add(observedAt);
                        if (killed.get() && !pidAlive(pid)) {
                            recoveredAt = System.nanoTime();
                            break;
                        }
                    } else if (r.statusCode() == 503) {
                        refused[0]++;
                        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("database_unavailable");
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                        assertThat(millis).as("a refusal is fast").isLessThan(6000);
                    } else {
                        unexpected.add(r.statusCode() + " " + r.body());
                    }
                    Thread.sleep(20);
                }
                assertThat(unexpected).as("only 201 or 503").isEmpty();
                assertThat(recoveredAt)
                        .as("the server resumed by itself after SIG" + signal)
                        .isPositive();
                assertThat(send(port, null, "GET", "/health/ready", null).statusCode())
                        .isEqualTo(200);
                assertThat(send(port, null, "GET", "/health/live", null).statusCode())
                        .isEqualTo(200);
            }
            assertThat(refused[0]).as("the outages were seen").isPositive();

            // every reading answered 201 is stored, exactly once
            HttpResponse<String> stored = send(port, officer, "GET", "/api/v1/readings?subject=st-f&limit=10000", null);
            List<String> times = new ArrayList<>();
            new JsonObject(stored.body())
                    .getJsonArray("readings")
                    .forEach(o -> times.add(
                            java.time.OffsetDateTime.parse(((JsonObject) o).getString("observedAt"))
                                            .toLocalDateTime() + ":00+08:00"));
            assertThat(times).containsAll(acknowledged).doesNotHaveDuplicates();
        } finally {
            root.detachAppender(log);
        }
        List<ILoggingEvent> events = new ArrayList<>(log.list);
        assertThat(events.stream().filter(e -> e.getFormattedMessage().startsWith("database unavailable")))
                .as("one line per outage")
                .hasSizeBetween(1, 2);
        assertThat(events.stream().filter(e -> e.getFormattedMessage().startsWith("database available again")))
                .hasSizeBetween(1, 2);
        assertThat(events.stream().filter(e -> e.getLoggerName().endsWith("ErrorMapper")))
                .as("no log line per refused request")
                .isEmpty();
        assertThat(events.stream().filter(e -> e.getThrowableProxy() != null).count())
                .as("no stack traces")
                .isLessThanOrEqualTo(2);
    }

    /**
     * An embedded database that cannot be restarted (its pg_control is gone) makes the server give up after three
     * attempts: /health/live answers 503 so that the service manager restarts it. Once a restart succeeds again,
     * it is live again.
     */
    @Test
    void aDatabaseThatCannotBeRestartedMakesTheServerNotLive(@TempDir Path dataDir) throws Exception {
        AppConfig config = config("TARGETWATCH_DATA_DIR", dataDir.toString());
        try (TargetWatch server = TargetWatch.start(config, new MutableClock())) {
            int port = server.port();
            Path control = dataDir.resolve("postgres/global/pg_control");
            Path aside = dataDir.resolve("pg_control.aside");
            Files.move(control, aside);
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                    .get(0)
                    .strip());
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
            long until = System.nanoTime() + 60_000_000_000L;
            int live = 200;
            while (System.nanoTime() < until && live == 200) {
                live = send(port, null, "GET", "/health/live", null).statusCode();
                assertThat(send(port, ADMIN, "GET", "/api/v1/subjects", null).statusCode())
                        .isEqualTo(503);
                Thread.sleep(200);
            }
            assertThat(live).as("gave up after three failed restarts").isEqualTo(503);
            assertThat(send(port, null, "GET", "/health/live", null).body()).contains("could not be restarted");
            Files.move(aside, control);
            until = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < until && live != 200) {
                live = send(port, null, "GET", "/health/live", null).statusCode();
                Thread.sleep(200);
            }
            assertThat(live).as("live again once the database is back").isEqualTo(200);
            long ready = System.nanoTime() + 20_000_000_000L;
            int status = 0;
            while (System.nanoTime() < ready && status != 200) {
                status = send(port, ADMIN, "GET", "/api/v1/subjects", null).statusCode();
                Thread.sleep(200);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    /** An external server that goes away answers 503 fast; once it is back, the server reconnects by itself. */
    @Test
    void externalDatabaseThatGoesAwayGives503AndIsReconnected(@TempDir Path pgDir) throws Exception {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres external = externalServer(pgDir, 0);
        int pgPort = external.getPort();
        AppConfig config =
                config("TARGETWATCH_DB_URL", "postgresql://postgres:postgres@localhost:" + pgPort + "/postgres");
        try (TargetWatch server = TargetWatch.start(config, new MutableClock())) {
            int port = server.port();
            RawHttp.registerStation(port, ADMIN, "st-x", "外部站");
            long pid = Long.parseLong(
                    Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).strip());
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
            // a backend of the killed server may still answer a pooled connection for a moment: poll
            HttpResponse<String> r = null;
            long giveUp = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < giveUp) {
                long t0 = System.nanoTime();
                r = send(port, ADMIN, "GET", "/api/v1/subjects", null);
                assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
                assertThat((System.nanoTime() - t0) / 1_000_000)
                        .as("never a hang")
                        .isLessThan(6000);
                if (r.statusCode() == 503) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("database_unavailable");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            Thread.sleep(1500); // the supervisor's probe has seen it too
            HttpResponse<String> ready = send(port, null, "GET", "/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(send(port, null, "GET", "/health/live", null).statusCode())
                    .as("an external database is not the server's to restart: it stays live")
                    .isEqualTo(200);

            quietly(external);
            external = externalServer(pgDir, pgPort);
            long until = System.nanoTime() + 10_000_000_000L;
            int status = 0;
            while (System.nanoTime() < until && status != 200) {
                status = send(port, ADMIN, "GET", "/api/v1/subjects", null).statusCode();
                assertThat(status).isIn(200, 503);
                Thread.sleep(100);
            }
            assertThat(status).as("reconnected by itself").isEqualTo(200);
        } finally {
            quietly(external);
        }
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres externalServer(Path dir, int port)
            throws java.io.IOException {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder b =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false);
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    private static void quietly(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) {
        ch.qos.logback.classic.Logger lib = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class);
        ch.qos.logback.classic.Level level = lib.getLevel();
        lib.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            pg.close();
        } catch (Exception ignored) {
            // already stopped
        } finally {
            lib.setLevel(level);
        }
    }

    /** The server's configuration with its database named by one setting (a data directory or a URL). */
    private static AppConfig config(String databaseKey, String databaseValue) {
        return AppConfig.load(Map.of(
                databaseKey,
                databaseValue,
                "TARGETWATCH_HTTP_PORT",
                "0",
                "TARGETWATCH_HJ212_PORT",
                "0",
                "TARGETWATCH_HTTP_HOST",
                "127.0.0.1",
                "TARGETWATCH_ADMIN_TOKEN",
                ADMIN,
                "TARGETWATCH_WATCH_POLL_MILLIS",
                "3600000",
                "TARGETWATCH_CONFIG",
                "config/application.json"));
    }

    static boolean pidAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
    }

    private static boolean isZombie(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.charAt(s.lastIndexOf(')') + 2) == 'Z';
        } catch (Exception e) {
            return false;
        }
    }
}
