package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyAirDay;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** The briefings (月报, 季报, 年报) through the real server: JSON, the workbook opened with POI, the printable page. */
class ReportsTest {
    private static TestServer server;
    private static String supervisor;

    @BeforeAll
    static void start() {
        server = new TestServer();
        server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                new JsonObject()
                        .put("id", "rp-d")
                        .put("kind", "district")
                        .put("name", "曾都区")
                        .encode());
        server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                new JsonObject()
                        .put("id", "rp-st")
                        .put("kind", "air-station")
                        .put("name", "城南站")
                        .put("settings", new JsonObject().put("district", "rp-d"))
                        .encode());
        String officer = server.token("officer");
        supervisor = server.token("supervisor");
        // each day sent the next morning, as a live station would: its alerts are live, not historical
        server.clock.set(java.time.Instant.parse("2023-05-01T01:00:00+08:00"));
        server.ingest(officer, hourlyAirDay("rp-st", "2023-04-30", 30, 50, 10, 20, 0.5, 60)); // April: not in May's
        server.clock.set(java.time.Instant.parse("2023-05-02T01:00:00+08:00"));
        // PM2.5 24-h mean 80 > 75 (GB 3095-2012 Grade II): AQI 107, light pollution
        JsonObject opened =
                server
                        .ingest(officer, hourlyAirDay("rp-st", "2023-05-01", 80, 50, 10, 20, 0.5, 60))
                        .array("alerts")
                        .stream()
                        .map(JsonObject.class::cast)
                        .filter(a -> a.getString("rule").equals("air.daily-mean-over-grade-ii"))
                        .findFirst()
                        .orElseThrow();
        // acknowledged two hours after it opened
        server.clock.set(java.time.Instant.parse("2023-05-02T03:00:00+08:00"));
        Response ack = server.post(
                "/api/v1/alerts/" + opened.getLong("id") + "/ack",
                server.token("risk-office"),
                new JsonObject()
                        .put("comment", "已通知")
                        .put("version", opened.getInteger("version"))
                        .encode());
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        server.clock.set(java.time.Instant.parse("2023-05-03T01:00:00+08:00"));
        server.ingest(officer, hourlyAirDay("rp-st", "2023-05-02", 30, 50, 10, 20, 0.5, 60)); // good
        server.clock.set(java.time.Instant.parse("2023-05-31T12:00:00+08:00"));
        server.ingest(
                officer,
                new JsonArray()
                        .add(reading("DEBT_RATIO", "rp-d", "2023-05-31T00:00:00+08:00", 150, "%"))
                        .add(reading("DEBT_NEW_QUOTA", "rp-d", "2023-03-31T00:00:00+08:00", 8.0, "亿元"))
                        .add(reading("DEBT_NEW", "rp-d", "2023-05-31T00:00:00+08:00", 8.2, "亿元"))
                        .add(reading("TARGET_T01", "rp-d", "2023-05-31T00:00:00+08:00", 6.9, "%")));
        // a later month: not in May's briefing
        server.clock.set(java.time.Instant.parse("2023-07-01T09:00:00+08:00"));
        server.ingest(
                officer, new JsonArray().add(reading("TARGET_T01", "rp-d", "2023-06-30T00:00:00+08:00", 7.5, "%")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject briefing(String path) {
        Response r = server.get(path, supervisor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonObject target(JsonObject b, String id) {
        return b.getJsonObject("targets").getJsonArray("groups").stream()
                .flatMap(g -> ((JsonObject) g).getJsonArray("targets").stream())
                .map(JsonObject.class::cast)
                .filter(t -> t.getString("id").equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void mayBriefingHoldsMaysFiguresAsOfItsLastDay() {
        JsonObject b = briefing("/api/v1/reports/monthly?month=2023-05&district=rp-d");
        assertThat(b.getJsonObject("period").getString("label")).isEqualTo("2023年5月");
        JsonObject air = b.getJsonObject("air");
        assertThat(air.getJsonObject("period").getInteger("validDays")).isEqualTo(2);
        assertThat(air.getJsonObject("period").getInteger("goodDays")).isEqualTo(1);
        assertThat(air.getJsonObject("period").getDouble("goodDayRatio")).isEqualTo(50.0);
        assertThat(air.getJsonObject("daysByCategory").getInteger("轻度污染")).isEqualTo(1);
        assertThat(air.getJsonObject("daysByCategory").getInteger("优")).isEqualTo(1);
        assertThat(air.getJsonArray("exceedanceDays")).singleElement().satisfies(d -> {
            assertThat(((JsonObject) d).getString("date")).isEqualTo("2023-05-01");
            assertThat(((JsonObject) d).getJsonArray("primaryPollutants")).contains("PM2_5");
        });
        assertThat(air.getJsonObject("primaryPollutantsOfExceedances").getInteger("PM2_5"))
                .isEqualTo(1);
        assertThat(air.getJsonArray("calendar")).hasSize(2);
        // the year to date counts April too: 3 valid days, 2 good
        assertThat(air.getJsonObject("yearToDate").getInteger("validDays")).isEqualTo(3);
        assertThat(air.getJsonObject("yearToDate").getInteger("goodDays")).isEqualTo(2);

        JsonObject debt = b.getJsonObject("debt");
        assertThat(debt.getJsonObject("ratio").getString("band")).isEqualTo("yellow");
        assertThat(debt.getBoolean("withinQuota")).isFalse();
        assertThat(b.getJsonObject("safety").getBoolean("bottomLineKept")).isTrue();
        // T01 as of 31 May: 6.9, not June's 7.5
        assertThat(target(b, "T01").getDouble("value")).isEqualTo(6.9);
        assertThat(target(briefing("/api/v1/reports/monthly?month=2023-06&district=rp-d"), "T01")
                        .getDouble("value"))
                .isEqualTo(7.5);
        // Alerts of May's data: the station's PM2.5 day (1 May) and the debt ratio of 31 May; the good-day ratio and
        // new debt of the year (period 2023) are not May's, the year's briefing has them
        JsonObject alerts = b.getJsonObject("alerts");
        JsonObject ofPeriod = alerts.getJsonObject("ofPeriod");
        assertThat(ofPeriod.getLong("total")).isEqualTo(2);
        assertThat(ofPeriod.getJsonObject("bySeverity"))
                .isEqualTo(new JsonObject().put("warning", 1).put("major", 1));
        // handled in May: all five opened in May; the PM2.5 one acknowledged two hours after opening
        assertThat(alerts.getLong("opened")).isEqualTo(5);
        assertThat(alerts.getDouble("meanMinutesToAcknowledge")).isEqualTo(120.0);
        // overdue at the end of May: the good-day alert of 2 May, never acknowledged; those of noon on 31 May are
        // not yet with 24 hours to acknowledge, and are with 6
        assertThat(alerts.getInteger("overdueHours")).isEqualTo(24);
        assertThat(alerts.getLong("overdue")).isEqualTo(1);
        assertThat(briefing("/api/v1/reports/monthly?month=2023-05&district=rp-d&overdueHours=6")
                        .getJsonObject("alerts")
                        .getLong("overdue"))
                .isEqualTo(4);
        // the longest open first: the station's alert of 2 May (acknowledged, not resolved), then the good-day one
        JsonArray longest = alerts.getJsonArray("longestOpen");
        assertThat(longest).hasSize(5);
        assertThat(longest.getJsonObject(0).getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
        assertThat(longest.getJsonObject(0).getDouble("openDays")).isEqualTo(30.0); // 719 hours
        assertThat(longest.getJsonObject(1).getString("rule")).isEqualTo("air.good-day-ratio-below-baseline");
        assertThat(briefing("/api/v1/reports/annual?year=2023&district=rp-d")
                        .getJsonObject("alerts")
                        .getJsonObject("ofPeriod")
                        .getLong("total"))
                .isEqualTo(5);
    }

    @Test
    void quarterAndYearCoverTheirMonths() {
        JsonObject q = briefing("/api/v1/reports/quarterly?quarter=2023-Q2&district=rp-d");
        assertThat(q.getJsonObject("period").getString("from")).isEqualTo("2023-04-01");
        assertThat(q.getJsonObject("period").getString("to")).isEqualTo("2023-06-30");
        assertThat(q.getJsonObject("period").getString("label")).isEqualTo("2023年第二季度");
        assertThat(q.getJsonObject("air").getJsonObject("period").getInteger("validDays"))
                .isEqualTo(3);
        JsonObject y = briefing("/api/v1/reports/annual?year=2023"); // the only district: may be left out
        assertThat(y.getJsonObject("district").getString("id")).isEqualTo("rp-d");
        assertThat(y.getJsonObject("air").getJsonObject("period").getInteger("goodDays"))
                .isEqualTo(2);
    }

    @Test
    void theWorkbookHoldsTheFiguresTheApiGives() throws Exception {
        JsonObject b = briefing("/api/v1/reports/monthly?month=2023-05&district=rp-d");
        HttpResponse<byte[]> r = raw("/api/v1/reports/monthly?month=2023-05&district=rp-d&format=xlsx");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("briefing-monthly-2023-05-01.xlsx");
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(7);
            assertThat(wb.getSheetName(0)).isEqualTo("概要");
            Map<String, Object> air = firstColumn(wb.getSheet("空气质量"));
            assertThat(air.get("本期优良天数比例 (%)"))
                    .isEqualTo(b.getJsonObject("air").getJsonObject("period").getDouble("goodDayRatio"));
            assertThat(air.get("本期有效天数")).isEqualTo(2.0);
            assertThat(air.get("轻度污染")).isEqualTo(1.0);
            Map<String, Object> debt = firstColumn(wb.getSheet("政府债务"));
            assertThat(debt.get("债务率")).isEqualTo(150.0);
            assertThat(wb.getSheet("政府债务").getRow(1).getCell(2).getStringCellValue())
                    .isEqualTo("黄色");
            assertThat(debt.get("新增债务在限额内")).isEqualTo("否");
            Sheet targets = wb.getSheet("目标任务");
            boolean found = false;
            for (Row row : targets) {
                if (row.getCell(1) != null && "T01".equals(row.getCell(1).getStringCellValue())) {
                    assertThat(row.getCell(4).getNumericCellValue()).isEqualTo(6.9);
                    assertThat(row.getCell(8).getStringCellValue()).isEqualTo("落后进度");
                    found = true;
                }
            }
            assertThat(found).isTrue();
            Map<String, Object> alerts = firstColumn(wb.getSheet("告警处置"));
            assertThat(alerts.get("本期数据产生的告警")).isEqualTo((double)
                    b.getJsonObject("alerts").getJsonObject("ofPeriod").getLong("total"));
        }
    }

    @Test
    void thePrintablePageIsChineseAndRunsNothing() throws Exception {
        HttpResponse<byte[]> r = raw("/api/v1/reports/monthly?month=2023-05&district=rp-d&format=html");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("default-src 'none'");
        String page = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(page)
                .contains("<title>曾都区 2023年5月 月报</title>")
                .contains("<h2>空气质量</h2>")
                .contains("<h2>告警处置</h2>")
                .contains("<td>本期优良天数比例 (%)</td><td>50.0</td>")
                .contains("黄色")
                .contains("落后进度")
                .doesNotContain("<script");
    }

    @Test
    void badRequestsAreRefusedNamingTheParameter() {
        Map<String, String> cases = new HashMap<>();
        cases.put("/api/v1/reports/monthly?month=2023-13&district=rp-d", "month");
        cases.put("/api/v1/reports/monthly?district=rp-d", "month");
        cases.put("/api/v1/reports/quarterly?quarter=2023-Q5&district=rp-d", "quarter");
        cases.put("/api/v1/reports/annual?year=23&district=rp-d", "year");
        cases.put("/api/v1/reports/monthly?month=2023-05&district=nowhere", "district");
        cases.put("/api/v1/reports/monthly?month=2023-05&district=rp-d&format=pdf", "format");
        cases.put("/api/v1/reports/monthly?month=2023-05&district=rp-d&overdueHours=0", "overdueHours");
        cases.forEach((path, field) -> {
            Response r = server.get(path, supervisor);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .as(path)
                    .isEqualTo(field);
        });
        assertThat(server.get("/api/v1/reports/monthly?month=2023-05", server.token("officer"))
                        .status())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/reports/monthly?month=2023-05", null).status())
                .isEqualTo(401);
    }

    private static Map<String, Object> firstColumn(Sheet sheet) {
        Map<String, Object> out = new HashMap<>();
        for (Row row : sheet) {
            Cell key = row.getCell(0);
            Cell value = row.getCell(1);
            if (key == null || key.getCellType() != CellType.STRING || value == null) {
                continue;
            }
            out.putIfAbsent(
                    key.getStringCellValue(),
                    value.getCellType() == CellType.NUMERIC
                            ? (Object) value.getNumericCellValue()
                            : value.getStringCellValue());
        }
        return out;
    }

    private static HttpResponse<byte[]> raw(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri(path))
                                .header("Authorization", "Bearer " + supervisor)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }
}
