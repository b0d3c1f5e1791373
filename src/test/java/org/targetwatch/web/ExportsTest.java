package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;

/**
 * Issue 17's exports and paging: the readings list pages with a cursor that neither repeats nor skips a row where
 * many rows share an instant; rule hits page by id; alerts, rule hits and readings export as CSV and xlsx for the
 * current filter, every matching row, in Chinese or in the API's names (an English readings CSV reads back as the
 * same readings); the silenced filter and mark agree with the silences in force; refusals name their parameter.
 */
class ExportsTest extends ServerTest {
    private static String supervisor;

    @BeforeAll
    static void data() {
        supervisor = server.token("supervisor");
        server.register("air-station", "ex-a", "ex-b", "ex-c");
        for (String s : List.of("ex-a", "ex-b", "ex-c")) {
            // the same 24 instants at each of three stations, PM2.5 and PM10: 144 rows sharing 24 instants
            JsonArray day = hourlyPm25(s, "2023-04-01", 24, s.equals("ex-c") ? 90 : 40);
            for (int h = 0; h < 24; h++) {
                day.add(reading("PM10", s, String.format("2023-04-01T%02d:00:00+08:00", h), 60 + h, "ug/m3"));
            }
            assertThat(server.ingest(officer, day).status()).isEqualTo(201);
        }
        // a correction: one reading with a second revision
        assertThat(server.ingest(
                                officer,
                                new JsonArray().add(reading("PM10", "ex-b", "2023-04-01T05:00:00+08:00", 99, "ug/m3")))
                        .status())
                .isEqualTo(201);
        for (int d = 2; d <= 6; d++) {
            server.ingest(officer, hourlyPm25("ex-a", "2023-04-0" + d, 24, 80 + d));
        }
    }

    private static final String APRIL_1 = "&from=2023-04-01T00:00:00%2B08:00&to=2023-04-02T00:00:00%2B08:00";

    private static List<String> keys(JsonArray readings) {
        List<String> out = new ArrayList<>();
        readings.forEach(o -> {
            JsonObject r = (JsonObject) o;
            out.add(r.getString("observedAt") + " " + r.getString("subject") + " " + r.getString("indicator") + " r"
                    + r.getInteger("revision"));
        });
        return out;
    }

    @Test
    void theReadingsCursorWalksEveryRowOnceAcrossSharedInstants() {
        for (String revisions : List.of("", "&revisions=all")) {
            JsonObject whole = server.get("/api/v1/readings?limit=10000" + APRIL_1 + revisions, risk)
                    .json();
            assertThat(whole.getValue("nextCursor")).isNull();
            List<String> expected = keys(whole.getJsonArray("readings"));
            assertThat(expected).hasSize(revisions.isEmpty() ? 144 : 145);

            List<String> walked = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                TestServer.Response r = server.get(
                        "/api/v1/readings?limit=7" + APRIL_1 + revisions + (cursor == null ? "" : "&cursor=" + cursor),
                        risk);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                JsonArray page = r.json().getJsonArray("readings");
                assertThat(page.size()).isLessThanOrEqualTo(7);
                walked.addAll(keys(page));
                cursor = r.json().getString("nextCursor");
                pages++;
            } while (cursor != null && pages < 100);
            assertThat(walked)
                    .as("pages of 7 in order, none repeated or skipped")
                    .isEqualTo(expected);
        }
        TestServer.Response one = server.get("/api/v1/readings?limit=1&subject=ex-b&indicator=PM10" + APRIL_1, risk);
        assertThat(one.json().getString("nextCursor")).isNotNull();
    }

    @Test
    void aBadCursorIsRefusedNamingIt() {
        for (String bad : List.of("nonsense", "fHx8", "MjAyMy0wNC0wMVQwMDowMDowMFp8ZXgtYXxQTTEwfDA")) {
            TestServer.Response r = server.get("/api/v1/readings?cursor=" + bad, risk);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .isEqualTo("cursor");
        }
    }

    private static HttpResponse<byte[]> raw(String path, String token) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri(path))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<CSVRecord> csv(byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).as("a byte-order mark for Excel").startsWith("\uFEFF");
        try (CSVParser p = CSVParser.parse(text.substring(1), CSVFormat.RFC4180)) {
            return p.getRecords();
        }
    }

    @Test
    void anEnglishReadingsCsvHoldsEveryMatchingRowAndReadsBackUnchanged() throws Exception {
        HttpResponse<byte[]> r = raw("/api/v1/readings?subject=ex-a&format=csv&lang=en", risk);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("readings.csv");
        List<CSVRecord> rows = csv(r.body());
        assertThat(rows.get(0).toList())
                .containsExactly("indicator", "subject", "observedAt", "value", "unit", "source", "flag");
        assertThat(rows).hasSize(1 + 48 + 5 * 24);
        long stored = server.count("readings");

        HttpResponse<String> back = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                                .header("Authorization", "Bearer " + officer)
                                .header("Content-Type", "text/csv")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).as(back.body()).isEqualTo(201);
        JsonObject result = new JsonObject(back.body());
        assertThat(result.getInteger("unchanged")).isEqualTo(48 + 5 * 24);
        assertThat(result.getInteger("stored")).isZero();
        assertThat(server.count("readings")).isEqualTo(stored);
    }

    @Test
    void aChineseReadingsWorkbookHoldsTheFilteredRows() throws Exception {
        HttpResponse<byte[]> r = raw("/api/v1/readings?indicator=PM10&revisions=all&format=xlsx" + APRIL_1, risk);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo(ReportsHandler.XLSX);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            var sheet = wb.getSheet("读数");
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("指标");
            assertThat(sheet.getRow(0).getCell(3).getStringCellValue()).isEqualTo("数值");
            assertThat(sheet.getLastRowNum())
                    .as("72 PM10 readings and one correction")
                    .isEqualTo(73);
            Set<String> indicators = new HashSet<>();
            double corrected = 0;
            for (Row row : sheet) {
                if (row.getRowNum() > 0) {
                    indicators.add(row.getCell(0).getStringCellValue());
                    if (row.getCell(7).getNumericCellValue() == 2) {
                        corrected = row.getCell(3).getNumericCellValue();
                    }
                }
            }
            assertThat(indicators).containsExactly("PM10");
            assertThat(corrected).isEqualTo(99.0);
        }
    }

    @Test
    void alertsExportTheBoardsFilterInItsOrderWithChineseLabels() throws Exception {
        JsonObject board = server.get("/api/v1/alerts?subject=ex-a&sort=period&order=asc", risk)
                .json();
        long total = board.getLong("total");
        assertThat(total).isGreaterThanOrEqualTo(5);
        List<CSVRecord> rows = csv(raw("/api/v1/alerts?subject=ex-a&sort=period&order=asc&format=csv", risk)
                .body());
        assertThat(rows.get(0).get(0)).isEqualTo("告警编号");
        assertThat(rows.get(0).get(1)).isEqualTo("级别");
        assertThat(rows).hasSize(1 + (int) total);
        for (int i = 0; i < total; i++) {
            JsonObject a = board.getJsonArray("alerts").getJsonObject(i);
            assertThat(rows.get(i + 1).get(0)).isEqualTo(String.valueOf(a.getLong("id")));
            assertThat(rows.get(i + 1).get(1)).isEqualTo(BriefingSheets.SEVERITY.get(a.getString("severity")));
            assertThat(rows.get(i + 1).get(2)).isEqualTo(Exports.STATUS.get(a.getString("status")));
            assertThat(rows.get(i + 1).get(3)).isEqualTo("空气质量");
        }
        HttpResponse<byte[]> x = raw("/api/v1/alerts?subject=ex-a&format=xlsx&lang=en", risk);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(x.body()))) {
            var sheet = wb.getSheet("告警");
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("id");
            assertThat(sheet.getRow(1).getCell(3).getStringCellValue()).isEqualTo("air");
            assertThat(sheet.getLastRowNum()).isEqualTo((int) total);
        }
    }

    @Test
    void ruleHitsPageByIdAndExportEveryHit() throws Exception {
        List<Long> all = new ArrayList<>();
        server.get("/api/v1/rule-hits?subject=ex-a&limit=10000", supervisor)
                .array("ruleHits")
                .forEach(o -> all.add(((JsonObject) o).getLong("id")));
        assertThat(all.size()).isGreaterThanOrEqualTo(5);
        List<Long> walked = new ArrayList<>();
        Long before = null;
        for (int i = 0; i < 100; i++) {
            JsonObject page = server.get(
                            "/api/v1/rule-hits?subject=ex-a&limit=2" + (before == null ? "" : "&before=" + before),
                            supervisor)
                    .json();
            page.getJsonArray("ruleHits").forEach(o -> walked.add(((JsonObject) o).getLong("id")));
            before = page.getLong("next");
            if (before == null) {
                break;
            }
        }
        assertThat(walked).isEqualTo(all);
        HttpResponse<byte[]> x = raw("/api/v1/rule-hits?subject=ex-a&format=xlsx", supervisor);
        assertThat(x.statusCode()).isEqualTo(200);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(x.body()))) {
            var sheet = wb.getSheet("规则命中");
            assertThat(sheet.getRow(0).getCell(2).getStringCellValue()).isEqualTo("规则");
            assertThat(sheet.getLastRowNum()).isEqualTo(all.size());
            assertThat((long) sheet.getRow(1).getCell(0).getNumericCellValue()).isEqualTo(all.get(0));
        }
        assertThat(raw("/api/v1/rule-hits?format=csv", risk).statusCode())
                .as("rule hits stay the supervisor's")
                .isEqualTo(403);
    }

    @Test
    void theSilencedFilterAndMarkFollowTheSilencesInForce() {
        long ofB = server.get("/api/v1/alerts?subject=ex-c", risk).json().getLong("total");
        assertThat(ofB).isPositive();
        assertThat(server.get("/api/v1/alerts?subject=ex-c&silenced=true", risk)
                        .json()
                        .getLong("total"))
                .isZero();
        JsonObject silence = new JsonObject()
                .put("matchers", new JsonObject().put("subject", new JsonArray().add("ex-c")))
                .put("endsAt", java.time.OffsetDateTime.now().plusDays(30).toString())
                .put("reason", "导出测试：设备检修");
        TestServer.Response created = server.post("/api/v1/silences", supervisor, silence.encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        try {
            JsonObject silenced =
                    server.get("/api/v1/alerts?silenced=true&limit=10000", risk).json();
            assertThat(silenced.getLong("total")).isEqualTo(ofB);
            silenced.getJsonArray("alerts").forEach(o -> {
                assertThat(((JsonObject) o).getString("subject")).isEqualTo("ex-c");
                assertThat(((JsonObject) o).getBoolean("silenced")).isTrue();
            });
            long all = server.get("/api/v1/alerts?limit=1", risk).json().getLong("total");
            JsonObject rest = server.get("/api/v1/alerts?silenced=false&limit=10000", risk)
                    .json();
            assertThat(rest.getLong("total")).isEqualTo(all - ofB);
            rest.getJsonArray("alerts")
                    .forEach(o ->
                            assertThat(((JsonObject) o).getBoolean("silenced")).isFalse());
            JsonObject groups = server.get("/api/v1/alerts/groups?by=subject&silenced=true", risk)
                    .json();
            assertThat(groups.getJsonArray("groups")).hasSize(1);
            assertThat(groups.getJsonArray("groups").getJsonObject(0).getString("key"))
                    .isEqualTo("ex-c");
        } finally {
            server.post("/api/v1/silences/" + created.json().getLong("id") + "/expire", supervisor, "{}");
        }
        assertThat(server.get("/api/v1/alerts?subject=ex-c&silenced=true", risk)
                        .json()
                        .getLong("total"))
                .as("expired: silenced no more")
                .isZero();
    }

    @Test
    void badExportParametersAreRefusedNamingThem() {
        record Case(String path, String token, String field) {}
        for (Case c : List.of(
                new Case("/api/v1/readings?format=pdf", risk, "format"),
                new Case("/api/v1/readings?format=csv&lang=fr", risk, "lang"),
                new Case("/api/v1/alerts?format=xls", risk, "format"),
                new Case("/api/v1/alerts?silenced=maybe", risk, "silenced"),
                new Case("/api/v1/alerts/groups?by=rule&silenced=1", risk, "silenced"),
                new Case("/api/v1/rule-hits?before=x", supervisor, "before"),
                new Case(
                        "/api/v1/rule-hits?format=csv&lang=" + URLEncoder.encode("中", StandardCharsets.UTF_8),
                        supervisor,
                        "lang"))) {
            TestServer.Response r = server.get(c.path(), c.token());
            assertThat(r.status()).as(c.path()).isEqualTo(400);
            assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .as(c.path())
                    .isEqualTo(c.field());
        }
    }
}
