package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** GET /api/v1/targets: every target of the report with its status, reported or not, through the real server. */
class TargetsOverviewTest {
    private static TestServer server;
    private static String officer;
    private static String risk;

    @BeforeAll
    static void start() {
        server = new TestServer();
        for (String d : List.of("tg-a", "tg-b", "tg-c")) {
            server.post(
                    "/api/v1/subjects",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject()
                            .put("id", d)
                            .put("kind", "district")
                            .put("name", "区" + d)
                            .encode());
        }
        officer = server.token("officer");
        risk = server.token("risk-office");
        // GDP growth 7% (T01, 预期, >= 7): below, at and above the figure of the report
        String at = "2023-06-30T00:00:00+08:00";
        server.ingest(officer, new JsonArray().add(reading("TARGET_T01", "tg-a", at, 6.9, "%")));
        server.ingest(officer, new JsonArray().add(reading("TARGET_T01", "tg-b", at, 7.0, "%")));
        server.ingest(officer, new JsonArray().add(reading("TARGET_T01", "tg-c", at, 7.1, "%")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<JsonObject> rows(JsonObject body) {
        List<JsonObject> out = new ArrayList<>();
        body.getJsonArray("groups")
                .forEach(g -> ((JsonObject) g).getJsonArray("targets").forEach(t -> out.add((JsonObject) t)));
        return out;
    }

    private static JsonObject glance(String query) {
        Response r = server.get("/api/v1/targets?" + query, risk);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyCommitmentOfTheReportIsListedOnceForADistrictReportedOrNot() throws Exception {
        JsonObject body = glance("year=2023&district=tg-a");
        List<String> ids = rows(body).stream().map(t -> t.getString("id")).toList();
        JsonArray all = new JsonObject(Files.readString(Path.of("rules/targets.json"))).getJsonArray("targets");
        List<String> expected = all.stream()
                .map(JsonObject.class::cast)
                .filter(t -> !"baseline".equals(t.getString("role")))
                .map(t -> t.getString("id"))
                .toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids).contains("T01", "T79", "M07").doesNotContain("S01", "S02");
        Map<String, JsonObject> byId = rows(body).stream().collect(Collectors.toMap(t -> t.getString("id"), t -> t));
        assertThat(byId.get("T02").getString("status")).isEqualTo("not-reported");
        assertThat(byId.get("T02").getValue("value")).isNull();
        JsonObject t21 = byId.get("T21");
        assertThat(t21.getString("status")).isEqualTo("not-checkable");
        assertThat(t21.getString("reason")).contains("中上游");
        // 「基本同步」 has no tolerance in the report: the reading of it is marked as such
        assertThat(byId.get("T06").getString("thresholdStatus")).isEqualTo("UNCONFIRMED");
        JsonObject t01 = byId.get("T01");
        assertThat(t01.getString("phrase")).isEqualTo("「地区生产总值增长7%」");
        assertThat(t01.getString("subjectName")).isEqualTo("区tg-a");
        assertThat(t01.getString("date")).isEqualTo("2023-06-30");
        assertThat(t01.getDouble("value")).isEqualTo(6.9);
        assertThat(t01.getString("section")).isEqualTo("2023年主要预期目标");
        // the counts are of the rows
        int counted = body.getJsonObject("counts").stream()
                .mapToInt(e -> ((Number) e.getValue()).intValue())
                .sum();
        assertThat(counted).isEqualTo(ids.size());
    }

    @Test
    void theReportsOwnFigureDecides_belowAtAndAbove() {
        assertThat(status("tg-a", "T01")).isEqualTo("behind-pace"); // 6.9 < 7
        assertThat(status("tg-b", "T01")).isEqualTo("on-pace"); // 7.0, 「增长7%」 is met at 7
        assertThat(status("tg-c", "T01")).isEqualTo("on-pace");
        // without a district: one row per district that reported it, the same statuses as the compliance overview
        List<JsonObject> t01 = rows(glance("year=2023")).stream()
                .filter(t -> t.getString("id").equals("T01"))
                .toList();
        assertThat(t01).extracting(t -> t.getString("subject")).containsExactlyInAnyOrder("tg-a", "tg-b", "tg-c");
        JsonArray compliance =
                server.get("/api/v1/compliance?year=2023", risk).json().getJsonArray("targets");
        for (JsonObject row : t01) {
            JsonObject same = compliance.stream()
                    .map(JsonObject.class::cast)
                    .filter(c -> c.getString("id").equals("T01")
                            && c.getString("subject").equals(row.getString("subject")))
                    .findFirst()
                    .orElseThrow();
            assertThat(row.getString("status")).isEqualTo(same.getString("status"));
            assertThat(row.getDouble("expected")).isEqualTo(same.getDouble("expected"));
        }
        // another year has no readings: not reported
        assertThat(rows(glance("year=2024&district=tg-b")).stream()
                        .filter(t -> t.getString("id").equals("T01"))
                        .findFirst()
                        .orElseThrow()
                        .getString("status"))
                .isEqualTo("not-reported");
    }

    private static String status(String district, String id) {
        return rows(glance("year=2023&district=" + district)).stream()
                .filter(t -> t.getString("id").equals(id))
                .findFirst()
                .orElseThrow()
                .getString("status");
    }

    @Test
    void bottomLinesAndEnsuredTargetsStandFirst_withTheAlertsOfTheRulesThatCheckThem() {
        JsonObject body = glance("year=2023&district=tg-c");
        JsonObject first = body.getJsonArray("groups").getJsonObject(0);
        assertThat(first.getBoolean("bottomLines")).isTrue();
        assertThat(first.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("strength")))
                .allMatch(s -> s.equals("底线") || s.equals("确保"));
        assertThat(first.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("id")))
                .contains("T72", "T38", "T39");
        List<String> titles = body.getJsonArray("groups").stream()
                .skip(1)
                .map(g -> ((JsonObject) g).getString("title"))
                .toList();
        assertThat(titles).first().isEqualTo("2023年主要预期目标");
        assertThat(titles).contains("(六)坚定不移深化平安建设,切实维护社会和谐稳定");
        assertThat(titles).doesNotHaveDuplicates();

        // T73 「严格控制新增债务」 is checked by debt.new-debt-over-quota: its open alerts are counted
        assertThat(openAlerts("tg-c", "T73")).isZero();
        server.ingest(
                officer,
                new JsonArray().add(reading("DEBT_NEW_QUOTA", "tg-c", "2023-03-31T00:00:00+08:00", 8.0, "亿元")));
        Response over = server.ingest(
                officer, new JsonArray().add(reading("DEBT_NEW", "tg-c", "2023-09-30T00:00:00+08:00", 8.2, "亿元")));
        assertThat(over.array("alerts")).isNotEmpty();
        assertThat(openAlerts("tg-c", "T73")).isEqualTo(1);
        assertThat(openAlerts("tg-a", "T73")).isZero(); // another district's alert is not counted
    }

    private static long openAlerts(String district, String id) {
        JsonObject row = rows(glance("year=2023&district=" + district)).stream()
                .filter(t -> t.getString("id").equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(row.getString("status")).isEqualTo("by-rule");
        assertThat(row.getJsonArray("rules")).contains("debt.new-debt-over-quota");
        return row.getLong("openAlerts");
    }

    @Test
    void anUnknownDistrictOrYearIsRefusedNamingTheParameter() {
        Response unknown = server.get("/api/v1/targets?year=2023&district=nowhere", risk);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                .isEqualTo("district");
        Response noYear = server.get("/api/v1/targets", risk);
        assertThat(noYear.status()).isEqualTo(400);
        assertThat(noYear.body()).contains("year");
        assertThat(server.get("/api/v1/targets?year=2023", TestServer.ADMIN_TOKEN)
                        .status())
                .isEqualTo(403);
    }
}
