package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.WebhookReceiver;

/**
 * Imports (POST /api/v1/imports): a quarter of hourly history of two stations as one job, with its refused rows
 * listed, its alerts historical and one summary notification for the office; the same file again stores nothing;
 * refused requests keep nothing.
 */
class ImportsTest {
    private static final LocalDate FIRST = LocalDate.of(2023, 1, 1);
    private static final int DAYS = 90;

    /** Long-layout CSV: two stations, DAYS days of hourly PM2.5; days 10 and 40 of station A over 75 µg/m³. */
    static String history() {
        StringBuilder b = new StringBuilder("indicator,subject,observedAt,value,unit\r\n");
        for (int d = 0; d < DAYS; d++) {
            LocalDate day = FIRST.plusDays(d);
            for (String station : List.of("imp-a", "imp-b")) {
                for (int h = 0; h < 24; h++) {
                    double v = station.equals("imp-a") && (d == 10 || d == 40) ? 120 : 20 + (h % 5);
                    b.append(String.format("PM2_5,%s,%sT%02d:00:00+08:00,%s,ug/m3\r\n", station, day, h, v));
                }
            }
        }
        return b.toString();
    }

    private static TestServer.Response upload(TestServer server, String token, String query, String type, byte[] body) {
        return server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/imports" + query))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                token);
    }

    private static JsonObject finished(TestServer server, String token, String id) throws InterruptedException {
        await(
                () -> {
                    String s = server.get("/api/v1/imports/" + id, token).json().getString("status");
                    return s.equals("done") || s.equals("failed");
                },
                "the import to finish");
        return server.get("/api/v1/imports/" + id, token).json();
    }

    @Test
    void aQuarterOfHistoryImportsAsOneJobRefusingBadRowsAndNotifyingOnce(@TempDir Path dir) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Path routing = receiver.airOfficeRouting(dir.resolve("routing.json"), "webhook-secret-0123456789");
            Map<String, String> env = Map.of(
                    "TARGETWATCH_ROUTING_FILE", routing.toString(),
                    "TARGETWATCH_DELIVERY_POLL_MILLIS", "50",
                    "TARGETWATCH_LIVE_WINDOW_HOURS", "48");
            try (TestServer server = new TestServer(env)) {
                server.clock.set(Instant.parse("2023-06-01T04:00:00Z"));
                server.register("air-station", "imp-a", "imp-b");
                String officer = server.token("officer");
                String risk = server.token("risk-office");
                String file = history()
                        // three bad rows: an unknown station, a value that is no number, a second value for an hour
                        + "PM2_5,imp-zz,2023-01-01T00:00:00+08:00,30,ug/m3\r\n"
                        + "PM2_5,imp-b,2023-01-02T00:00:00+08:00,abc,ug/m3\r\n"
                        + "PM2_5,imp-b,2023-01-03T05:00:00+08:00,99,ug/m3\r\n";
                long readingsBefore = server.count("readings");

                TestServer.Response posted = upload(
                        server, officer, "?name=" + "history.csv", "text/csv", file.getBytes(StandardCharsets.UTF_8));
                assertThat(posted.status()).as(posted.body()).isEqualTo(202);
                String id = posted.json().getString("id");
                assertThat(posted.json().getString("status")).isIn("queued", "reading", "applying");

                JsonObject done = finished(server, officer, id);
                int good = DAYS * 24 * 2;
                assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("done");
                assertThat(done.getLong("rowsRead")).isEqualTo(good + 3);
                assertThat(done.getLong("readings")).isEqualTo(good);
                assertThat(done.getLong("stored")).isEqualTo(good);
                assertThat(done.getLong("unchanged")).isZero();
                assertThat(done.getLong("refused")).isEqualTo(3);
                assertThat(done.getDouble("progress")).isEqualTo(1.0);
                assertThat(server.count("readings") - readingsBefore).isEqualTo(good);
                assertThat(server.count("import_rows"))
                        .as("staged rows are dropped when done")
                        .isZero();

                // the refused rows, each with its data row and reason
                TestServer.Response errors = server.get("/api/v1/imports/" + id + "/errors", officer);
                assertThat(errors.status()).isEqualTo(200);
                assertThat(errors.contentType()).startsWith("text/csv");
                List<String> lines = errors.body().lines().toList();
                assertThat(lines.get(0)).isEqualTo("\uFEFFrow,field,reason");
                assertThat(lines).hasSize(4);
                assertThat(String.join("\n", lines))
                        .contains(good + ",subject,unknown subject 'imp-zz'")
                        .contains((good + 1) + ",value,")
                        .contains((good + 2) + ",value,\"conflicts with row 125: ");

                // the alerts are historical and notify no one; the office gets one summary
                JsonObject alerts = done.getJsonObject("alerts");
                assertThat(alerts.getInteger("total")).isPositive();
                assertThat(alerts.getInteger("historical")).isEqualTo(alerts.getInteger("total"));
                JsonArray all = server.get("/api/v1/alerts?subject=imp-a", risk).array("alerts");
                assertThat(all).isNotEmpty();
                all.forEach(a ->
                        assertThat(((JsonObject) a).getBoolean("historical")).isTrue());
                await(() -> receiver.delivered().size() == 1, "the import's summary");
                Thread.sleep(800);
                assertThat(receiver.delivered()).hasSize(1);
                JsonObject summary = new JsonObject(receiver.delivered().get(0).body());
                assertThat(summary.getJsonObject("event").getString("kind")).isEqualTo("import_finished");
                assertThat(summary.getJsonObject("import").getString("id")).isEqualTo(id);
                assertThat(summary.getJsonObject("import").getLong("stored")).isEqualTo(good);
                assertThat(summary.getJsonObject("import")
                                .getJsonObject("alerts")
                                .getInteger("total"))
                        .isEqualTo(alerts.getInteger("total"));
                assertThat(summary.getString("summary")).startsWith("导入完成：history.csv");

                // the same file again: nothing stored, nothing changed, one more summary
                long alertsBefore = server.count("alerts");
                String again = upload(server, officer, "", "text/csv", file.getBytes(StandardCharsets.UTF_8))
                        .json()
                        .getString("id");
                JsonObject second = finished(server, officer, again);
                assertThat(second.getString("status")).isEqualTo("done");
                assertThat(second.getLong("stored")).isZero();
                assertThat(second.getLong("unchanged")).isEqualTo(good);
                assertThat(second.getLong("refused")).isEqualTo(3);
                assertThat(server.count("readings") - readingsBefore).isEqualTo(good);
                assertThat(server.count("alerts")).isEqualTo(alertsBefore);
                await(() -> receiver.delivered().size() == 2, "the second import's summary");

                assertThat(server.get("/api/v1/imports", officer).array("imports"))
                        .extracting(o -> ((JsonObject) o).getString("id"))
                        .containsExactly(again, id);
            }
        }
    }

    @Test
    void aGbkWideExportImportsWithItsChineseHeaders() throws Exception {
        try (TestServer server = new TestServer()) {
            server.register("air-station", "imp-gbk");
            String officer = server.token("officer");
            StringBuilder b = new StringBuilder("监测时间,站点名称,PM2.5,AQI\r\n");
            for (int h = 0; h < 24; h++) {
                b.append(String.format("2023-03-01T%02d:00:00+08:00,imp-gbk,%d,50\r\n", h, 30 + h));
            }
            byte[] gbk = b.toString().getBytes(Charset.forName("GBK"));
            TestServer.Response posted = upload(server, officer, "", "text/csv; charset=GBK", gbk);
            assertThat(posted.status()).as(posted.body()).isEqualTo(202);
            JsonObject done = finished(server, officer, posted.json().getString("id"));
            assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("done");
            assertThat(done.getLong("stored")).isEqualTo(24);
            assertThat(done.getJsonArray("ignoredColumns")).contains("AQI");
        }
    }

    @Test
    void refusedUploadsKeepNothing() throws Exception {
        try (TestServer server = new TestServer(Map.of("TARGETWATCH_MAX_IMPORT_BYTES", "2048"))) {
            server.register("air-station", "imp-x");
            String officer = server.token("officer");
            String risk = server.token("risk-office");
            byte[] small =
                    "indicator,subject,observedAt,value,unit\r\nPM2_5,imp-x,2023-01-01T00:00:00+08:00,30,ug/m3\r\n"
                            .getBytes(StandardCharsets.UTF_8);

            TestServer.Response forbidden = upload(server, risk, "", "text/csv", small);
            assertThat(forbidden.status()).isEqualTo(403);
            TestServer.Response type = upload(server, officer, "", "application/pdf", small);
            assertThat(type.status()).isEqualTo(415);
            assertThat(type.body()).contains("text/csv").contains("text/plain (an HJ 212 packet log");
            TestServer.Response label = upload(server, officer, "?hourLabel=middle", "text/csv", small);
            assertThat(label.status()).isEqualTo(400);
            assertThat(label.json().toString()).contains("hourLabel");
            TestServer.Response large = upload(server, officer, "", "text/csv", new byte[4096]);
            assertThat(large.status()).isEqualTo(413);
            TestServer.Response empty = upload(server, officer, "", "text/csv", new byte[0]);
            assertThat(empty.status()).isEqualTo(422);
            assertThat(empty.body()).contains("the file is empty");
            assertThat(server.count("imports")).isZero();
            assertThat(server.count("jobs")).isZero();
            assertThat(server.get("/api/v1/imports/" + java.util.UUID.randomUUID(), officer)
                            .status())
                    .isEqualTo(404);
        }
    }

    /**
     * A year of 20 stations (175,200 readings) stopped while applying, continued by the next server on the same
     * database: every reading stored once, none twice, nothing lost.
     */
    @Test
    void anImportStoppedWhileApplyingContinuesAfterTheRestart() throws Exception {
        String db = org.targetwatch.support.TestDatabase.newDatabaseUrl();
        int stations = 20;
        StringBuilder b = new StringBuilder("indicator,subject,observedAt,value,unit\n");
        java.time.ZonedDateTime t =
                java.time.ZonedDateTime.of(2023, 1, 1, 0, 0, 0, 0, java.time.ZoneId.of("Asia/Shanghai"));
        for (int h = 0; h < 8760; h++) {
            String at = t.plusHours(h).toOffsetDateTime().toString();
            for (int s = 0; s < stations; s++) {
                b.append("PM2_5,imp-y")
                        .append(s)
                        .append(',')
                        .append(at)
                        .append(',')
                        .append(20 + (h + s) % 30)
                        .append(",ug/m3\n");
            }
        }
        long total = 8760L * stations;
        String id;
        long appliedBefore;
        Map<String, String> env = Map.of("TARGETWATCH_LIVE_WINDOW_HOURS", "48");
        try (TestServer first = new TestServer(db, env)) {
            first.clock.set(Instant.parse("2024-06-01T00:00:00Z"));
            String[] ids = new String[stations];
            for (int s = 0; s < stations; s++) {
                ids[s] = "imp-y" + s;
            }
            first.register("air-station", ids);
            String officer = first.token("officer");
            TestServer.Response posted = upload(
                    first, officer, "?name=year.csv", "text/csv", b.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(posted.status()).as(posted.body()).isEqualTo(202);
            id = posted.json().getString("id");
            await(
                    () -> first.get("/api/v1/imports/" + id, officer).json().getLong("applied") > 0,
                    "the import to apply its first station-days");
            JsonObject during = first.get("/api/v1/imports/" + id, officer).json();
            assertThat(during.getString("status")).isEqualTo("applying");
            assertThat(during.getLong("readings")).isEqualTo(total);
            assertThat(during.getDouble("rate")).isPositive();
            assertThat(during.getLong("etaSeconds")).isNotNull();
        }
        // stopped: still applying, its job queued again, part of it stored
        appliedBefore =
                org.targetwatch.support.TestDatabase.scalar(db, "SELECT applied FROM imports WHERE id = '" + id + "'");
        assertThat(appliedBefore).isPositive().isLessThan(total);
        assertThat(org.targetwatch.support.TestDatabase.scalar(
                        db, "SELECT count(*) FROM jobs WHERE id = '" + id + "' AND status = 'queued'"))
                .isEqualTo(1);
        assertThat(org.targetwatch.support.TestDatabase.scalar(db, "SELECT count(*) FROM readings"))
                .isEqualTo(appliedBefore);
        try (TestServer second = new TestServer(db, env)) {
            second.clock.set(Instant.parse("2024-06-01T00:00:00Z"));
            String officer = second.token("officer");
            JsonObject done = finished(second, officer, id);
            assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("done");
            assertThat(done.getLong("applied")).isEqualTo(total);
            assertThat(done.getLong("stored")).isEqualTo(total);
            assertThat(done.getLong("unchanged")).isZero();
            assertThat(second.count("readings")).isEqualTo(total);
            assertThat(org.targetwatch.support.TestDatabase.scalar(
                            db, "SELECT count(*) FROM readings WHERE revision > 1"))
                    .isZero();
            System.out.printf("import of %d readings: continued after a restart at %d applied%n", total, appliedBefore);
        }
    }
}
