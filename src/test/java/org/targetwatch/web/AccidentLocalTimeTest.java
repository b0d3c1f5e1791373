package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * Issue 13 item 17: an accident alert's period is its time with +08:00, and migration V12 moves alerts stored
 * with the former UTC period (and its fingerprint) onto the new one, so a later report updates the same alert.
 */
class AccidentLocalTimeTest {
    private static final String RULE = "safety.accident-grade";

    @Test
    void accidentPeriodsAreLocalTimeAndOldOnesAreMigrated() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer server = new TestServer(db, Map.of())) {
            server.post(
                    "/api/v1/subjects",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject()
                            .put("id", "acc-d")
                            .put("kind", "district")
                            .put("name", "曾都区")
                            .encode());
            String officer = server.token("officer");
            String at = "2023-08-02T14:30:00+08:00";
            JsonObject a = (JsonObject) server.ingest(
                            officer,
                            new JsonArray()
                                    .add(reading("SAFETY_ACCIDENT_DEATHS", "acc-d", at, 4, "count"))
                                    .add(reading("SAFETY_ACCIDENT_SERIOUS_INJURIES", "acc-d", at, 2, "count"))
                                    .add(reading("SAFETY_ACCIDENT_DIRECT_LOSS", "acc-d", at, 300, "万元")))
                    .array("alerts")
                    .getValue(0);
            assertThat(a.getString("period")).isEqualTo(at);

            // an alert as the former version stored it: UTC period, fingerprint of that period
            String utc = "2023-08-02T06:30:00Z";
            TestDatabase.execute(
                    db,
                    "UPDATE alerts SET period = '" + utc + "', fingerprint = '"
                            + AlertService.fingerprint(RULE, "acc-d", "SAFETY_ACCIDENT_GRADE", utc) + "'");
            String migration;
            try (var in = getClass().getResourceAsStream("/db/migration/V12__local_time_accident_periods.sql")) {
                migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            TestDatabase.execute(db, migration);
            assertThat(TestDatabase.scalar(
                            db,
                            "SELECT count(*) FROM alerts WHERE period = '" + at
                                    + "' AND fingerprint = '"
                                    + AlertService.fingerprint(RULE, "acc-d", "SAFETY_ACCIDENT_GRADE", at)
                                    + "'"))
                    .isEqualTo(1);
            assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM rule_hits WHERE period LIKE '%Z'"))
                    .isZero();

            // a later report of the same accident updates the migrated alert instead of opening a second one
            JsonObject worse = (JsonObject) server.ingest(
                            officer, new JsonArray().add(reading("SAFETY_ACCIDENT_DEATHS", "acc-d", at, 10, "count")))
                    .array("alerts")
                    .getValue(0);
            assertThat(worse.getString("change")).isEqualTo("updated");
            assertThat(worse.getLong("id")).isEqualTo(a.getLong("id"));
            assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM alerts")).isEqualTo(1);
        }
    }
}
