package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** The alert lifecycle through real HTTP and PostgreSQL: pending, hysteresis, auto-resolve, withdraw, actions. */
class AlertLifecycleTest {
    private static TestServer server;
    private static String officer;
    private static String risk;
    private static String supervisor;

    @BeforeAll
    static void start() {
        server = new TestServer();
        officer = server.token("officer");
        risk = server.token("risk-office");
        supervisor = server.token("supervisor");
        server.register("air-station", "lc-air", "lc-cor", "lc-act", "lc-ver");
        server.register("district", "lc-debt");
        server.register("water-plant", "lc-plant");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response post(Object body) {
        return server.ingest(officer, body);
    }

    private static JsonObject only(Response r) {
        assertThat(r.array("alerts")).hasSize(1);
        return r.array("alerts").getJsonObject(0);
    }

    private static List<String> history(long id) {
        Response h = server.get("/api/v1/alerts/" + id + "/history", risk);
        assertThat(h.status()).isEqualTo(200);
        return h.array("history").stream()
                .map(o -> ((JsonObject) o).getString("kind"))
                .toList();
    }

    private static Response act(long id, String action, JsonObject body, String token) {
        return server.post("/api/v1/alerts/" + id + "/" + action, token, body.encode());
    }

    @Test
    void alertResolvesWithTheValueThatClearedIt() {
        JsonObject opened = only(post(hourlyPm25("lc-air", "2023-05-01", 24, 80)));
        assertThat(opened.getString("status")).isEqualTo("open");
        // a late 25th reading cannot exist; a new day's values do not touch this one. Correct one hour down:
        // the mean falls to (23 × 80 + 0) / 24 = 76.67, published as 77, still above 75: the alert is updated
        JsonObject updated = only(post(reading("PM2_5", "lc-air", "2023-05-01T03:00:00+08:00", 0, "ug/m3")));
        assertThat(updated.getString("change")).isEqualTo("updated");
        // correct two more hours: (21 × 80) / 24 = 70 ≤ 75: the cause is gone, the alert is withdrawn
        Response cleared = post(new JsonArray()
                .add(reading("PM2_5", "lc-air", "2023-05-01T04:00:00+08:00", 0, "ug/m3"))
                .add(reading("PM2_5", "lc-air", "2023-05-01T05:00:00+08:00", 0, "ug/m3")));
        JsonObject resolved = only(cleared);
        assertThat(resolved.getString("status")).isEqualTo("resolved");
        assertThat(resolved.getString("resolution")).isEqualTo("withdrawn");
        assertThat(resolved.getDouble("clearingValue")).isEqualTo(70.0);
        assertThat(resolved.getJsonArray("clearingReadingIds")).hasSize(24);
        assertThat(resolved.getDouble("value")).isEqualTo(77.0); // the last firing value is kept apart
        assertThat(history(resolved.getLong("id"))).containsExactly("opened", "withdrawn");
    }

    @Test
    void laterReadingThatClearsAScopeResolvesAutomatically() {
        JsonObject opened = only(post(reading("DEBT_RATIO", "lc-debt", "2022-06-30T00:00:00+08:00", 101, "%")));
        Response r = post(reading("DEBT_RATIO", "lc-debt", "2022-06-30T12:00:00+08:00", 90, "%"));
        JsonObject resolved = only(r);
        assertThat(resolved.getLong("id")).isEqualTo(opened.getLong("id"));
        assertThat(resolved.getString("resolution")).isEqualTo("auto");
        assertThat(resolved.getDouble("clearingValue")).isEqualTo(90.0);
        // the breach comes back the same day: the alert reopens, its history keeps both lives
        JsonObject reopened = only(post(reading("DEBT_RATIO", "lc-debt", "2022-06-30T18:00:00+08:00", 102, "%")));
        assertThat(reopened.getLong("id")).isEqualTo(opened.getLong("id"));
        assertThat(reopened.getString("change")).isEqualTo("reopened");
        assertThat(reopened.getString("status")).isEqualTo("open");
        assertThat(history(opened.getLong("id"))).containsExactly("opened", "resolved", "reopened");
    }

    /** The debt warning line fires above 100% and, once open, resolves only at or below 95% (recovery). */
    @Test
    void hysteresisKeepsTheAlertUntilTheRecoveryLine() {
        JsonObject opened = only(post(reading("DEBT_RATIO", "lc-debt", "2023-03-31T00:00:00+08:00", 101, "%")));
        assertThat(opened.getJsonObject("threshold").getDouble("recovery")).isEqualTo(95.0);
        assertThat(post(reading("DEBT_RATIO", "lc-debt", "2023-03-31T06:00:00+08:00", 96, "%"))
                        .array("alerts"))
                .isEmpty();
        assertThat(server.get("/api/v1/alerts/" + opened.getLong("id"), risk)
                        .json()
                        .getString("status"))
                .isEqualTo("open");
        JsonObject resolved = only(post(reading("DEBT_RATIO", "lc-debt", "2023-03-31T12:00:00+08:00", 95, "%")));
        assertThat(resolved.getString("status")).isEqualTo("resolved");
        assertThat(resolved.getDouble("clearingValue")).isEqualTo(95.0);
    }

    /** Turbidity asks for two consecutive breaching evaluations before it opens. */
    @Test
    void pendingAlertOpensOnTheSecondConsecutiveBreach() {
        JsonObject pending =
                only(post(reading("TAPWATER_TURBIDITY", "lc-plant", "2023-06-01T08:00:00+08:00", 2, "NTU")));
        assertThat(pending.getString("status")).isEqualTo("pending");
        assertThat(pending.getString("change")).isEqualTo("pending");
        assertThat(pending.getString("openedAt")).isNull();
        JsonObject open = only(post(reading("TAPWATER_TURBIDITY", "lc-plant", "2023-06-01T14:00:00+08:00", 3, "NTU")));
        assertThat(open.getString("status")).isEqualTo("open");
        assertThat(open.getString("change")).isEqualTo("opened");
        assertThat(history(open.getLong("id"))).containsExactly("pending", "opened");
        // a pending alert whose condition clears before opening is resolved quietly
        JsonObject p2 = only(post(reading("TAPWATER_TURBIDITY", "lc-plant", "2023-06-02T08:00:00+08:00", 2, "NTU")));
        JsonObject cleared =
                only(post(reading("TAPWATER_TURBIDITY", "lc-plant", "2023-06-02T14:00:00+08:00", 0.5, "NTU")));
        assertThat(cleared.getLong("id")).isEqualTo(p2.getLong("id"));
        assertThat(cleared.getString("status")).isEqualTo("resolved");
        assertThat(cleared.getString("openedAt")).isNull();
    }

    @Test
    void acknowledgeAssignCommentAndResolveAreRecordedWithWhoAndWhy() {
        long id = only(post(hourlyPm25("lc-act", "2023-05-02", 24, 90))).getLong("id");
        Response ack = act(id, "ack", new JsonObject().put("comment", "收到, 正在核查"), risk);
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        assertThat(ack.json().getString("status")).isEqualTo("acknowledged");
        assertThat(ack.json().getString("acknowledgedBy")).contains("risk-office");
        assertThat(act(id, "ack", new JsonObject(), risk).status()).isEqualTo(409);
        assertThat(act(id, "assign", new JsonObject().put("assignee", "张工"), supervisor)
                        .json()
                        .getString("assignee"))
                .isEqualTo("张工");
        assertThat(act(id, "comment", new JsonObject().put("comment", "station calibrated"), risk)
                        .status())
                .isEqualTo(200);
        Response noReason = act(id, "resolve", new JsonObject(), supervisor);
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().getString("field")).isEqualTo("reason");
        Response resolved = act(id, "resolve", new JsonObject().put("reason", "sensor fault confirmed"), supervisor);
        assertThat(resolved.json().getString("status")).isEqualTo("resolved");
        assertThat(resolved.json().getString("resolution")).isEqualTo("manual");
        assertThat(resolved.json().getString("resolveReason")).isEqualTo("sensor fault confirmed");
        assertThat(act(id, "resolve", new JsonObject().put("reason", "again"), supervisor)
                        .status())
                .isEqualTo(409);

        JsonArray h =
                server.get("/api/v1/alerts/" + id + "/history", supervisor).array("history");
        assertThat(h.stream().map(o -> ((JsonObject) o).getString("kind")))
                .containsExactly("opened", "acknowledged", "assigned", "commented", "resolved");
        JsonObject ackEvent = h.getJsonObject(1);
        assertThat(ackEvent.getString("from")).isEqualTo("open");
        assertThat(ackEvent.getString("to")).isEqualTo("acknowledged");
        assertThat(ackEvent.getString("comment")).isEqualTo("收到, 正在核查");
        assertThat(ackEvent.getString("actor")).contains("risk-office");
        assertThat(ackEvent.getString("at")).endsWith("+08:00");
        assertThat(h.getJsonObject(4).getString("comment")).isEqualTo("sensor fault confirmed");
    }

    @Test
    void staleVersionIs409AndChangesNothing() {
        JsonObject alert = only(post(hourlyPm25("lc-ver", "2023-05-03", 24, 90)));
        long id = alert.getLong("id");
        int version = alert.getInteger("version");
        assertThat(act(id, "comment", new JsonObject().put("comment", "first").put("version", version), risk)
                        .status())
                .isEqualTo(200);
        Response stale = act(id, "ack", new JsonObject().put("comment", "late").put("version", version), risk);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().getString("code")).isEqualTo("version_conflict");
        assertThat(server.get("/api/v1/alerts/" + id, risk).json().getString("status"))
                .isEqualTo("open");
        assertThat(history(id)).containsExactly("opened", "commented");
    }

    @Test
    void actionsNeedTheRightRoleAndAnExistingAlert() {
        long id = only(post(hourlyPm25("lc-cor", "2023-05-04", 24, 90))).getLong("id");
        assertThat(act(id, "ack", new JsonObject(), officer).status()).isEqualTo(403);
        assertThat(act(99999999, "ack", new JsonObject(), risk).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/alerts/99999999/history", risk).status()).isEqualTo(404);
        Response bad = server.post("/api/v1/alerts/" + id + "/ack", risk, "[1,2]");
        assertThat(bad.status()).isEqualTo(400);
    }
}
