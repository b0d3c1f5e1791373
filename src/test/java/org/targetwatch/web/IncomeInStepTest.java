package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;

/** T06 through the server: urban and rural income growth, each against the GDP growth of the same period end. */
class IncomeInStepTest {

    @Test
    void eachIncomeSeriesIsComparedWithTheGdpGrowthOfItsPeriod() {
        try (TestServer server = new TestServer()) {
            server.post(
                    "/api/v1/subjects",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject()
                            .put("id", "inc-d")
                            .put("kind", "district")
                            .put("name", "曾都区")
                            .encode());
            String officer = server.token("officer");
            String at = "2023-06-30T00:00:00+08:00";
            // incomes first: nothing to compare with yet
            var first = server.ingest(
                    officer,
                    new JsonArray()
                            .add(reading("TARGET_T06_URBAN", "inc-d", at, 5.8, "%"))
                            .add(reading("TARGET_T06_RURAL", "inc-d", at, 7.5, "%")));
            assertThat(first.status()).isEqualTo(201);
            assertThat(first.array("alerts")).isEmpty();
            // GDP +7.2%: urban lags by 1.4 points, rural is ahead
            var gdp = server.ingest(officer, new JsonArray().add(reading("TARGET_T01", "inc-d", at, 7.2, "%")));
            assertThat(gdp.array("alerts"))
                    .extracting(o -> ((JsonObject) o).getString("rule") + "@" + ((JsonObject) o).getString("indicator"))
                    .contains("target.income-not-in-step-with-gdp@TARGET_T06_URBAN")
                    .doesNotContain("target.income-not-in-step-with-gdp@TARGET_T06_RURAL");
            // a corrected urban figure within a point of GDP growth withdraws the alert
            var corrected =
                    server.ingest(officer, new JsonArray().add(reading("TARGET_T06_URBAN", "inc-d", at, 6.5, "%")));
            assertThat(corrected.array("alerts"))
                    .singleElement()
                    .satisfies(o ->
                            assertThat(((JsonObject) o).getString("status")).isEqualTo("resolved"));
        }
    }
}
