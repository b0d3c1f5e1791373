package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;

/**
 * The alert board's API (issue 17): pages with an exact total and no silent cap, the default order (most severe
 * first, then newest), sorting by a column either way, the filters, and refusals naming the parameter.
 */
class AlertBoardTest extends ServerTest {
    private static final List<Long> warnings = new ArrayList<>();
    private static long critical;

    @BeforeAll
    static void alerts() {
        for (int i = 0; i < 25; i++) {
            String id = String.format("board-%02d", i);
            server.post(
                    "/api/v1/subjects",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject()
                            .put("id", id)
                            .put("kind", "air-station")
                            .put("name", id)
                            .put("region", i % 2 == 0 ? "曾都区" : "随县")
                            .encode());
            warnings.add(server.ingest(
                            officer, hourlyPm25(id, "2023-03-" + String.format("%02d", 1 + i % 5), 24, 80 + i))
                    .array("alerts")
                    .getJsonObject(0)
                    .getLong("id"));
        }
        server.register("district", "board-d");
        critical = server.ingest(
                        officer, reading("SAFETY_MAJOR_ACCIDENTS", "board-d", "2023-03-02T00:00:00+08:00", 1, "count"))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
    }

    private static JsonObject page(String query) {
        TestServer.Response r = server.get("/api/v1/alerts?" + query, risk);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<Long> ids(JsonObject page) {
        return page.getJsonArray("alerts").stream()
                .map(o -> ((JsonObject) o).getLong("id"))
                .toList();
    }

    @Test
    void pagesCarryTheExactTotalAndTheDefaultOrderIsSeverityThenNewest() {
        JsonObject first = page("subject=board-d&limit=5");
        assertThat(first.getLong("total")).isEqualTo(1);

        JsonObject p1 = page("category=air&limit=10");
        assertThat(p1.getLong("total")).isEqualTo(25);
        assertThat(p1.getString("sort")).isEqualTo("severity");
        assertThat(ids(p1)).hasSize(10);
        JsonObject p3 = page("category=air&limit=10&page=3");
        assertThat(ids(p3)).hasSize(5);
        List<Long> all = new ArrayList<>(ids(p1));
        all.addAll(ids(page("category=air&limit=10&page=2")));
        all.addAll(ids(p3));
        List<Long> newestFirst = new ArrayList<>(warnings);
        newestFirst.sort(java.util.Comparator.reverseOrder());
        assertThat(all).as("every alert once, newest first among equals").isEqualTo(newestFirst);
        assertThat(ids(page("category=air&limit=10&page=4"))).isEmpty();

        List<Long> board = ids(page("limit=1000"));
        assertThat(board.get(0)).as("the critical accident first").isEqualTo(critical);
        assertThat(page("limit=1000").getLong("total")).isEqualTo(board.size());
    }

    @Test
    void anyColumnSortsEitherWayAndFiltersCombine() {
        JsonArray byValue = page("category=air&sort=value&order=asc&limit=1000").getJsonArray("alerts");
        List<Double> values =
                byValue.stream().map(o -> ((JsonObject) o).getDouble("value")).toList();
        assertThat(values).isSorted().hasSize(25);
        List<String> subjects = page("category=air&sort=subject&order=desc&limit=1000").getJsonArray("alerts").stream()
                .map(o -> ((JsonObject) o).getString("subject"))
                .toList();
        assertThat(subjects.get(0)).isEqualTo("board-24");
        assertThat(subjects.get(24)).isEqualTo("board-00");

        assertThat(page("severity=critical").getLong("total")).isEqualTo(1);
        assertThat(page("category=air&region=随县").getLong("total")).isEqualTo(12);
        assertThat(page("rule=air.daily-mean-over-grade-ii&periodFrom=2023-03-02&periodTo=2023-03-04")
                        .getLong("total"))
                .isEqualTo(10);
        assertThat(page("category=air&historical=true").getLong("total")).isZero();
        assertThat(page("category=air&historical=false").getLong("total")).isEqualTo(25);
    }

    /** Groups by rule, subject or region: each count is the board's total for that key; the most severe first. */
    @Test
    void groupsCountWhatTheBoardShowsForTheirKey() {
        for (String by : List.of("rule", "subject", "region")) {
            TestServer.Response r =
                    server.get("/api/v1/alerts/groups?by=" + by + "&periodFrom=2023-03-01&periodTo=2023-03-06", risk);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonObject body = r.json();
            assertThat(body.getBoolean("truncated")).isFalse();
            long sum = 0;
            for (Object o : body.getJsonArray("groups")) {
                JsonObject g = (JsonObject) o;
                String key = java.net.URLEncoder.encode(g.getString("key"), java.nio.charset.StandardCharsets.UTF_8);
                if (!key.isEmpty()) { // alerts of subjects without a region: a group, but no filter value
                    long total = page(by + "=" + key + "&periodFrom=2023-03-01&periodTo=2023-03-06&limit=1")
                            .getLong("total");
                    assertThat(g.getLong("count"))
                            .as(by + " " + g.getString("key"))
                            .isEqualTo(total);
                }
                long bySeverity = g.getJsonObject("bySeverity").stream()
                        .mapToLong(e -> ((Number) e.getValue()).longValue())
                        .sum();
                assertThat(bySeverity).isEqualTo(g.getLong("count"));
                sum += g.getLong("count");
            }
            assertThat(body.getLong("total")).isEqualTo(sum);
            assertThat(sum)
                    .isEqualTo(page("periodFrom=2023-03-01&periodTo=2023-03-06&limit=1")
                            .getLong("total"));
        }
        JsonObject bySubject = server.get("/api/v1/alerts/groups?by=subject&rule=air.daily-mean-over-grade-ii", risk)
                .json();
        assertThat(bySubject.getJsonArray("groups").stream().map(g -> ((JsonObject) g).getString("key")))
                .contains("board-00", "board-24");
        // the group of the critical bottom-line alert comes first
        JsonObject byRule = server.get("/api/v1/alerts/groups?by=rule", risk).json();
        assertThat(byRule.getJsonArray("groups")
                        .getJsonObject(0)
                        .getJsonObject("bySeverity")
                        .getLong("critical"))
                .isPositive();
        TestServer.Response bad = server.get("/api/v1/alerts/groups?by=colour", risk);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                .isEqualTo("by");
        assertThat(server.get("/api/v1/alerts/groups?by=rule", officer).status())
                .isEqualTo(403);
    }

    /** The people offered as assignees: active risk-office and supervisor tokens and past assignees, not others. */
    @Test
    void peopleAreTheOfficesActiveTokensAndPastAssignees() {
        for (String[] t : new String[][] {{"处置员 赵六", "risk-office"}, {"督查 孙八", "supervisor"}, {"填报员 周九", "officer"}}) {
            server.post(
                    "/api/v1/tokens",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject().put("name", t[0]).put("role", t[1]).encode());
        }
        long gone = server.post(
                        "/api/v1/tokens",
                        TestServer.ADMIN_TOKEN,
                        new JsonObject()
                                .put("name", "离职 吴十")
                                .put("role", "risk-office")
                                .encode())
                .json()
                .getLong("id");
        server.delete("/api/v1/tokens/" + gone, TestServer.ADMIN_TOKEN);
        JsonObject alert = server.get("/api/v1/alerts/" + warnings.get(3), risk).json();
        TestServer.Response assigned = server.post(
                "/api/v1/alerts/" + warnings.get(3) + "/assign",
                risk,
                new JsonObject()
                        .put("assignee", "外包单位 钱七")
                        .put("version", alert.getInteger("version"))
                        .encode());
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        TestServer.Response r = server.get("/api/v1/people", risk);
        assertThat(r.status()).isEqualTo(200);
        java.util.Map<String, Object> roles = new java.util.HashMap<>();
        r.array("people")
                .forEach(o -> roles.put(((JsonObject) o).getString("name"), ((JsonObject) o).getValue("role")));
        assertThat(roles).containsEntry("处置员 赵六", "risk-office").containsEntry("督查 孙八", "supervisor");
        assertThat(roles).containsKey("外包单位 钱七");
        assertThat(roles.get("外包单位 钱七")).isNull();
        assertThat(roles).doesNotContainKey("填报员 周九").doesNotContainKey("离职 吴十");
        assertThat(server.get("/api/v1/people", officer).status()).isEqualTo(403);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        for (String[] bad : new String[][] {
            {"sort=colour", "sort"},
            {"order=up", "order"},
            {"page=0", "page"},
            {"page=x", "page"},
            {"severity=urgent", "severity"},
            {"status=closed", "status"},
            {"historical=maybe", "historical"}
        }) {
            TestServer.Response r = server.get("/api/v1/alerts?" + bad[0], risk);
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .as(bad[0])
                    .isEqualTo(bad[1]);
        }
    }
}
