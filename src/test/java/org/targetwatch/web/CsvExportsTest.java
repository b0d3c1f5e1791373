package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Platform exports through {@code POST /api/v1/readings}: CSV in GBK and GB18030, declared and detected, with its
 * Chinese text intact; undecodable bytes refused with the byte and row; the wide layout stations export (one row per
 * hour, one column per pollutant, Chinese headers with units).
 */
class CsvExportsTest extends ServerTest {
    static final Charset GBK = Charset.forName("GBK");
    static final Charset GB18030 = Charset.forName("GB18030");

    @BeforeAll
    static void register() {
        post(new JsonObject().put("id", "曾都区-csv").put("kind", "district").put("name", "曾都区"));
        for (String id : new String[] {"东城站", "西城站", "南郊站", "北郊站"}) {
            post(new JsonObject()
                    .put("id", id)
                    .put("kind", "air-station")
                    .put("name", id)
                    .put("settings", new JsonObject().put("district", "曾都区-csv")));
        }
    }

    private static void post(JsonObject subject) {
        Response r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subject.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private static Response csv(byte[] body, String contentType, String query) {
        return server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/readings" + query))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                officer);
    }

    private static JsonArray listed(String subject, String indicator, String day) {
        String s = URLEncoder.encode(subject, StandardCharsets.UTF_8);
        return server.get(
                        "/api/v1/readings?subject=" + s + "&indicator=" + indicator + "&from=" + day + "&to=" + day
                                + "T23:59:59%2B08:00",
                        risk)
                .array("readings");
    }

    @Test
    void gbkDeclaredOrDetectedKeepsItsChineseText() {
        String text = "indicator,subject,observedAt,value,unit,source\n"
                + "PM2_5,东城站,2023-05-01T00:00:00+08:00,41,ug/m3,随州市环境监测站导出\n";
        Response declared = csv(text.getBytes(GBK), "text/csv; charset=GBK", "");
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        JsonObject r = listed("东城站", "PM2_5", "2023-05-01").getJsonObject(0);
        assertThat(r.getString("subject")).isEqualTo("东城站");
        assertThat(r.getString("source")).isEqualTo("随州市环境监测站导出");

        String undeclared = text.replace("T00:00", "T01:00");
        Response detected = csv(undeclared.getBytes(GBK), "text/csv", "");
        assertThat(detected.status()).as(detected.toString()).isEqualTo(201);
        assertThat(listed("东城站", "PM2_5", "2023-05-01").getJsonObject(1).getString("source"))
                .isEqualTo("随州市环境监测站导出");

        // GB2312 is read as GBK, its superset
        Response gb2312 = csv(text.replace("T00:00", "T02:00").getBytes(GBK), "text/csv; charset=gb2312", "");
        assertThat(gb2312.status()).isEqualTo(201);
    }

    @Test
    void gb18030HoldsWhatGbkCannot() {
        // 㐀 (U+3400, CJK extension A) is a four-byte sequence in GB18030 and not in GBK at all
        String text = "indicator,subject,observedAt,value,unit,source\n"
                + "PM2_5,西城站,2023-05-02T00:00:00+08:00,41,ug/m3,㐀站导出\n";
        byte[] bytes = text.getBytes(GB18030);
        Response asGbk = csv(bytes, "text/csv; charset=GBK", "");
        assertThat(asGbk.status()).isEqualTo(400);
        assertThat(asGbk.json().getString("message")).contains("not valid GBK").contains("data row 0");
        assertThat(listed("西城站", "PM2_5", "2023-05-02")).isEmpty();

        Response declared = csv(bytes, "text/csv; charset=GB18030", "");
        assertThat(declared.status()).isEqualTo(201);
        assertThat(listed("西城站", "PM2_5", "2023-05-02").getJsonObject(0).getString("source"))
                .isEqualTo("㐀站导出");
    }

    @Test
    void undecodableBytesAreRefusedWithTheByteAndTheRowAndNothingIsStored() {
        long before = server.count("readings");
        byte[] good = ("indicator,subject,observedAt,value,unit,source\n"
                        + "PM2_5,南郊站,2023-05-03T00:00:00+08:00,41,ug/m3,ok\n"
                        + "PM2_5,南郊站,2023-05-03T01:00:00+08:00,41,ug/m3,")
                .getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[good.length + 2];
        System.arraycopy(good, 0, bad, 0, good.length);
        bad[good.length] = (byte) 0xFF; // valid in no encoding
        bad[good.length + 1] = '\n';
        Response undeclared = csv(bad, "text/csv", "");
        assertThat(undeclared.status()).isEqualTo(400);
        assertThat(undeclared.json().getString("message"))
                .contains("neither UTF-8")
                .contains("byte " + good.length)
                .contains("0xFF")
                .contains("data row 1");
        assertThat(undeclared.json().getJsonArray("errors").getJsonObject(0).getInteger("index"))
                .isEqualTo(1);
        // GBK bytes declared as UTF-8 are refused too, never stored as replacement characters
        Response utf8 = csv(
                "indicator,subject,observedAt,value,unit,source\nPM2_5,南郊站,2023-05-03T02:00:00+08:00,41,ug/m3,导出\n"
                        .getBytes(GBK),
                "text/csv; charset=utf-8",
                "");
        assertThat(utf8.status()).isEqualTo(400);
        assertThat(utf8.json().getString("message")).contains("not valid UTF-8");
        assertThat(server.count("readings")).isEqualTo(before);

        Response latin1 = csv(good, "text/csv; charset=latin1", "");
        assertThat(latin1.status()).isEqualTo(415);
        assertThat(latin1.json().getString("message")).contains("GB18030");
        // JSON stays UTF-8 only
        Response json = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                        .header("Content-Type", "application/json; charset=GBK")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                officer);
        assertThat(json.status()).isEqualTo(415);
    }

    /** A station export's day: 24 hours, Chinese headers with units, AQI and 首要污染物 columns. */
    private static String wideDay(String station, String date) {
        StringBuilder b = new StringBuilder(
                "时间,站点,PM2.5(μg/m3),PM10(μg/m3),二氧化硫(μg/m3),二氧化氮(μg/m3),一氧化碳(mg/m3),臭氧(μg/m3),AQI,首要污染物\n");
        for (int h = 0; h < 24; h++) {
            b.append(String.format("%s %02d:00,%s,70,120,10,30,1.0,120,94,PM2.5%n", date, h, station));
        }
        return b.toString();
    }

    @Test
    void aWideStationExportInGbkBecomesItsHourlyReadings() {
        Response r = csv(wideDay("北郊站", "2023-06-01").getBytes(GBK), "text/csv", "");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(144);
        assertThat(r.json().getJsonArray("ignoredColumns")).containsExactly("AQI", "首要污染物");
        JsonObject day = server.get(
                        "/api/v1/air/daily?subject=" + URLEncoder.encode("北郊站", StandardCharsets.UTF_8)
                                + "&date=2023-06-01",
                        risk)
                .json();
        assertThat(day.getInteger("aqi")).isEqualTo(94); // as AirApiTest computes for the same values
        assertThat(listed("北郊站", "CO", "2023-06-01").getJsonObject(0).getString("observedAt"))
                .isEqualTo("2023-06-01T00:00:00+08:00");
    }

    @Test
    void wideColumnsConvertTheirUnitsSkipEmptyCellsAndTakeTheStationFromTheQuery() {
        String text = "监测时间,SO2(mg/m3),PM2.5\n"
                + "2023/6/2 8:00,0.010,35\n"
                + "2023/6/2 9:00,-,\n"
                + "2023-06-02T10:00:00+08:00,0.012,—\n";
        Response r = csv(text.getBytes(StandardCharsets.UTF_8), "text/csv", "?subject=%E4%B8%9C%E5%9F%8E%E7%AB%99");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getInteger("accepted")).isEqualTo(3);
        JsonArray so2 = listed("东城站", "SO2", "2023-06-02");
        assertThat(so2).hasSize(2);
        assertThat(so2.getJsonObject(0).getDouble("value")).isEqualTo(10.0);
        assertThat(so2.getJsonObject(1).getDouble("value")).isEqualTo(12.0);
        assertThat(listed("东城站", "PM2_5", "2023-06-02")).hasSize(1);
    }

    @Test
    void aMappingNamesColumnsTheCatalogDoesNotKnow() {
        String text = "监测日期,细颗粒物浓度,备注\n2023-06-03 08:00,33,人工复核\n";
        String mapping = URLEncoder.encode(
                new JsonObject()
                        .put("监测日期", "observedAt")
                        .put("细颗粒物浓度", "PM2_5")
                        .encode(),
                StandardCharsets.UTF_8);
        Response r = csv(
                text.getBytes(StandardCharsets.UTF_8),
                "text/csv",
                "?subject=%E8%A5%BF%E5%9F%8E%E7%AB%99&mapping=" + mapping);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getJsonArray("ignoredColumns")).containsExactly("备注");
        assertThat(listed("西城站", "PM2_5", "2023-06-03").getJsonObject(0).getDouble("value"))
                .isEqualTo(33.0);

        Response bad = csv(text.getBytes(StandardCharsets.UTF_8), "text/csv", "?subject=x&mapping=%7Bnot");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("mapping");
    }

    @Test
    void wideErrorsNameTheRowAndTheColumnAndStoreNothing() {
        long before = server.count("readings");
        String text = "时间,站点,PM2.5,一氧化碳\n"
                + "2023-06-04 08:00,南郊站,35,0.8\n"
                + "2023-06-04 09:00,南郊站,abc,0.8\n"
                + "2023-06-04 10:00,南郊站,35,99999\n"
                + "yesterday,南郊站,35,0.8\n";
        Response r = csv(text.getBytes(StandardCharsets.UTF_8), "text/csv", "");
        assertThat(r.status()).isEqualTo(422);
        JsonArray errors = r.array("errors");
        assertThat(errors.getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(errors.getJsonObject(0).getString("field")).isEqualTo("PM2.5");
        assertThat(errors.getJsonObject(0).getString("message")).contains("'abc' is no number");
        assertThat(errors.getJsonObject(1).getInteger("index")).isEqualTo(3);
        assertThat(errors.getJsonObject(1).getString("field")).isEqualTo("时间");
        // the range is checked once the cells are numbers: the CO of row 2
        String rangeOnly = "时间,站点,PM2.5,一氧化碳\n2023-06-04 10:00,南郊站,35,99999\n";
        Response range = csv(rangeOnly.getBytes(StandardCharsets.UTF_8), "text/csv", "");
        assertThat(range.status()).isEqualTo(422);
        assertThat(range.array("errors").getJsonObject(0).getString("field")).isEqualTo("一氧化碳");
        assertThat(range.array("errors").getJsonObject(0).getInteger("index")).isEqualTo(0);

        Response noStation = csv("时间,PM2.5\n2023-06-04 08:00,35\n".getBytes(StandardCharsets.UTF_8), "text/csv", "");
        assertThat(noStation.status()).isEqualTo(400);
        assertThat(noStation.json().getString("field")).isEqualTo("subject");
        Response unitMismatch =
                csv("时间,站点,PM2.5(mg/L)\n2023-06-04 08:00,南郊站,35\n".getBytes(StandardCharsets.UTF_8), "text/csv", "");
        assertThat(unitMismatch.status()).isEqualTo(400);
        assertThat(unitMismatch.json().getString("field")).isEqualTo("PM2.5(mg/L)");
        assertThat(server.count("readings")).isEqualTo(before);
    }
}
