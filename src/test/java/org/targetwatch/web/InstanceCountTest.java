package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * The instance count does not change results: the same station-days sent to one server in order, and to three
 * servers on one database at once in another order, leave the same readings, the same daily station and district
 * statistics and the same alerts (rule, subject, indicator, period, status, value).
 */
class InstanceCountTest {
    private static final List<String> STATIONS = List.of("ic-1", "ic-2", "ic-3", "ic-4");
    private static final int DAYS = 6;

    /** One request per station-day: 24 hourly PM2.5 values, some days above the 75 µg/m³ daily limit. */
    private static List<String> requests() {
        List<String> out = new ArrayList<>();
        for (int d = 1; d <= DAYS; d++) {
            for (int s = 0; s < STATIONS.size(); s++) {
                JsonArray day = new JsonArray();
                for (int h = 0; h < 24; h++) {
                    double v = 40 + (d * 17 + s * 11 + h * 3) % 70; // daily means 59–95
                    day.add(reading(
                            "PM2_5",
                            STATIONS.get(s),
                            String.format("2023-10-%02dT%02d:00:00+08:00", d, h),
                            v,
                            "ug/m3"));
                }
                out.add(day.encode());
            }
        }
        return out;
    }

    private static void register(TestServer server) {
        JsonArray subjects = new JsonArray()
                .add(new JsonObject().put("id", "ic-d").put("kind", "district").put("name", "测试区"));
        for (String st : STATIONS) {
            subjects.add(new JsonObject()
                    .put("id", st)
                    .put("kind", "air-station")
                    .put("name", "测试站 " + st)
                    .put("settings", new JsonObject().put("district", "ic-d")));
        }
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subjects.encode())
                        .status())
                .isEqualTo(201);
    }

    private static List<String> state(String db) {
        List<String> out = new ArrayList<>();
        for (String q : List.of(
                "SELECT 'reading', subject, indicator, observed_at, value, revision FROM readings_full"
                        + " ORDER BY 2, 3, 4, 6",
                "SELECT 'day', subject, day, valid, aqi, pm25 FROM air_daily ORDER BY 2, 3",
                "SELECT 'alert', rule, subject, indicator, period, status, observed_value FROM alerts"
                        + " ORDER BY 2, 3, 4, 5")) {
            out.addAll(TestDatabase.rows(db, q));
        }
        return out;
    }

    @Test
    void oneInstanceAndThreeInstancesGiveTheSameResults() throws Exception {
        List<String> requests = requests();
        String single = TestDatabase.newDatabaseUrl();
        try (TestServer one = new TestServer(single, Map.of())) {
            register(one);
            String officer = one.token("officer");
            for (String body : requests) {
                assertThat(one.post("/api/v1/readings", officer, body).status()).isEqualTo(201);
            }
        }

        String shared = TestDatabase.newDatabaseUrl();
        try (TestServer a = new TestServer(shared, Map.of());
                TestServer b = new TestServer(shared, Map.of());
                TestServer c = new TestServer(shared, Map.of())) {
            register(a);
            String officer = a.token("officer");
            List<TestServer> servers = List.of(a, b, c);
            List<String> shuffled = new ArrayList<>(requests);
            Collections.shuffle(shuffled, new Random(15));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < shuffled.size(); i++) {
                TestServer server = servers.get(i % servers.size());
                String body = shuffled.get(i);
                statuses.add(pool.submit(
                        () -> server.post("/api/v1/readings", officer, body).status()));
            }
            for (Future<Integer> f : statuses) {
                assertThat(f.get()).isEqualTo(201);
            }
            pool.shutdown();
        }

        List<String> expected = state(single);
        assertThat(expected).filteredOn(r -> r.startsWith("reading|")).hasSize(STATIONS.size() * DAYS * 24);
        assertThat(expected).filteredOn(r -> r.startsWith("day|ic-d|")).hasSize(DAYS);
        assertThat(expected).filteredOn(r -> r.startsWith("alert|")).isNotEmpty();
        assertThat(state(shared)).containsExactlyElementsOf(expected);
    }
}
