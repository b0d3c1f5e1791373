package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** Bearer tokens, roles and their boundaries. */
class AccessTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
        server.register("air-station", "acc");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response call(String method, String path, String role) {
        String token = role == null ? null : role.equals("admin") ? TestServer.ADMIN_TOKEN : server.token(role);
        if (method.equals("GET")) {
            return server.get(path, token);
        }
        if (method.equals("DELETE")) {
            return server.delete(path, token);
        }
        String body = path.equals("/api/v1/readings")
                ? hourlyPm25("acc", "2023-01-01", 1, 10).encode()
                : new JsonObject().put("name", "x").put("role", "officer").encode();
        return server.post(path, token, body);
    }

    /** Every role boundary of the skeleton's endpoints: allowed roles get 2xx, all others 403. */
    @ParameterizedTest(name = "{0} {1} as {2} -> {3}")
    @CsvSource({
        "POST, /api/v1/readings, officer, 201",
        "POST, /api/v1/readings, risk-office, 403",
        "POST, /api/v1/readings, supervisor, 403",
        "POST, /api/v1/readings, admin, 403",
        "GET, /api/v1/readings, officer, 200",
        "GET, /api/v1/readings, risk-office, 200",
        "GET, /api/v1/readings, supervisor, 200",
        "GET, /api/v1/readings, admin, 403",
        "GET, /api/v1/alerts, officer, 403",
        "GET, /api/v1/alerts, risk-office, 200",
        "GET, /api/v1/alerts, supervisor, 200",
        "GET, /api/v1/alerts, admin, 403",
        "GET, /api/v1/alerts/1, officer, 403",
        "POST, /api/v1/tokens, officer, 403",
        "POST, /api/v1/tokens, risk-office, 403",
        "POST, /api/v1/tokens, supervisor, 403",
        "POST, /api/v1/tokens, admin, 201",
        "DELETE, /api/v1/tokens/999999, officer, 403",
        "DELETE, /api/v1/tokens/999999, supervisor, 403",
        "GET, /api/v1/tokens, officer, 403",
        "GET, /api/v1/tokens, risk-office, 403",
        "GET, /api/v1/tokens, supervisor, 403",
        "GET, /api/v1/tokens, admin, 200",
        "GET, /api/v1/indicators, officer, 200",
        "GET, /api/v1/rules, risk-office, 200",
        "GET, /api/v1/rules, admin, 200",
        "GET, /api/v1/subjects, officer, 200",
        "POST, /api/v1/subjects, officer, 403",
        "POST, /api/v1/subjects, supervisor, 403",
    })
    void rolesMayOnlyUseTheirEndpoints(String method, String path, String role, int expected) {
        Response r = call(method, path, role);
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        if (expected == 403) {
            assertThat(r.json().getString("code")).isEqualTo("forbidden");
            assertThat(r.json().getString("message")).contains(role);
        }
    }

    @ParameterizedTest(name = "{0} {1} without a token -> 401")
    @CsvSource({
        "POST, /api/v1/readings",
        "GET, /api/v1/readings",
        "GET, /api/v1/alerts",
        "GET, /api/v1/alerts/1",
        "POST, /api/v1/tokens",
        "DELETE, /api/v1/tokens/1",
        "GET, /api/v1/indicators",
        "GET, /api/v1/rules"
    })
    void everyApiEndpointNeedsAToken(String method, String path) {
        long before = server.count("readings");
        Response r = call(method, path, null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().getString("code")).isEqualTo("unauthenticated");
        assertThat(server.count("readings")).isEqualTo(before);
    }

    @Test
    void unknownOrMalformedTokenIs401() {
        Response r = server.get("/api/v1/alerts", "tw_not-a-real-token");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().getString("message")).contains("unknown");
        Response basic = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/alerts"))
                        .header("Authorization", "Basic dXNlcjpwYXNz")
                        .GET(),
                null);
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void createdTokenIsShownOnceStoredHashedAndRevocable() {
        Response created = server.post(
                "/api/v1/tokens",
                TestServer.ADMIN_TOKEN,
                new JsonObject()
                        .put("name", "巡查员 张三")
                        .put("role", "risk-office")
                        .encode());
        assertThat(created.status()).isEqualTo(201);
        JsonObject body = created.json();
        assertThat(body.getString("name")).isEqualTo("巡查员 张三");
        assertThat(body.getString("role")).isEqualTo("risk-office");
        String secret = body.getString("token");
        assertThat(secret).startsWith("tw_").hasSizeGreaterThan(40);
        assertThat(server.get("/api/v1/alerts", secret).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/whoami", secret).json().getString("name"))
                .isEqualTo("巡查员 张三");
        assertThat(org.targetwatch.support.TestDatabase.scalar(
                        server.dbUrl,
                        "SELECT count(*) FROM api_tokens WHERE position(convert_to('" + secret
                                + "', 'UTF8') in token_hash) > 0" + " OR name = '" + secret + "'"))
                .isZero();

        Response revoked = server.delete("/api/v1/tokens/" + body.getLong("id"), TestServer.ADMIN_TOKEN);
        assertThat(revoked.status()).isEqualTo(204);
        assertThat(server.get("/api/v1/alerts", secret).status()).isEqualTo(401);
        assertThat(server.delete("/api/v1/tokens/" + body.getLong("id"), TestServer.ADMIN_TOKEN)
                        .status())
                .isEqualTo(204);
        Response unknown = server.delete("/api/v1/tokens/987654", TestServer.ADMIN_TOKEN);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().getString("field")).isEqualTo("id");
    }

    @Test
    void tokenListShowsNameRoleCreationLastUseAndRevocationButNoSecret() {
        Response created = server.post(
                "/api/v1/tokens",
                TestServer.ADMIN_TOKEN,
                new JsonObject().put("name", "值班员 李四").put("role", "officer").encode());
        long id = created.json().getLong("id");
        String secret = created.json().getString("token");
        JsonObject before = tokenListed(id);
        assertThat(before.getString("role")).isEqualTo("officer");
        assertThat(before.containsKey("createdBy"))
                .isTrue(); // null: made with TARGETWATCH_ADMIN_TOKEN, not a stored token
        assertThat(before.getString("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT.*\\+08:00");
        assertThat(before.getValue("lastUsedAt")).isNull();
        assertThat(before.getBoolean("revoked")).isFalse();

        assertThat(server.get("/api/v1/indicators", secret).status()).isEqualTo(200);
        JsonObject used = tokenListed(id);
        assertThat(used.getString("lastUsedAt")).isNotNull();

        server.delete("/api/v1/tokens/" + id, TestServer.ADMIN_TOKEN);
        JsonObject revoked = tokenListed(id);
        assertThat(revoked.getBoolean("revoked")).isTrue();
        assertThat(revoked.getString("revokedAt")).isNotNull();

        Response list = server.get("/api/v1/tokens", TestServer.ADMIN_TOKEN);
        assertThat(list.body()).doesNotContain(secret).doesNotContain(TestServer.ADMIN_TOKEN);
        assertThat(list.body()).doesNotContain("hash");
    }

    private JsonObject tokenListed(long id) {
        Response list = server.get("/api/v1/tokens", TestServer.ADMIN_TOKEN);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return list.array("tokens").stream()
                .map(JsonObject.class::cast)
                .filter(t -> t.getLong("id") == id)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void tokenRequestWithUnknownRoleOrNoNameIs422AndStoresNothing() {
        long before = server.count("api_tokens");
        Response badRole = server.post(
                "/api/v1/tokens",
                TestServer.ADMIN_TOKEN,
                new JsonObject().put("name", "x").put("role", "root").encode());
        assertThat(badRole.status()).isEqualTo(422);
        assertThat(badRole.json().getString("field")).isEqualTo("role");
        Response noName = server.post(
                "/api/v1/tokens",
                TestServer.ADMIN_TOKEN,
                new JsonObject().put("role", "officer").encode());
        assertThat(noName.status()).isEqualTo(422);
        assertThat(noName.json().getString("field")).isEqualTo("name");
        Response notJson = server.post("/api/v1/tokens", TestServer.ADMIN_TOKEN, "{name");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(server.count("api_tokens")).isEqualTo(before);
    }

    @Test
    void unknownEndpointIsJson404() {
        Response r = server.get("/api/v1/nothing-here", server.token("supervisor"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().getString("code")).isEqualTo("not_found");
    }
}
