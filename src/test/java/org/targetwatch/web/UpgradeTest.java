package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * An upgrade from the oldest schema (issue 19): a database as the first release left it (migration V1 only),
 * holding a token, readings with a correction and an open alert, is started by the current version. Every migration
 * runs, and everything is there: the token still signs in, every revision of every reading is kept with the one in
 * force, and the alert is listed with its values.
 */
class UpgradeTest {

    @Test
    void theCurrentVersionStartsOnTheFirstReleasesDatabaseAndFindsEverything() throws Exception {
        String url = TestDatabase.newDatabaseUrl();
        String jdbc = TestDatabase.jdbc(url);
        Flyway.configure()
                .dataSource(jdbc, "postgres", "")
                .locations("classpath:db/migration")
                .target(MigrationVersion.fromVersion("1"))
                .load()
                .migrate();
        String secret = "tw_first-release-officer-token-0001";
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO api_tokens (name, role, token_hash) VALUES ('一期数据员', 'officer', '\\x" + hash + "')");
            StringBuilder readings = new StringBuilder(
                    "INSERT INTO readings (indicator, subject, observed_at, value, unit, source, revision) VALUES ");
            for (int h = 0; h < 24; h++) {
                readings.append(h == 0 ? "" : ", ")
                        .append(String.format(
                                "('PM2_5', 'up-1', '2023-03-01T%02d:00:00+08:00', 80, 'ug/m3', 'v1', 1)", h));
            }
            readings.append(", ('PM2_5', 'up-1', '2023-03-01T05:00:00+08:00', 90, 'ug/m3', 'fix', 2)");
            s.execute(readings.toString());
            s.execute("""
                    INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period,
                        observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                        source, description, reading_ids, ruleset_version)
                    VALUES ('fp-up-1', 'air.daily-mean-over-grade-ii', 'air', 'warning', 'up-1', 'PM2_5',
                        '2023-03-01', 80.4, 'GB3095-2012/PM2_5/24h/grade-ii', '>', 75, 'ug/m3', 'CONFIRMED',
                        'GB 3095-2012', '24小时平均浓度超过二级浓度限值', '{1,2,3}', 'v1-ruleset')""");
        }

        try (TestServer server = new TestServer(url, Map.of())) {
            assertThat(TestDatabase.scalar(
                            url, "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL"))
                    .as("every migration applied")
                    .isGreaterThanOrEqualTo(21);
            TestServer.Response who = server.get("/api/v1/whoami", secret);
            assertThat(who.status()).as(who.body()).isEqualTo(200);
            assertThat(who.json().getString("name")).isEqualTo("一期数据员");

            JsonArray inForce = server.get(
                            "/api/v1/readings?indicator=PM2_5&subject=up-1&from=2023-03-01&to=2023-03-02", secret)
                    .array("readings");
            assertThat(inForce).hasSize(24);
            assertThat(inForce.stream()
                            .map(o -> (JsonObject) o)
                            .filter(r -> r.getString("observedAt").startsWith("2023-03-01T05:00"))
                            .findFirst()
                            .orElseThrow()
                            .getDouble("value"))
                    .isEqualTo(90.0);
            assertThat(server.get(
                                    "/api/v1/readings?indicator=PM2_5&subject=up-1&from=2023-03-01&to=2023-03-02"
                                            + "&revisions=all",
                                    secret)
                            .array("readings"))
                    .hasSize(25);

            JsonArray alerts = server.get("/api/v1/alerts?subject=up-1", server.token("risk-office"))
                    .array("alerts");
            assertThat(alerts).hasSize(1);
            JsonObject a = alerts.getJsonObject(0);
            assertThat(a.getString("status")).isEqualTo("open");
            assertThat(a.getDouble("value")).isEqualTo(80.4);
            assertThat(a.getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
            assertThat(a.getJsonObject("threshold").getDouble("value")).isEqualTo(75.0);
        }
    }
}
