package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * The drinking-water compliance of a region's month is judged from every county-level source of the region: two
 * sources' samples posted at the same time must both count, whichever transaction commits last.
 */
class WaterComplianceRaceTest {
    private static TestServer server;
    private static String officer;
    private static String risk;

    @BeforeAll
    static void start() {
        server = TestServer.oneRequestPerTransaction();
        officer = server.token("officer");
        risk = server.token("risk-office");
        JsonArray sources = new JsonArray();
        for (String id : List.of("wr-bad", "wr-good")) {
            sources.add(new JsonObject()
                    .put("id", id)
                    .put("kind", "drinking-water-source")
                    .put("name", "水源地 " + id)
                    .put("region", "wr-region"));
        }
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, sources.encode())
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Twenty-four months; in each, one source's sample fails class III (CODMn 10 mg/L &gt; 6) and the other's meets it
     * (2 mg/L), both posted at once. Every month the region is at 50 % and has an open compliance alert: a
     * transaction that judged the month without the other source's sample would have resolved (or never opened) it.
     */
    @Test
    void concurrentSamplesOfTwoSourcesBothCountInTheRegionsMonth() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int m = 0; m < 24; m++) {
            String at = String.format("%d-%02d-10T09:00:00+08:00", 2023 + m / 12, 1 + m % 12);
            for (String[] s : new String[][] {{"wr-bad", "10"}, {"wr-good", "2"}}) {
                bodies.add(reading("WATER_CODMN", s[0], at, Double.parseDouble(s[1]), "mg/L")
                        .encode());
            }
        }
        for (Response r : server.postConcurrently("/api/v1/readings", officer, bodies, 16)) {
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        List<String> openMonths = new ArrayList<>();
        for (Object o :
                server.get("/api/v1/alerts?subject=wr-region&limit=100", risk).array("alerts")) {
            JsonObject a = (JsonObject) o;
            if (a.getString("rule").equals("water.drinking-source-compliance-below-100")
                    && !a.getString("status").equals("resolved")) {
                openMonths.add(a.getString("period"));
                assertThat(a.getDouble("value")).isEqualTo(50.0);
            }
        }
        assertThat(openMonths).hasSize(24);
    }
}
