package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer.Response;

/**
 * Readings as V13 stores them, through the server: series, monthly partitions created on demand, ids that name
 * the readings an alert rests on, and the most revisions a reading keeps.
 */
class ReadingStorageTest extends ServerTest {

    @BeforeAll
    static void subjects() {
        server.register("air-station", "st-ids", "st-old");
        server.register("district", "rev-cap");
    }

    private static Response post(Object body) {
        return server.post("/api/v1/readings", officer, body.toString());
    }

    private static long sql(String query) {
        return TestDatabase.scalar(server.dbUrl, query);
    }

    @Test
    void anAlertsReadingIdsAreTheIdsTheReadingsAreListedWith() {
        Response r = post(hourlyPm25("st-ids", "2023-05-02", 24, 90.0));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonArray evidence = r.array("alerts").getJsonObject(0).getJsonArray("readingIds");
        Response listed = server.get("/api/v1/readings?subject=st-ids&limit=100", risk);
        assertThat(listed.status()).isEqualTo(200);
        List<Object> ids = listed.array("readings").stream()
                .map(o -> (Object) ((JsonObject) o).getLong("id"))
                .toList();
        assertThat(evidence.getList()).containsExactlyInAnyOrderElementsOf(ids);
        JsonObject first = listed.array("readings").getJsonObject(0);
        assertThat(first.getString("unit")).isEqualTo("ug/m3");
        // received at is kept to the second
        assertThat(first.getString("receivedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00");
        // one series per subject and indicator, however many readings
        assertThat(sql("SELECT count(*) FROM series WHERE subject = 'st-ids'")).isEqualTo(1);
    }

    @Test
    void aReadingOfAMonthNeverSeenGetsItsPartitionBeforeItIsStored() {
        Response r = post(reading("PM10", "st-old", "1999-03-31T23:00:00+08:00", 40, "ug/m3"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(sql("SELECT count(*) FROM readings_p1999_03")).isEqualTo(1);
        assertThat(sql("SELECT count(*) FROM readings_default")).isZero();
    }

    @Test
    void aReadingKeeps255RevisionsAndRefusesTheNextCorrection() {
        String at = "2023-06-30T00:00:00+08:00";
        for (int v = 1; v <= 255; v++) {
            Response r = post(reading("DEBT_RATIO", "rev-cap", at, v, "%"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        Response refused = post(reading("DEBT_RATIO", "rev-cap", at, 256, "%"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().getString("code")).isEqualTo("invalid_reading");
        assertThat(refused.json().getString("field")).isEqualTo("value");
        assertThat(refused.json().getString("message")).contains("255 revisions");
        assertThat(sql("SELECT count(*) FROM readings_full WHERE subject = 'rev-cap'"))
                .isEqualTo(255);
        assertThat(sql("SELECT max(value)::int FROM readings_full WHERE subject = 'rev-cap'"))
                .isEqualTo(255);
        // a repeat of the value in force is still a harmless repeat
        Response repeat = post(reading("DEBT_RATIO", "rev-cap", at, 255, "%"));
        assertThat(repeat.status()).as(repeat.body()).isEqualTo(201);
        assertThat(repeat.json().getInteger("stored")).isZero();
    }
}
