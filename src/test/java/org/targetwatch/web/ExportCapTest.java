package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;

/**
 * {@code maxExportRows}: an export holds at most that many rows, and a filter matching more is refused whole with
 * {@code 400} naming {@code format} (a JSON error, no file begun), never cut short. Here the cap is 3.
 */
class ExportCapTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(Map.of("TARGETWATCH_MAX_EXPORT_ROWS", "3"));
        server.register("air-station", "cap-st");
        // 4 station-days over the Grade II daily limit: 4 alerts and 4 rule hits; 96 readings
        for (String day : new String[] {"2023-03-01", "2023-03-02", "2023-03-03", "2023-03-04"}) {
            server.ingest(server.token("officer"), hourlyPm25("cap-st", day, 24, 80));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void readingsUpToTheCapAreExportedAndOneMoreIsRefused() {
        String officer = server.token("officer");
        String base = "/api/v1/readings?subject=cap-st&indicator=PM2_5&from=2023-03-01T00:00:00%2B08:00&lang=en&to=";
        // below and at the cap: the file, a header and every row
        assertThat(lines(server.get(base + "2023-03-01T02:00:00%2B08:00&format=csv", officer)))
                .isEqualTo(3);
        assertThat(lines(server.get(base + "2023-03-01T03:00:00%2B08:00&format=csv", officer)))
                .isEqualTo(4);
        // above: refused whole
        assertCapped(server.get(base + "2023-03-01T04:00:00%2B08:00&format=csv", officer));
        assertCapped(server.get(base + "2023-03-05&format=xlsx", officer));
        // the JSON list is not an export: its pages are not capped by maxExportRows
        assertThat(server.get(base + "2023-03-05", officer).json().getJsonArray("readings"))
                .hasSize(96);
    }

    @Test
    void alertsAndRuleHitsOverTheCapAreRefused() {
        String risk = server.token("risk-office");
        assertCapped(server.get("/api/v1/alerts?subject=cap-st&format=csv", risk));
        assertCapped(server.get("/api/v1/alerts?subject=cap-st&format=xlsx&lang=en", risk));
        assertThat(lines(server.get("/api/v1/alerts?subject=cap-st&periodTo=2023-03-04&format=csv", risk)))
                .isEqualTo(4);
        JsonArray all = server.get("/api/v1/alerts?subject=cap-st", risk).json().getJsonArray("alerts");
        assertThat(all).hasSize(4);
        assertCapped(server.get("/api/v1/rule-hits?subject=cap-st&format=csv", server.token("supervisor")));
    }

    private static void assertCapped(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().getString("code")).isEqualTo("invalid_parameter");
        assertThat(r.json().getString("field")).isEqualTo("format");
        assertThat(r.json().getString("message")).contains("more than 3 rows");
    }

    private static int lines(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/csv");
        return r.body().strip().split("\r?\n").length;
    }
}
