package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ApiContract;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;

/**
 * The API description: served without a token, it lists exactly the routes of the route table, and the check every
 * HTTP test's answer goes through ({@link ApiContract}) refuses what the description does not allow.
 */
class ApiContractTest extends ServerTest {

    @Test
    void theDescriptionIsServedWithoutAToken() {
        TestServer.Response r = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/openapi.yaml")).GET(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/yaml");
        assertThat(r.body()).contains("openapi: 3.1.0").contains("/api/v1/readings:");
    }

    /** Every route of web/Api.java is described with its method, and nothing else is. */
    @Test
    void theDescriptionListsExactlyTheRoutesOfTheRouteTable() throws Exception {
        String table = Files.readString(Path.of("src/main/java/org/targetwatch/web/Api.java"));
        Set<String> routes = new TreeSet<>();
        Matcher m =
                Pattern.compile("router\\.(get|post|put|delete)\\(\"([^\"]+)\"").matcher(table);
        while (m.find()) {
            if (m.group(2).endsWith("/")) {
                continue; // the alert actions' loop, below
            }
            routes.add(m.group(1) + " " + m.group(2).replaceAll(":(\\w+)", "{$1}"));
        }
        Matcher actions = Pattern.compile("List\\.of\\((\"ack\"[^)]*)\\)").matcher(table);
        assertThat(actions.find()).isTrue();
        for (String action : actions.group(1).replace("\"", "").split(",\\s*")) {
            routes.add("post /api/v1/alerts/{id}/" + action);
        }
        Set<String> described = new TreeSet<>();
        JsonObject paths = ApiContract.spec().getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            for (String method : paths.getJsonObject(p).fieldNames()) {
                described.add(method + " " + p);
            }
        }
        assertThat(described).containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void answersTheDescriptionDoesNotAllowAreRefused() {
        // a field of the wrong type
        assertThatThrownBy(() -> ApiContract.check(
                        "GET", "/api/v1/alerts", 200, "application/json", "{\"alerts\": [{\"id\": \"seven\"}]}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/v1/alerts → 200")
                .hasMessageContaining("/alerts/0");
        // a status the operation does not have
        assertThatThrownBy(() -> ApiContract.check(
                        "GET", "/api/v1/alerts/3", 418, "application/json", "{\"code\":\"x\",\"message\":\"y\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status 418 is not documented");
        // an error without its message
        assertThatThrownBy(() -> ApiContract.check(
                        "GET", "/api/v1/alerts/3", 404, "application/json", "{\"code\":\"not_found\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("message");
        // a path that is not part of the API may only be refused
        assertThatThrownBy(() -> ApiContract.check("GET", "/api/v1/nothing", 200, "application/json", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("not in openapi.yaml");
        // and what is allowed passes
        ApiContract.check(
                "GET",
                "/api/v1/alerts/3",
                404,
                "application/json; charset=utf-8",
                "{\"code\":\"not_found\",\"message\":\"no alert with id 3\",\"field\":\"id\"}");
    }
}
