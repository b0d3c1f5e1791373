package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * HJ 212 data flags through the real server: a flagged hourly value is stored and listed with its flag, but it is
 * no valid hourly value (HJ 663-2013 §5: a daily mean needs at least 20 valid hourly values), so it counts in no
 * daily statistic; lifting the flag is a correction.
 */
class DataFlagsTest extends ServerTest {

    @BeforeAll
    static void start() {
        server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                new JsonObject()
                        .put("id", "fl-d")
                        .put("kind", "district")
                        .put("name", "标记区")
                        .encode());
        for (String s : new String[] {"fl-a", "fl-b", "fl-c"}) {
            assertThat(server.post(
                                    "/api/v1/subjects",
                                    TestServer.ADMIN_TOKEN,
                                    new JsonObject()
                                            .put("id", s)
                                            .put("kind", "air-station")
                                            .put("name", s)
                                            .put("settings", new JsonObject().put("district", "fl-d"))
                                            .encode())
                            .status())
                    .isEqualTo(201);
        }
    }

    /** A station-day of all six pollutants; PM2.5 is 70 except its first {@code flagged} hours: 500 with {@code flag}. */
    private static JsonArray day(String station, String date, int flagged, String flag) {
        JsonArray out = new JsonArray();
        for (int h = 0; h < 24; h++) {
            String at = String.format("%sT%02d:00:00+08:00", date, h);
            JsonObject pm = reading("PM2_5", station, at, h < flagged ? 500 : 70, "ug/m3");
            if (h < flagged) {
                pm.put("flag", flag);
            } else {
                pm.put("flag", "N");
            }
            out.add(pm)
                    .add(reading("PM10", station, at, 120, "ug/m3"))
                    .add(reading("SO2", station, at, 10, "ug/m3"))
                    .add(reading("NO2", station, at, 30, "ug/m3"))
                    .add(reading("CO", station, at, 1.0, "mg/m3"))
                    .add(reading("O3", station, at, 120, "ug/m3"));
        }
        return out;
    }

    private static JsonObject daily(String station, String date) {
        Response r = server.get("/api/v1/air/daily?subject=" + station + "&date=" + date, risk);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyNotValidFlagIsLeftOutOfTheDailyMean() {
        // four hours flagged of 24: 20 valid hours, the mean of which is 70 (AQI 94, as with no flagged hour)
        for (String flag : new String[] {"F", "M", "S", "D", "C", "T", "B"}) {
            String date = "2023-04-0" + (1 + "FMSDCTB".indexOf(flag));
            assertThat(server.ingest(officer, day("fl-a", date, 4, flag)).status())
                    .isEqualTo(201);
            JsonObject d = daily("fl-a", date);
            assertThat(d.getJsonObject("values").getDouble("PM2_5"))
                    .as("flag %s", flag)
                    .isEqualTo(70.0);
            assertThat(d.getInteger("aqi")).as("flag %s", flag).isEqualTo(94);
        }
    }

    @Test
    void fiveFlaggedHoursLeaveNineteenValidAndNoDailyMean() {
        assertThat(server.ingest(officer, day("fl-b", "2023-04-10", 5, "M")).status())
                .isEqualTo(201);
        JsonObject d = daily("fl-b", "2023-04-10");
        assertThat(d.getJsonObject("values").containsKey("PM2_5")).isFalse();
        assertThat(d.getBoolean("valid")).isFalse();

        // the flagged values are stored and listed with their flag; the valid ones with none
        JsonArray listed = server.get(
                        "/api/v1/readings?indicator=PM2_5&subject=fl-b&from=2023-04-10T00:00:00%2B08:00"
                                + "&to=2023-04-11T00:00:00%2B08:00",
                        risk)
                .array("readings");
        assertThat(listed).hasSize(24);
        JsonObject first = listed.getJsonObject(0);
        assertThat(first.getString("flag")).isEqualTo("M");
        assertThat(first.getDouble("value")).isEqualTo(500.0);
        assertThat(listed.getJsonObject(5).getValue("flag")).isNull();

        // the logger re-sends the maintenance hours as valid: a correction, and the day has its mean again
        JsonArray lifted = new JsonArray();
        for (int h = 0; h < 5; h++) {
            lifted.add(reading("PM2_5", "fl-b", String.format("2023-04-10T%02d:00:00+08:00", h), 70, "ug/m3"));
        }
        JsonObject answer = server.ingest(officer, lifted).json();
        assertThat(answer.getInteger("corrections")).isEqualTo(5);
        JsonObject again = daily("fl-b", "2023-04-10");
        assertThat(again.getJsonObject("values").getDouble("PM2_5")).isEqualTo(70.0);
        assertThat(again.getBoolean("valid")).isTrue();

        // the same value with a flag again is a correction too (the flag changed), and the mean goes again
        JsonArray reflagged = new JsonArray();
        for (int h = 0; h < 5; h++) {
            reflagged.add(reading("PM2_5", "fl-b", String.format("2023-04-10T%02d:00:00+08:00", h), 70, "ug/m3")
                    .put("flag", "C"));
        }
        assertThat(server.ingest(officer, reflagged).json().getInteger("corrections"))
                .isEqualTo(5);
        assertThat(daily("fl-b", "2023-04-10").getJsonObject("values").containsKey("PM2_5"))
                .isFalse();
        // and a repeat of it changes nothing
        assertThat(server.ingest(officer, reflagged).json().getInteger("unchanged"))
                .isEqualTo(5);
    }

    @Test
    void csvTakesAFlagColumn() throws Exception {
        StringBuilder csv = new StringBuilder("indicator,subject,observedAt,value,unit,flag\n");
        for (int h = 0; h < 24; h++) {
            csv.append(String.format(
                    "PM2_5,fl-c,2023-04-20T%02d:00:00+08:00,%s,ug/m3,%s%n", h, h < 5 ? "400" : "35", h < 5 ? "D" : ""));
        }
        Response r = server.send(
                HttpRequest.newBuilder(URI.create(server.uri("/api/v1/readings").toString()))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv.toString())),
                officer);
        assertThat(r.status()).isEqualTo(201);
        JsonArray listed = server.get(
                        "/api/v1/readings?indicator=PM2_5&subject=fl-c&from=2023-04-20T00:00:00%2B08:00"
                                + "&to=2023-04-21T00:00:00%2B08:00",
                        risk)
                .array("readings");
        assertThat(listed.stream().filter(o -> "D".equals(((JsonObject) o).getString("flag"))))
                .hasSize(5);
    }

    @Test
    void unknownFlagsAndFlagsOnPeriodStatisticsAreRefusedAndNothingIsStored() {
        long before = server.count("readings");
        JsonArray bad = new JsonArray()
                .add(reading("PM2_5", "fl-a", "2023-05-01T00:00:00+08:00", 40, "ug/m3"))
                .add(reading("PM2_5", "fl-a", "2023-05-01T01:00:00+08:00", 40, "ug/m3")
                        .put("flag", "X"))
                .add(reading("PM2_5", "fl-a", "2023-05-01T02:00:00+08:00", 40, "ug/m3")
                        .put("flag", 1))
                .add(reading("DEBT_RATIO", "fl-d", "2023-12-31T00:00:00+08:00", 80, "%")
                        .put("flag", "M"));
        Response r = server.post("/api/v1/readings", officer, bad.encode());
        assertThat(r.status()).isEqualTo(422);
        JsonArray errors = r.array("errors");
        assertThat(errors).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(errors.getJsonObject(i).getString("field")).isEqualTo("flag");
            assertThat(errors.getJsonObject(i).getInteger("index")).isEqualTo(i + 1);
        }
        assertThat(errors.getJsonObject(0).getString("message")).contains("N (valid), F, M, S, D, C, T, B");
        assertThat(errors.getJsonObject(2).getString("message")).contains("period statistic");

        // the same hour twice in one request with different flags is a conflict
        JsonArray twice = new JsonArray()
                .add(reading("PM2_5", "fl-a", "2023-05-02T00:00:00+08:00", 40, "ug/m3"))
                .add(reading("PM2_5", "fl-a", "2023-05-02T00:00:00+08:00", 40, "ug/m3")
                        .put("flag", "M"));
        Response conflict = server.post("/api/v1/readings", officer, twice.encode());
        assertThat(conflict.status()).isEqualTo(422);
        assertThat(conflict.array("errors").getJsonObject(0).getString("field")).isEqualTo("flag");
        assertThat(server.count("readings")).isEqualTo(before);
    }
}
