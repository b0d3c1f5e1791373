package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;

/**
 * Issue 13 items 1, 2 and 5 through the real server: a district whose GB 3095-2012 date is 2013-06-01 (one of the
 * 113 key cities), two stations (one labelling its hours by their end), a year of hourly data with missing hours,
 * missing days and a March short of valid days, and days before and after the district's date.
 */
class AirStandardYearTest extends ServerTest {

    @BeforeAll
    static void start() {
        JsonArray subjects = new JsonArray()
                .add(new JsonObject()
                        .put("id", "key-city")
                        .put("kind", "district")
                        .put("name", "重点城市")
                        .put("settings", new JsonObject().put("airStandardFrom", "2013-06-01")))
                .add(new JsonObject()
                        .put("id", "late-city")
                        .put("kind", "district")
                        .put("name", "其他城市"))
                .add(station("kc-end", "key-city", "end"))
                .add(station("kc-start", "key-city", null))
                .add(station("lc-1", "late-city", null));
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subjects.encode())
                        .status())
                .isEqualTo(201);
    }

    private static JsonObject station(String id, String district, String label) {
        JsonObject settings = new JsonObject().put("district", district);
        if (label != null) {
            settings.put("hourLabel", label);
        }
        return new JsonObject()
                .put("id", id)
                .put("kind", "air-station")
                .put("name", id)
                .put("settings", settings);
    }

    /**
     * One station-day, SO2 at {@code so2} and the rest constant; hours in {@code skip} are missing. With
     * {@code endLabels} each value is labelled by the end of its hour (the 23:00–24:00 value at the next day 00:00).
     */
    private static List<JsonObject> day(
            String station, LocalDate date, double so2, boolean endLabels, java.util.Set<Integer> skip) {
        List<JsonObject> out = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            if (skip.contains(h)) {
                continue;
            }
            java.time.ZonedDateTime start = date.atTime(h, 0).atZone(java.time.ZoneId.of("Asia/Shanghai"));
            String at =
                    (endLabels ? start.plusHours(1) : start).toOffsetDateTime().toString();
            at = at.length() == 22 ? at.substring(0, 16) + ":00" + at.substring(16) : at;
            out.add(reading("PM2_5", station, at, 30, "ug/m3"));
            out.add(reading("PM10", station, at, 50, "ug/m3"));
            out.add(reading("SO2", station, at, so2, "ug/m3"));
            out.add(reading("NO2", station, at, 20, "ug/m3"));
            out.add(reading("CO", station, at, 0.6, "mg/m3"));
            out.add(reading("O3", station, at, 60, "ug/m3"));
        }
        return out;
    }

    private static void post(List<JsonObject> readings) {
        for (int from = 0; from < readings.size(); from += 9000) {
            List<JsonObject> part = readings.subList(from, Math.min(readings.size(), from + 9000));
            assertThat(server.ingest(officer, new JsonArray(new ArrayList<>(part)))
                            .status())
                    .isEqualTo(201);
        }
    }

    private static JsonObject daily(String subject, String date) {
        return server.get("/api/v1/air/daily?subject=" + subject + "&date=" + date, risk)
                .json();
    }

    @Test
    void daysBeforeTheDistrictsDateAreNotAssessedAndAfterItAre() {
        List<JsonObject> all = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2013, 5, 30); d.isBefore(LocalDate.of(2013, 6, 3)); d = d.plusDays(1)) {
            all.addAll(day("kc-start", d, 10, false, java.util.Set.of()));
            all.addAll(day("lc-1", d, 10, false, java.util.Set.of()));
        }
        post(all);
        JsonObject before = daily("key-city", "2013-05-31");
        assertThat(before.getBoolean("valid")).as(before.encode()).isFalse();
        assertThat(before.getValue("aqi")).isNull();
        JsonObject after = daily("key-city", "2013-06-01");
        assertThat(after.getBoolean("valid")).as(after.encode()).isTrue();
        assertThat(after.getBoolean("good")).isTrue();
        // a district on the nationwide date: nothing is assessed in 2013, however complete the data
        JsonObject late = daily("late-city", "2013-06-01");
        assertThat(late.getBoolean("valid")).as(late.encode()).isFalse();
        JsonObject ytd = server.get("/api/v1/air/summary?subject=late-city&year=2013", risk)
                .json();
        assertThat(ytd.getInteger("validDays")).isZero();
        assertThat(ytd.getValue("goodDayRatio")).isNull();
    }

    @Test
    void aMarchShortOfValidDaysLeavesTheYearUndeterminedUntilItIsNot() {
        Random rnd = new Random(13);
        List<JsonObject> all = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2014, 1, 1); d.getYear() == 2014; d = d.plusDays(1)) {
            boolean marchGap = d.getMonthValue() == 3 && d.getDayOfMonth() <= 5; // both stations down
            if (marchGap || d.getDayOfYear() % 50 == 25) {
                continue; // whole days missing (7 days only at kc-end: kc-start still covers them)
            }
            java.util.Set<Integer> skip = new java.util.HashSet<>();
            for (int k = rnd.nextInt(4); k > 0; k--) {
                skip.add(rnd.nextInt(24)); // up to 3 missing hours: still ≥ 20
            }
            all.addAll(day("kc-end", d, 70, true, skip));
        }
        for (LocalDate d = LocalDate.of(2014, 1, 1); d.getYear() == 2014; d = d.plusDays(1)) {
            if (d.getMonthValue() == 3 && d.getDayOfMonth() <= 5) {
                continue;
            }
            // every 10th day only 19 hours at kc-start: not valid there, the district still has kc-end's value
            all.addAll(day(
                    "kc-start",
                    d,
                    70,
                    false,
                    d.getDayOfYear() % 10 == 0 ? java.util.Set.of(0, 1, 2, 3, 4) : java.util.Set.of()));
        }
        post(all);

        // the end-labelled station: its 2014-01-01 has 24 hours (the value labelled 2014-01-02 00:00 is the last)
        JsonObject first = daily("kc-end", "2014-01-01");
        assertThat(first.getJsonObject("hours").getInteger("SO2")).isBetween(21, 24);
        assertThat(first.getBoolean("valid")).isTrue();

        JsonObject s = server.get("/api/v1/air/summary?subject=key-city&year=2014", risk)
                .json();
        assertThat(s.getString("airStandardFrom")).isEqualTo("2013-06-01");
        JsonObject so2 = annualMean(s, "SO2");
        assertThat(so2.getInteger("days")).isEqualTo(360);
        assertThat(so2.getJsonArray("monthDays").getInteger(2)).isEqualTo(26);
        assertThat(so2.getBoolean("determined")).isFalse();
        assertThat(so2.getValue("attained")).isNull();
        assertThat(so2.getString("undetermined")).contains("3月");
        assertThat(annualAlerts()).isEmpty();

        // the missing 5 March is sent late: 27 valid March days, the year is determined and 70 > 60 opens the alert
        post(day("kc-start", LocalDate.of(2014, 3, 5), 70, false, java.util.Set.of()));
        JsonObject now = annualMean(
                server.get("/api/v1/air/summary?subject=key-city&year=2014", risk)
                        .json(),
                "SO2");
        assertThat(now.getBoolean("determined")).isTrue();
        assertThat(now.getBoolean("attained")).isFalse();
        assertThat(annualAlerts()).contains("SO2@2014:annual-mean");
    }

    @Test
    void anImportsHourLabelOverridesTheStations() {
        // kc-start labels by start; this import says end: 01:00 ... next 00:00 are the 24 hours of 2015-07-01
        List<JsonObject> day = day("kc-start", LocalDate.of(2015, 7, 1), 10, true, java.util.Set.of());
        var r = server.post("/api/v1/readings?hourLabel=end", officer, new JsonArray(new ArrayList<>(day)).encode());
        assertThat(r.status()).isEqualTo(201);
        assertThat(daily("kc-start", "2015-07-01").getJsonObject("hours").getInteger("SO2"))
                .isEqualTo(24);
        assertThat(server.get("/api/v1/air/daily?subject=kc-start&date=2015-07-02", risk)
                        .status())
                .isEqualTo(404);
        var bad =
                server.post("/api/v1/readings?hourLabel=middle", officer, new JsonArray(new ArrayList<>(day)).encode());
        assertThat(bad.status()).isIn(400, 422);
        assertThat(bad.json().encode()).contains("hourLabel");
    }

    @Test
    void badSettingsAreRefusedNamingTheSettingAndNothingIsStored() {
        String[][] cases = {{"district", "airStandardFrom", "2013-13-01"}, {"air-station", "hourLabel", "middle"}};
        for (String[] c : cases) {
            JsonObject subject = new JsonObject()
                    .put("id", "bad-" + c[1])
                    .put("kind", c[0])
                    .put("name", "x")
                    .put("settings", new JsonObject().put(c[1], c[2]));
            var r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subject.encode());
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().encode()).contains("settings." + c[1]);
            assertThat(server.get("/api/v1/subjects/bad-" + c[1], TestServer.ADMIN_TOKEN)
                            .status())
                    .isEqualTo(404);
        }
    }

    private static JsonObject annualMean(JsonObject summary, String indicator) {
        return summary.getJsonArray("annual").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("indicator").equals(indicator)
                        && o.getString("statistic").equals("annual-mean"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(summary.encode()));
    }

    private static List<String> annualAlerts() {
        return server.get("/api/v1/alerts?subject=key-city", risk).array("alerts").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("rule").equals("air.annual-statistic-over-grade-ii"))
                .map(o -> o.getString("indicator") + "@" + o.getString("period"))
                .toList();
    }
}
