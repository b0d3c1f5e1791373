package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.Main;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import picocli.CommandLine;

/**
 * {@code targetwatch backup} and {@code restore} (issue 19): a backup taken while readings keep arriving is one
 * consistent snapshot (every station-day whole, an alert for each); restored into an empty database, a server finds
 * every reading, alert, hit and ruleset version there; restored into a fresh embedded data directory, a backup of it
 * has the same rows and checksums, table by table. A restore into a database that is not empty, a damaged backup
 * and a file that is no backup are refused with their exit codes, restoring nothing.
 */
class BackupRestoreTest {
    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static JsonObject manifest(Path backup) throws Exception {
        try (ZipFile zip = new ZipFile(backup.toFile())) {
            return new JsonObject(new String(
                    zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> sums(JsonObject manifest) {
        Map<String, String> out = new java.util.TreeMap<>();
        manifest.getJsonArray("tables")
                .forEach(t -> out.put(
                        ((JsonObject) t).getString("name"),
                        ((JsonObject) t).getLong("rows") + ":" + ((JsonObject) t).getString("sha256")));
        return out;
    }

    @Test
    void aBackupUnderLoadIsOneSnapshotAndRestoresWhole(@TempDir Path dir) throws Exception {
        String source = TestDatabase.newDatabaseUrl();
        Path backup = dir.resolve("targetwatch-backup.zip");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger posted = new AtomicInteger();
        try (TestServer server = new TestServer(source, Map.of())) {
            String officer = server.token("officer");
            server.register("air-station", "bk-1", "bk-2", "bk-3");
            for (String s : List.of("bk-1", "bk-2", "bk-3")) {
                server.ingest(officer, hourlyPm25(s, "2023-03-01", 24, 80));
            }
            // load: a whole station-day per request, each opening an alert, while the backup runs
            Thread load = new Thread(() -> {
                LocalDate d = LocalDate.of(2023, 4, 1);
                while (loading.get()) {
                    TestServer.Response r = server.post(
                            "/api/v1/readings",
                            officer,
                            hourlyPm25("bk-1", d.toString(), 24, 90).encode());
                    if (r.status() == 201) {
                        posted.incrementAndGet();
                    }
                    d = d.plusDays(1);
                }
            });
            load.start();
            while (posted.get() < 3) {
                Thread.sleep(20);
            }
            Run b = cli("backup", backup.toString(), "--db-url", source);
            loading.set(false);
            load.join();
            assertThat(b.code()).as(b.err()).isZero();
            assertThat(b.out()).contains("backup: ").contains("tables");
        }
        assertThat(posted.get()).isGreaterThan(3);
        JsonObject manifest = manifest(backup);
        assertThat(manifest.getString("format")).isEqualTo("targetwatch-backup");
        assertThat(sums(manifest))
                .containsKeys("readings", "alerts", "alert_events", "rule_hits", "rulesets", "subjects");

        // into an empty external database: the server finds everything the snapshot held
        String target = TestDatabase.newDatabaseUrl();
        Run r = cli("restore", backup.toString(), "--db-url", target);
        assertThat(r.code()).as(r.err()).isZero();
        for (String table : List.of("readings", "alerts", "alert_events", "rule_hits", "rulesets", "subjects")) {
            long rows = manifest.getJsonArray("tables").stream()
                    .map(o -> (JsonObject) o)
                    .filter(t -> t.getString("name").equals(table))
                    .findFirst()
                    .orElseThrow()
                    .getLong("rows");
            assertThat(TestDatabase.scalar(target, "SELECT count(*) FROM " + table))
                    .as(table)
                    .isEqualTo(rows);
        }
        // one snapshot: every station-day of the load whole, each with its alert
        assertThat(TestDatabase.rows(
                        target,
                        "SELECT count(*) FROM readings r JOIN series s ON s.id = r.series WHERE s.subject = 'bk-1'"
                                + " GROUP BY (r.observed_at AT TIME ZONE 'Asia/Shanghai')::date"))
                .allMatch(n -> n.equals("24"));
        long days = TestDatabase.scalar(
                target,
                "SELECT count(DISTINCT (r.observed_at AT TIME ZONE 'Asia/Shanghai')::date) FROM readings r"
                        + " JOIN series s ON s.id = r.series WHERE s.subject = 'bk-1'");
        assertThat(TestDatabase.scalar(target, "SELECT count(*) FROM alerts WHERE subject = 'bk-1'"))
                .isEqualTo(days);
        // every restored row is in its month's partition already: none waits in a default partition for the server
        for (String family : List.of("readings", "rule_hits", "alert_events")) {
            assertThat(TestDatabase.scalar(target, "SELECT count(*) FROM " + family + "_default"))
                    .as(family + "_default")
                    .isZero();
        }
        try (TestServer restored = new TestServer(target, Map.of())) {
            String risk = restored.token("risk-office");
            JsonArray alerts = restored.get("/api/v1/alerts?limit=1000", risk).array("alerts");
            assertThat((long) alerts.size()).isEqualTo(days + 2);
            long alert = alerts.getJsonObject(0).getLong("id");
            assertThat(restored.get("/api/v1/alerts/" + alert + "/history", risk)
                            .array("history"))
                    .isNotEmpty();
            assertThat(restored.get("/api/v1/rulesets", TestServer.ADMIN_TOKEN).array("rulesets"))
                    .isNotEmpty();
            // new rows get new ids: the sequences came along
            restored.register("air-station", "bk-after");
            long next = restored.ingest(restored.token("officer"), hourlyPm25("bk-after", "2023-03-01", 24, 80))
                    .array("alerts")
                    .getJsonObject(0)
                    .getLong("id");
            assertThat(next)
                    .isGreaterThan(alerts.stream()
                            .mapToLong(a -> ((JsonObject) a).getLong("id"))
                            .max()
                            .orElseThrow());
        }

        // into a fresh embedded data directory: a backup of it has the same rows and checksums, table by table
        Path data = dir.resolve("fresh-data");
        Run e = cli("restore", backup.toString(), "--data-dir", data.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(data.resolve("postgres/PG_VERSION")).isRegularFile();
        Path again = dir.resolve("again.zip");
        Run b2 = cli("backup", again.toString(), "--data-dir", data.toString());
        assertThat(b2.code()).as(b2.err()).isZero();
        assertThat(sums(manifest(again))).isEqualTo(sums(manifest));
        assertThat(manifest(again).getJsonArray("sequences")).isEqualTo(manifest.getJsonArray("sequences"));

        // refusals: a database that is not empty, a damaged backup, a file that is no backup
        Run notEmpty = cli("restore", backup.toString(), "--data-dir", data.toString());
        assertThat(notEmpty.code()).isEqualTo(6);
        assertThat(notEmpty.err()).contains("not empty");

        Path damaged = dir.resolve("damaged.zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(backup));
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(damaged))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("data/subjects.copy")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8)
                            .replace("bk-2", "bk-X")
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        String empty = TestDatabase.newDatabaseUrl();
        Run bad = cli("restore", damaged.toString(), "--db-url", empty);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("subjects").contains("damaged").contains("Nothing was restored");
        assertThat(TestDatabase.scalar(empty, "SELECT count(*) FROM subjects")).isZero();

        Path notABackup = dir.resolve("readings.csv");
        Files.writeString(notABackup, "subject,indicator\n");
        Run wrong = cli("restore", notABackup.toString(), "--db-url", TestDatabase.newDatabaseUrl());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("no TargetWatch backup");
        // after the damaged one was refused, the good one restores into the same database
        Run retry = cli("restore", backup.toString(), "--db-url", empty);
        assertThat(retry.code()).as(retry.err()).isZero();
        assertThat(TestDatabase.scalar(empty, "SELECT count(*) FROM subjects")).isEqualTo(3);
        Run missing = cli("restore", dir.resolve("nope.zip").toString(), "--db-url", TestDatabase.newDatabaseUrl());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no backup file");
    }
}
