package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** Air statistics through the real server: daily AQI per station and district, a year of data, the summary. */
class AirApiTest extends ServerTest {

    @BeforeAll
    static void start() {
        for (String district : List.of("zd", "zd-year", "zd-heavy", "zd-race", "zx-1", "zx-2")) {
            server.post(
                    "/api/v1/subjects",
                    TestServer.ADMIN_TOKEN,
                    new JsonObject()
                            .put("id", district)
                            .put("kind", "district")
                            .put("name", "曾都区 " + district)
                            .encode());
        }
        JsonArray stations = new JsonArray();
        for (String[] s : new String[][] {
            {"zd-a", "zd"},
            {"zd-b", "zd"},
            {"zy-1", "zd-year"},
            {"zh-1", "zd-heavy"},
            {"zr-0", "zd-race"},
            {"zr-1", "zd-race"},
            {"zr-2", "zd-race"},
            {"zr-3", "zd-race"},
            {"zr-4", "zd-race"},
            {"zr-5", "zd-race"},
            {"zx-1a", "zx-1"},
            {"zx-2a", "zx-2"}
        }) {
            stations.add(new JsonObject()
                    .put("id", s[0])
                    .put("kind", "air-station")
                    .put("name", s[0])
                    .put("settings", new JsonObject().put("district", s[1])));
        }
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, stations.encode())
                        .status())
                .isEqualTo(201);
    }

    /** One station-day of hourly values for all six pollutants, constant over the day. */
    private static List<JsonObject> day(
            String station, LocalDate date, double pm25, double pm10, double so2, double no2, double co, double o3) {
        return org.targetwatch.support.Readings.hourlyAirDay(station, date.toString(), pm25, pm10, so2, no2, co, o3)
                .stream()
                .map(JsonObject.class::cast)
                .toList();
    }

    private static Response post(List<JsonObject> readings) {
        return server.ingest(officer, new JsonArray(new ArrayList<>(readings)));
    }

    @Test
    void dailyAqiOfStationsAndOfTheirDistrict() {
        LocalDate d = LocalDate.of(2023, 3, 1);
        post(day("zd-a", d, 70, 120, 10, 30, 1.0, 120));
        post(day("zd-b", d, 90, 120, 10, 30, 1.0, 120));

        JsonObject a = server.get("/api/v1/air/daily?subject=zd-a&date=2023-03-01", risk)
                .json();
        // PM2.5 70 → 50 + 50/40 × 35 = 93.75 → 94; PM10 120 → 85; O3 MDA8 120 → 67; O3 1h 120 → 38
        assertThat(a.getInteger("aqi")).isEqualTo(94);
        assertThat(a.getString("category")).isEqualTo("良");
        assertThat(a.getJsonArray("primaryPollutants")).containsExactly("PM2_5");
        assertThat(a.getJsonObject("iaqi").getInteger("PM10_24H")).isEqualTo(85);
        assertThat(a.getJsonObject("iaqi").getInteger("O3_8H")).isEqualTo(67);
        assertThat(a.getJsonObject("iaqi").getInteger("O3_1H")).isEqualTo(38);
        assertThat(a.getBoolean("valid")).isTrue();

        JsonObject b = server.get("/api/v1/air/daily?subject=zd-b&date=2023-03-01", risk)
                .json();
        assertThat(b.getInteger("aqi")).isEqualTo(119); // 100 + 50/40 × 15 = 118.75
        assertThat(b.getJsonArray("overStandard")).containsExactly("PM2_5");

        JsonObject district =
                server.get("/api/v1/air/daily?subject=zd&date=2023-03-01", risk).json();
        assertThat(district.getJsonObject("values").getDouble("PM2_5")).isEqualTo(80.0);
        assertThat(district.getInteger("aqi")).isEqualTo(107);
        assertThat(district.getString("category")).isEqualTo("轻度污染");
        assertThat(district.getString("kind")).isEqualTo("district");

        Response none = server.get("/api/v1/air/daily?subject=zd-a&date=2023-03-02", risk);
        assertThat(none.status()).isEqualTo(404);
        Response bad = server.get("/api/v1/air/daily?subject=zd-a&date=March", risk);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("date");
    }

    /** Six stations of one district post their day at the same time: the district day averages all six. */
    @Test
    void concurrentStationsOfOneDistrictAllCountInItsDay() throws Exception {
        LocalDate d = LocalDate.of(2023, 8, 1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double pm = 30 + 10 * i; // 30, 40, ..., 80: mean 55
            String station = "zr-" + i;
            futures.add(pool.submit(() -> server.post(
                    "/api/v1/readings",
                    officer,
                    new JsonArray(new ArrayList<>(day(station, d, pm, 40, 10, 20, 0.5, 60))).encode())));
        }
        for (var f : futures) {
            assertThat(f.get().status()).isEqualTo(201);
        }
        pool.shutdown();
        JsonObject district = server.get("/api/v1/air/daily?subject=zd-race&date=2023-08-01", risk)
                .json();
        assertThat(district.getJsonObject("values").getDouble("PM2_5")).isEqualTo(55.0);
        assertThat(district.getJsonObject("hours").getInteger("PM2_5")).isEqualTo(6);
    }

    /**
     * Batches that hold one district's own reading and a station of the other district, crossing each other: a
     * lock order that took a batch's subjects first and its stations' districts later would deadlock here (each
     * would hold one district and wait for the other). Every request succeeds and both district days count.
     */
    @Test
    void crossingBatchesOfDistrictsAndStationsNeverDeadlock() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String own = i % 2 == 0 ? "zx-1" : "zx-2";
            String station = i % 2 == 0 ? "zx-2a" : "zx-1a";
            LocalDate d = LocalDate.of(2023, 9, 1 + i / 2);
            List<JsonObject> batch = new ArrayList<>(day(station, d, 40, 50, 10, 20, 0.5, 60));
            batch.add(reading("DEBT_RATIO", own, d + "T00:00:00+08:00", 90 + i, "%"));
            futures.add(pool.submit(
                    () -> server.post("/api/v1/readings", officer, new JsonArray(new ArrayList<>(batch)).encode())));
        }
        for (var f : futures) {
            Response r = f.get();
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        pool.shutdown();
        for (String district : List.of("zx-1", "zx-2")) {
            JsonObject day = server.get("/api/v1/air/daily?subject=" + district + "&date=2023-09-08", risk)
                    .json();
            assertThat(day.getJsonObject("values").getDouble("PM2_5")).isEqualTo(40.0);
        }
    }

    @Test
    void correctionRecomputesTheDay() {
        LocalDate d = LocalDate.of(2023, 3, 5);
        post(day("zd-a", d, 30, 40, 10, 20, 0.5, 60));
        assertThat(server.get("/api/v1/air/daily?subject=zd-a&date=2023-03-05", risk)
                        .json()
                        .getInteger("aqi"))
                .isEqualTo(43);
        List<JsonObject> fix = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            fix.add(reading("PM2_5", "zd-a", String.format("2023-03-05T%02d:00:00+08:00", h), 80, "ug/m3"));
        }
        post(fix);
        assertThat(server.get("/api/v1/air/daily?subject=zd-a&date=2023-03-05", risk)
                        .json()
                        .getInteger("aqi"))
                .isEqualTo(107);
    }

    @Test
    void heavyPollutionDayOpensAMajorAlertForStationAndDistrict() {
        Response r = post(day("zh-1", LocalDate.of(2023, 1, 20), 160, 100, 10, 30, 1.0, 60));
        // PM2.5 160 → 200 + 100/100 × 10 = 210
        assertThat(r.array("alerts"))
                .extracting(o -> ((JsonObject) o).getString("rule") + "@" + ((JsonObject) o).getString("subject"))
                .contains("air.heavy-pollution-day@zh-1", "air.heavy-pollution-day@zd-heavy");
        JsonObject heavy = server.get("/api/v1/alerts?subject=zd-heavy", risk).array("alerts").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("rule").equals("air.heavy-pollution-day"))
                .findFirst()
                .orElseThrow();
        assertThat(heavy.getString("severity")).isEqualTo("major");
        assertThat(heavy.getDouble("value")).isEqualTo(210.0);
    }

    /**
     * A full year at one station: every 7th day polluted (PM2.5 120 µg/m³, AQI 157), the others good
     * (PM2.5 30). 313 good of 365 valid days = 85.75%, below 86%; PM2.5 annual mean
     * (313 × 30 + 52 × 120) / 365 = 42.82 > 35.
     */
    @Test
    void yearOfStationDataGivesGoodDayRatioAndAnnualAttainment() {
        IntPredicate bad = dayOfYear -> dayOfYear % 7 == 0;
        List<JsonObject> batch = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2023, 1, 1); d.getYear() == 2023; d = d.plusDays(1)) {
            batch.addAll(day("zy-1", d, bad.test(d.getDayOfYear()) ? 120 : 30, 40, 10, 20, 0.5, 60));
            if (batch.size() >= 8000) {
                post(batch);
                batch.clear();
            }
        }
        post(batch);

        JsonObject s = server.get("/api/v1/air/summary?subject=zd-year&year=2023", risk)
                .json();
        assertThat(s.getInteger("validDays")).isEqualTo(365);
        assertThat(s.getInteger("goodDays")).isEqualTo(313);
        assertThat(s.getDouble("goodDayRatio")).isCloseTo(85.753, within(0.001));
        assertThat(s.getDouble("goodDayTarget")).isEqualTo(86.0);
        assertThat(s.getInteger("remainingDays")).isZero();
        assertThat(s.getBoolean("attained")).isFalse();
        JsonObject pm25 = s.getJsonArray("annual").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("indicator").equals("PM2_5")
                        && o.getString("statistic").equals("annual-mean"))
                .findFirst()
                .orElseThrow();
        // the exact mean 42.822 is published, and judged, at HJ 663-2013's precision: 43 µg/m³
        assertThat(pm25.getDouble("value")).isEqualTo(43.0);
        assertThat(pm25.getBoolean("determined")).isTrue();
        assertThat(pm25.getBoolean("attained")).isFalse();
        assertThat(s.getJsonArray("annual").stream()
                        .map(o -> (JsonObject) o)
                        .filter(o -> !o.getString("indicator").equals("PM2_5")))
                .isNotEmpty()
                .allSatisfy(
                        o -> assertThat(o.getBoolean("attained")).as(o.encode()).isTrue());

        JsonArray alerts = server.get("/api/v1/alerts?subject=zd-year", risk).array("alerts");
        assertThat(alerts)
                .extracting(o -> ((JsonObject) o).getString("rule") + "/" + ((JsonObject) o).getString("period"))
                .containsExactlyInAnyOrder(
                        "air.good-day-ratio-below-baseline/2023",
                        "air.good-day-target-at-risk/2023",
                        "air.annual-statistic-over-grade-ii/2023:annual-mean");
        assertThat(server.get("/api/v1/alerts?subject=zy-1", risk).array("alerts"))
                .allSatisfy(
                        o -> assertThat(((JsonObject) o).getString("rule")).isEqualTo("air.daily-mean-over-grade-ii"))
                .hasSize(52);
    }

    @Test
    void summaryOfAnUnknownSubjectIs404AndBadYearIs400() {
        assertThat(server.get("/api/v1/air/summary?subject=nowhere&year=2023", risk)
                        .status())
                .isEqualTo(404);
        Response bad = server.get("/api/v1/air/summary?subject=zd&year=twenty", risk);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("year");
        assertThat(server.get("/api/v1/air/summary?year=2023", risk).json().getString("field"))
                .isEqualTo("subject");
    }
}
