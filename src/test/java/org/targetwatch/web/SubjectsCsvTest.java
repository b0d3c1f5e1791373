package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;

/**
 * Issue 17's bulk registration: an admin registers subjects from a CSV file (English or Chinese headers, settings
 * as columns, dotted ones nested), all or nothing, a refusal naming the data row and the field with nothing stored;
 * the kinds of subject and their settings are listed for the form.
 */
class SubjectsCsvTest extends ServerTest {

    private static TestServer.Response csv(String body, Charset charset, String type) {
        return server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/subjects"))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(charset))),
                TestServer.ADMIN_TOKEN);
    }

    private static TestServer.Response csv(String body) {
        return csv(body, StandardCharsets.UTF_8, "text/csv");
    }

    @Test
    void aCsvRegistersEverySubjectWithItsSettings() {
        TestServer.Response r = csv("id,kind,name,region,district,hourLabel,hj212.mn,hj212.password\r\n"
                + "csv-d,district,曾都区,随州市,,,,\r\n"
                + "csv-s1,air-station,东城站,曾都区,csv-d,end,MN-CSV-1,pw1\r\n"
                + "csv-s2,air-station,\"西城站, 新\",曾都区,csv-d,,,\r\n");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getJsonArray("subjects")).hasSize(3);
        JsonObject s1 = server.get("/api/v1/subjects/csv-s1", officer).json();
        assertThat(s1.getString("name")).isEqualTo("东城站");
        JsonObject settings = s1.getJsonObject("settings");
        assertThat(settings.getString("district")).isEqualTo("csv-d");
        assertThat(settings.getString("hourLabel")).isEqualTo("end");
        assertThat(settings.getJsonObject("hj212").getString("mn")).isEqualTo("MN-CSV-1");
        assertThat(server.get("/api/v1/subjects/csv-s2", officer).json().getString("name"))
                .isEqualTo("西城站, 新");
        assertThat(server.get("/api/v1/subjects/csv-s2", officer).json().getJsonObject("settings"))
                .as("empty cells are absent settings")
                .isEqualTo(new JsonObject().put("district", "csv-d"));
    }

    @Test
    void chineseHeadersAndGbkTextAreRead() {
        TestServer.Response r = csv(
                "编号,类型,名称,区域,targetClass,samplesPerYear,control\r\n"
                        + "csv-w1,water-section,府河白云湖,曾都区,II,4,provincial\r\n",
                Charset.forName("GBK"),
                "text/csv; charset=GBK");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonObject w = server.get("/api/v1/subjects/csv-w1", officer).json();
        assertThat(w.getString("name")).isEqualTo("府河白云湖");
        assertThat(w.getJsonObject("settings").getValue("samplesPerYear")).isEqualTo(4);
        assertThat(w.getJsonObject("settings").getString("targetClass")).isEqualTo("II");
    }

    @Test
    void aBadRowRefusesTheWholeFileNamingItsRowAndField() {
        long before = server.count("subjects");
        TestServer.Response r = csv("id,kind,name,targetClass\r\n"
                + "csv-bad-1,water-section,甲断面,III\r\n"
                + "csv-bad-2,water-section,乙断面,VII\r\n"
                + "csv-bad-3,rocket,丙,\r\n");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonArray errors = r.json().getJsonArray("errors");
        assertThat(errors.getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(errors.getJsonObject(0).getString("field")).isEqualTo("settings.targetClass");
        assertThat(errors.getJsonObject(1).getInteger("index")).isEqualTo(2);
        assertThat(errors.getJsonObject(1).getString("field")).isEqualTo("kind");
        assertThat(server.count("subjects")).as("nothing stored").isEqualTo(before);
        assertThat(server.get("/api/v1/subjects/csv-bad-1", officer).status()).isEqualTo(404);
    }

    @Test
    void malformedFilesAreRefusedBeforeAnyRow() {
        long before = server.count("subjects");
        record Case(String body, String says) {}
        for (Case c : new Case[] {
            new Case("name,region\r\nx,y\r\n", "id and kind"),
            new Case("id,kind,name\r\n", "at least one subject"),
            new Case("id,kind,name,name\r\na,district,b,c\r\n", "twice"),
            new Case("id,kind,name\r\ncsv-x,district,甲,多余\r\n", "more than the header"),
            new Case("id,kind,name\r\n\"csv-y,district,甲\r\n", "not valid CSV")
        }) {
            TestServer.Response r = csv(c.body());
            assertThat(r.status()).as(c.body()).isEqualTo(400);
            assertThat(r.json().getString("message")).as(c.body()).contains(c.says());
        }
        assertThat(server.count("subjects")).isEqualTo(before);
        TestServer.Response put = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/subjects/csv-d"))
                        .header("Content-Type", "text/csv")
                        .PUT(HttpRequest.BodyPublishers.ofString("id,kind\r\ncsv-d,district\r\n")),
                TestServer.ADMIN_TOKEN);
        assertThat(put.status()).as("one subject is changed as JSON").isEqualTo(415);
        assertThat(csv("id,kind,name\r\ncsv-z,district,甲\r\n", StandardCharsets.UTF_8, "text/csv")
                        .status())
                .isEqualTo(201);
        TestServer.Response officerTry = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/subjects"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString("id,kind,name\r\ncsv-o,district,甲\r\n")),
                officer);
        assertThat(officerTry.status()).isEqualTo(403);
    }

    @Test
    void theKindsOfSubjectListTheirSettings() {
        JsonArray kinds = server.get("/api/v1/subject-kinds", officer).json().getJsonArray("kinds");
        JsonObject station = kinds.stream()
                .map(o -> (JsonObject) o)
                .filter(k -> k.getString("kind").equals("air-station"))
                .findFirst()
                .orElseThrow();
        assertThat(station.getJsonArray("settings").stream()
                        .map(o -> ((JsonObject) o).getString("key"))
                        .toList())
                .contains("district", "hourLabel", "hj212");
        JsonObject section = kinds.stream()
                .map(o -> (JsonObject) o)
                .filter(k -> k.getString("kind").equals("water-section"))
                .findFirst()
                .orElseThrow();
        assertThat(section.encode()).contains("samplesPerYear").contains("must be one of [1, 2, 3, 4, 6, 12]");
    }
}
