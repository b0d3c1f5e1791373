package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Excel workbooks through {@code POST /api/v1/readings}, written here with Apache POI the way statistics staff and
 * WPS write them: {@code .xlsx} and {@code .xls}, the long and the wide layout, date cells, Excel serial dates as
 * plain numbers and dates as text, Chinese sheet names and headers; errors naming sheet and cell.
 */
class WorkbooksTest extends ServerTest {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final String XLS = "application/vnd.ms-excel";

    @BeforeAll
    static void register() {
        post(new JsonObject().put("id", "wb-d").put("kind", "district").put("name", "表格区"));
        for (String id : new String[] {"表一站", "表二站", "表三站", "表四站"}) {
            post(new JsonObject()
                    .put("id", id)
                    .put("kind", "air-station")
                    .put("name", id)
                    .put("settings", new JsonObject().put("district", "wb-d")));
        }
    }

    private static void post(JsonObject subject) {
        Response r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subject.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private static byte[] bytes(Workbook wb) throws Exception {
        try (wb;
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            wb.write(out);
            return out.toByteArray();
        }
    }

    private static Response upload(byte[] body, String type, String query) {
        return server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/readings" + query))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                officer);
    }

    private static JsonArray listed(String subject, String indicator, String day) {
        return server.get(
                        "/api/v1/readings?subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "&indicator="
                                + indicator + "&from=" + day + "&to=" + day + "T23:59:59%2B08:00",
                        risk)
                .array("readings");
    }

    /** A wide sheet of a station-day: date cells in the time column, the six pollutants, an AQI column. */
    private static Workbook wideDay(Workbook wb, String station, LocalDateTime day) {
        Sheet sheet = wb.createSheet("小时数据");
        CellStyle date = wb.createCellStyle();
        date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd hh:mm"));
        String[] header = {"监测时间", "站点", "PM2.5(μg/m3)", "PM10", "二氧化硫", "二氧化氮", "一氧化碳(mg/m3)", "臭氧", "AQI"};
        Row h = sheet.createRow(0);
        for (int i = 0; i < header.length; i++) {
            h.createCell(i).setCellValue(header[i]);
        }
        for (int hour = 0; hour < 24; hour++) {
            Row r = sheet.createRow(hour + 1);
            r.createCell(0).setCellValue(day.plusHours(hour));
            r.getCell(0).setCellStyle(date);
            r.createCell(1).setCellValue(station);
            double[] values = {70, 120, 10, 30, 1.0, 120, 94};
            for (int i = 0; i < values.length; i++) {
                r.createCell(i + 2).setCellValue(values[i]);
            }
        }
        return wb;
    }

    @Test
    void aWideXlsxDayBecomesItsHourlyReadingsAndItsAirDay() throws Exception {
        Response r = upload(bytes(wideDay(new XSSFWorkbook(), "表一站", LocalDateTime.of(2023, 7, 1, 0, 0))), XLSX, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(144);
        assertThat(r.json().getJsonArray("ignoredColumns")).containsExactly("AQI");
        JsonObject day = server.get(
                        "/api/v1/air/daily?subject=" + URLEncoder.encode("表一站", StandardCharsets.UTF_8)
                                + "&date=2023-07-01",
                        risk)
                .json();
        assertThat(day.getInteger("aqi")).isEqualTo(94);
        assertThat(listed("表一站", "CO", "2023-07-01").getJsonObject(8).getString("observedAt"))
                .isEqualTo("2023-07-01T08:00:00+08:00");
    }

    @Test
    void theSameInAnXlsAsWpsWritesIt() throws Exception {
        Response r = upload(bytes(wideDay(new HSSFWorkbook(), "表二站", LocalDateTime.of(2023, 7, 2, 0, 0))), XLS, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(144);
        assertThat(listed("表二站", "PM2_5", "2023-07-02")).hasSize(24);
    }

    @Test
    void serialDatesAsNumbersAndDatesAsTextAndALongSheet() throws Exception {
        Workbook wb = new XSSFWorkbook();
        Sheet wide = wb.createSheet("宽表");
        Row h = wide.createRow(0);
        h.createCell(0).setCellValue("时间");
        h.createCell(1).setCellValue("PM2.5");
        // 45000 is 2023-03-15, so 45112 is 2023-07-05; + 8/24 is 08:00 (a plain number, no date format)
        Row serial = wide.createRow(1);
        serial.createCell(0).setCellValue(45112 + 8.0 / 24);
        serial.createCell(1).setCellValue(41);
        Row text = wide.createRow(3); // row 3 (Excel 4): a blank row 2 in between is skipped
        text.createCell(0).setCellValue("2023-07-05 09:00");
        text.createCell(1).setCellValue("42");
        Sheet longSheet = wb.createSheet("长表");
        String[] header = {"indicator", "subject", "observedAt", "value", "unit"};
        Row lh = longSheet.createRow(0);
        for (int i = 0; i < header.length; i++) {
            lh.createCell(i).setCellValue(header[i]);
        }
        Row l = longSheet.createRow(1);
        l.createCell(0).setCellValue("PM10");
        l.createCell(1).setCellValue("表三站");
        l.createCell(2).setCellValue("2023-07-05T10:00:00+08:00");
        l.createCell(3).setCellValue(0.1 + 0.2); // Excel shows 0.3
        l.createCell(4).setCellValue("ug/m3");
        Response r = upload(bytes(wb), XLSX, "?subject=%E8%A1%A8%E4%B8%89%E7%AB%99");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getInteger("accepted")).isEqualTo(3);
        assertThat(listed("表三站", "PM2_5", "2023-07-05").getJsonObject(0).getString("observedAt"))
                .isEqualTo("2023-07-05T08:00:00+08:00");
        assertThat(listed("表三站", "PM2_5", "2023-07-05").getJsonObject(1).getString("observedAt"))
                .isEqualTo("2023-07-05T09:00:00+08:00");
        assertThat(listed("表三站", "PM10", "2023-07-05").getJsonObject(0).getDouble("value"))
                .isEqualTo(0.3);
    }

    @Test
    void errorsNameTheSheetAndTheCellAndNothingIsStored() throws Exception {
        long before = server.count("readings");
        Workbook wb = new XSSFWorkbook();
        Sheet s = wb.createSheet("六月");
        Row h = s.createRow(0);
        h.createCell(0).setCellValue("时间");
        h.createCell(1).setCellValue("站点");
        h.createCell(2).setCellValue("PM2.5");
        h.createCell(3).setCellValue("一氧化碳");
        Row ok = s.createRow(1);
        ok.createCell(0).setCellValue("2023-06-10 08:00");
        ok.createCell(1).setCellValue("表四站");
        ok.createCell(2).setCellValue(35);
        ok.createCell(3).setCellValue(0.8);
        Row bad = s.createRow(2);
        bad.createCell(0).setCellValue("2023-06-10 09:00");
        bad.createCell(1).setCellValue("表四站");
        bad.createCell(2).setCellValue("无效");
        bad.createCell(3).setCellValue(99999);
        Response r = upload(bytes(wb), XLSX, "");
        assertThat(r.status()).isEqualTo(422);
        JsonObject e = r.array("errors").getJsonObject(0);
        assertThat(e.getString("field")).isEqualTo("PM2.5");
        assertThat(e.getInteger("index")).isEqualTo(1);
        assertThat(e.getString("message")).startsWith("六月!C3: ").contains("'无效' is no number");

        Workbook range = new XSSFWorkbook();
        Sheet rs = range.createSheet("七月");
        Row rh = rs.createRow(0);
        rh.createCell(0).setCellValue("时间");
        rh.createCell(1).setCellValue("站点");
        rh.createCell(2).setCellValue("一氧化碳");
        Row rr = rs.createRow(4);
        rr.createCell(0).setCellValue("2023-06-10 10:00");
        rr.createCell(1).setCellValue("表四站");
        rr.createCell(2).setCellValue(99999);
        Response out = upload(bytes(range), XLSX, "");
        assertThat(out.status()).isEqualTo(422);
        assertThat(out.array("errors").getJsonObject(0).getString("message")).startsWith("七月!C5: ");
        assertThat(out.array("errors").getJsonObject(0).getString("field")).isEqualTo("一氧化碳");

        Response notAWorkbook = upload("这不是表格".getBytes(StandardCharsets.UTF_8), XLSX, "");
        assertThat(notAWorkbook.status()).isEqualTo(400);
        assertThat(notAWorkbook.json().getString("message")).contains("no Excel workbook");
        Response empty = upload(bytes(new XSSFWorkbook()), XLSX, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(server.count("readings")).isEqualTo(before);
    }
}
