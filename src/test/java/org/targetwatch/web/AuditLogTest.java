package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Await.await;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * The audit log (issue 19): every privileged change through the API (tokens, subjects, silences, reloads,
 * resolutions), refusals included, is recorded with who, when, what and from where, secrets left out; readings are
 * not; only admins read it, page by page; entries older than auditRetentionDays are deleted.
 */
class AuditLogTest {

    private static List<JsonObject> entries(TestServer server, String query) {
        TestServer.Response r = server.get("/api/v1/audit" + query, TestServer.ADMIN_TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.array("entries").stream().map(o -> (JsonObject) o).toList();
    }

    private static JsonObject entry(List<JsonObject> entries, String method, String path) {
        return entries.stream()
                .filter(e -> e.getString("method").equals(method)
                        && e.getString("path").equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no audit entry " + method + " " + path + " in " + entries));
    }

    @Test
    void everyPrivilegedChangeIsRecordedWithWhoWhenWhatAndFromWhere() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer server = new TestServer(db, Map.of())) {
            String admin = TestServer.ADMIN_TOKEN;
            String supervisor = server.token("supervisor");
            String officer = server.token("officer");
            String risk = server.token("risk-office");
            Instant before = Instant.now().minusSeconds(1);

            TestServer.Response token = server.post(
                    "/api/v1/tokens",
                    admin,
                    new JsonObject().put("name", "区数据中心").put("role", "officer").encode());
            assertThat(token.status()).isEqualTo(201);
            String secret = token.json().getString("token");
            server.post(
                    "/api/v1/subjects",
                    admin,
                    new JsonObject()
                            .put("id", "au-1")
                            .put("kind", "air-station")
                            .put("name", "审计站")
                            .encode());
            TestServer.Response silence = server.post(
                    "/api/v1/silences",
                    supervisor,
                    new JsonObject()
                            .put("matchers", new JsonObject().put("subject", new JsonArray().add("au-1")))
                            .put(
                                    "endsAt",
                                    Instant.now().plus(1, ChronoUnit.DAYS).toString())
                            .put("reason", "站点检修")
                            .encode());
            assertThat(silence.status()).as(silence.body()).isEqualTo(201);
            long silenceId = silence.json().getLong("id");
            server.post("/api/v1/silences/" + silenceId + "/expire", supervisor, "{}");
            server.post("/api/v1/rulesets/reload", admin, "{}");
            assertThat(server.post("/api/v1/tokens", officer, "{\"name\": \"x\", \"role\": \"admin\"}")
                            .status())
                    .isEqualTo(403);
            long alert = server.ingest(officer, hourlyPm25("au-1", "2023-03-01", 24, 80))
                    .array("alerts")
                    .getJsonObject(0)
                    .getLong("id");
            server.post("/api/v1/alerts/" + alert + "/resolve", risk, "{\"reason\": \"站点已校准\"}");

            await(() -> entries(server, "").size() >= 7, "the entries written");
            List<JsonObject> all = entries(server, "");
            JsonObject created = all.stream()
                    .filter(e -> e.getString("path").equals("/api/v1/tokens")
                            && e.getJsonObject("details").encode().contains("区数据中心"))
                    .findFirst()
                    .orElseThrow();
            assertThat(created.getString("actor")).isEqualTo("TARGETWATCH_ADMIN_TOKEN");
            assertThat(created.getString("role")).isEqualTo("admin");
            assertThat(created.getInteger("status")).isEqualTo(201);
            assertThat(created.getString("remote")).isEqualTo("127.0.0.1");
            assertThat(created.getJsonObject("details").getJsonObject("body").getString("name"))
                    .isEqualTo("区数据中心");
            assertThat(java.time.OffsetDateTime.parse(created.getString("at")).toInstant())
                    .isAfter(before);
            assertThat(all.toString()).doesNotContain(secret);

            JsonObject refused = all.stream()
                    .filter(e -> e.getString("path").equals("/api/v1/tokens") && e.getInteger("status") == 403)
                    .findFirst()
                    .orElseThrow();
            assertThat(refused.getString("role")).isEqualTo("officer");
            assertThat(refused.getString("actor")).isEqualTo("test officer");

            assertThat(entry(all, "POST", "/api/v1/subjects").getInteger("status"))
                    .isEqualTo(201);
            JsonObject sil = entry(all, "POST", "/api/v1/silences");
            assertThat(sil.getString("role")).isEqualTo("supervisor");
            assertThat(sil.getJsonObject("details").getJsonObject("body").getString("reason"))
                    .isEqualTo("站点检修");
            assertThat(entry(all, "POST", "/api/v1/silences/" + silenceId + "/expire")
                            .getInteger("status"))
                    .isEqualTo(200);
            assertThat(entry(all, "POST", "/api/v1/rulesets/reload").getInteger("status"))
                    .isEqualTo(200);
            JsonObject resolved = entry(all, "POST", "/api/v1/alerts/" + alert + "/resolve");
            assertThat(resolved.getString("role")).isEqualTo("risk-office");
            assertThat(resolved.getJsonObject("details").getJsonObject("body").getString("reason"))
                    .isEqualTo("站点已校准");
            assertThat(all).noneMatch(e -> e.getString("path").equals("/api/v1/readings"));
            assertThat(all).noneMatch(e -> e.getString("method").equals("GET"));

            // filters and pages
            assertThat(entries(server, "?path=/api/v1/silences")).hasSize(2);
            assertThat(entries(server, "?actor=test%20supervisor")).hasSize(2);
            TestServer.Response page = server.get("/api/v1/audit?limit=2", admin);
            long next = page.json().getLong("next");
            List<JsonObject> second = entries(server, "?limit=2&before=" + next);
            assertThat(second).hasSize(2).allMatch(e -> e.getLong("id") < next);
            assertThat(server.get("/api/v1/audit?before=x", admin).status()).isEqualTo(400);
            assertThat(server.get("/api/v1/audit", supervisor).status()).isEqualTo(403);
        }

        // retention: 365 days by default, applied at start
        TestDatabase.execute(
                db,
                "INSERT INTO audit_log (at, actor, role, method, path, status) VALUES"
                        + " (now() - interval '400 days', 'old', 'admin', 'POST', '/api/v1/tokens', 201),"
                        + " (now() - interval '300 days', 'kept', 'admin', 'POST', '/api/v1/tokens', 201)");
        try (TestServer again = new TestServer(db, Map.of())) {
            await(
                    () -> TestDatabase.scalar(db, "SELECT count(*) FROM audit_log WHERE actor = 'old'") == 0,
                    "the entry older than 365 days deleted");
            assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM audit_log WHERE actor = 'kept'"))
                    .isEqualTo(1);
        }
    }
}
