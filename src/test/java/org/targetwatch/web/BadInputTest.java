package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Every class of bad input: the status, the error body (code, field, index of the bad item) and that nothing at
 * all was stored, not even the valid items of the same batch.
 */
class BadInputTest {
    private static TestServer server;
    private static String officer;

    @BeforeAll
    static void start() {
        server = new TestServer(Map.of("TARGETWATCH_MAX_BATCH_READINGS", "50", "TARGETWATCH_MAX_BODY_BYTES", "20000"));
        officer = server.token("officer");
        server.register("air-station", "st-bad", "st-bad2", "st-bad3");
        server.register("district", "fut", "z");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingWasStored() {
        server.clock.reset();
        assertThat(server.count("readings")).isZero();
        assertThat(server.count("alerts")).isZero();
    }

    private static Response post(String body) {
        return server.post("/api/v1/readings", officer, body);
    }

    /** A batch whose item 2 is replaced by {@code bad}; items 0, 1 and 3 are valid and would raise an alert. */
    private static String batchWithBadItem(JsonObject bad) {
        JsonArray a = hourlyPm25("st-bad", "2023-03-01", 24, 80.0);
        a.set(2, bad);
        return a.encode();
    }

    private static void assertRejected(Response r, int status, String code, Integer index, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonObject body = r.json();
        assertThat(body.getString("code")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
        if (field != null) {
            assertThat(body.getString("field")).isEqualTo(field);
        }
        assertThat(body.getInteger("index")).isEqualTo(index);
    }

    private static JsonObject good() {
        return reading("PM2_5", "st-bad", "2023-03-01T02:00:00+08:00", 80.0, "ug/m3");
    }

    @Test
    void malformedJsonIs400() {
        assertRejected(post("[{\"indicator\": \"PM2_5\""), 400, "malformed_request", 0, "");
        assertRejected(post(""), 400, "malformed_request", null, null);
        assertRejected(post("42"), 400, "malformed_request", null, null);
        assertRejected(post("\"text\""), 400, "malformed_request", null, null);
    }

    @Test
    void missingFieldsAreNamedWithTheirIndex() {
        for (String field : new String[] {"indicator", "subject", "observedAt", "value", "unit"}) {
            JsonObject bad = good();
            bad.remove(field);
            Response r = post(batchWithBadItem(bad));
            assertRejected(r, 422, "invalid_reading", 2, field);
            assertThat(r.json().getJsonArray("errors")).hasSize(1);
        }
    }

    @Test
    void singleObjectErrorsCarryNoIndex() {
        JsonObject bad = good();
        bad.remove("value");
        assertRejected(post(bad.encode()), 422, "invalid_reading", null, "value");
    }

    @Test
    void unknownIndicatorIs422() {
        Response r = post(batchWithBadItem(good().put("indicator", "PM1")));
        assertRejected(r, 422, "invalid_reading", 2, "indicator");
        assertThat(r.json().getString("message")).contains("PM1");
    }

    @Test
    void unitThatDoesNotMatchTheIndicatorIs422() {
        Response r = post(batchWithBadItem(good().put("unit", "mg/m3")));
        assertRejected(r, 422, "invalid_reading", 2, "unit");
        assertThat(r.json().getString("message")).contains("ug/m3");
    }

    @Test
    void nonFiniteOrNonNumericValueIs422() {
        String item = "{\"indicator\":\"PM2_5\",\"subject\":\"st-bad\","
                + "\"observedAt\":\"2023-03-01T02:00:00+08:00\",\"value\":%s,\"unit\":\"ug/m3\"}";
        for (String v : new String[] {"1e400", "-1e400", "\"80\"", "\"NaN\"", "true", "null", "[80]"}) {
            String body = "[" + good().encode().replace("02:00", "01:00") + "," + String.format(item, v) + "]";
            assertRejected(post(body), 422, "invalid_reading", 1, "value");
        }
    }

    @Test
    void valueOutsideTheAllowedRangeIs422() {
        assertRejected(post(batchWithBadItem(good().put("value", -1.0))), 422, "invalid_reading", 2, "value");
        assertRejected(post(batchWithBadItem(good().put("value", 2000.5))), 422, "invalid_reading", 2, "value");
        assertRejected(
                post(reading("SAFETY_MAJOR_ACCIDENTS", "z", "2023-07-01T00:00:00+08:00", 1.5, "count")
                        .encode()),
                422,
                "invalid_reading",
                null,
                "value");
    }

    @Test
    void unparseableObservedAtIs422() {
        for (String t :
                new String[] {"yesterday", "2023-03-01 08:00", "2023-03-01T08:00:00", "2023-02-30T08:00:00+08:00"}) {
            assertRejected(
                    post(batchWithBadItem(good().put("observedAt", t))), 422, "invalid_reading", 2, "observedAt");
        }
        assertRejected(
                post(batchWithBadItem(good().put("observedAt", 1677628800))), 422, "invalid_reading", 2, "observedAt");
    }

    @Test
    void hourlyIndicatorMustBeObservedOnTheHour() {
        assertRejected(
                post(batchWithBadItem(good().put("observedAt", "2023-03-01T02:30:00+08:00"))),
                422,
                "invalid_reading",
                2,
                "observedAt");
    }

    /** A reading's id holds its observation time in whole seconds (V13), so a fraction of a second is refused. */
    @Test
    void observedAtWithAFractionOfASecondIs422() {
        Response r = post(reading("DEBT_RATIO", "fut", "2023-04-01T10:00:00.5+08:00", 50, "%")
                .encode());
        assertRejected(r, 422, "invalid_reading", null, "observedAt");
        assertThat(r.json().getString("message")).contains("fraction of a second");
        assertRejected(
                post(batchWithBadItem(good().put("observedAt", "2023-03-01T02:00:00.000001+08:00"))),
                422,
                "invalid_reading",
                2,
                "observedAt");
    }

    @Test
    void observedAtMoreThanFiveMinutesAheadIs422() {
        Instant now = Instant.parse("2024-05-01T02:00:00Z");
        server.clock.set(now);
        Response late = post(reading("DEBT_RATIO", "fut", now.plusSeconds(301).toString(), 50, "%")
                .encode());
        assertRejected(late, 422, "invalid_reading", null, "observedAt");
        assertThat(late.json().getString("message")).contains("future");
    }

    @Test
    void unknownSubjectIs422WithItsIndex() {
        Response r = post(batchWithBadItem(good().put("subject", "st-nowhere")));
        assertRejected(r, 422, "invalid_reading", 2, "subject");
        assertThat(r.json().getString("message")).contains("st-nowhere");
    }

    @Test
    void subjectOfTheWrongKindIs422() {
        Response r = post(reading("DEBT_RATIO", "st-bad", "2023-06-30T00:00:00+08:00", 50, "%")
                .encode());
        assertRejected(r, 422, "invalid_reading", null, "subject");
        assertThat(r.json().getString("message")).contains("air-station");
    }

    @Test
    void emptyArrayIs422() {
        assertRejected(post("[]"), 422, "invalid_reading", null, null);
    }

    @Test
    void nonObjectItemIs422WithItsIndex() {
        JsonArray a = new JsonArray().add(good()).add(7);
        assertRejected(post(a.encode()), 422, "invalid_reading", 1, "");
    }

    @Test
    void conflictingValuesForOneKeyInOneBatchAre422() {
        JsonArray a = new JsonArray().add(good()).add(good().put("value", 81.0));
        assertRejected(post(a.encode()), 422, "invalid_reading", 1, "value");
    }

    @Test
    void everyBadItemIsListed() {
        JsonArray a = hourlyPm25("st-bad", "2023-03-01", 5, 80.0);
        a.getJsonObject(1).put("unit", "ppm");
        a.getJsonObject(3).remove("subject");
        Response r = post(a.encode());
        assertRejected(r, 422, "invalid_reading", 1, "unit");
        assertThat(r.json().getJsonArray("errors"))
                .extracting(o -> ((JsonObject) o).getInteger("index") + ":" + ((JsonObject) o).getString("field"))
                .containsExactly("1:unit", "3:subject");
    }

    @Test
    void batchOverTheCountLimitIs413() {
        assertRejected(
                post(hourlyPm25("st-bad", "2023-03-01", 24, 1)
                        .addAll(hourlyPm25("st-bad2", "2023-03-01", 24, 1))
                        .addAll(hourlyPm25("st-bad3", "2023-03-01", 3, 1))
                        .encode()),
                413,
                "payload_too_large",
                null,
                null);
    }

    @Test
    void bodyOverTheSizeLimitIs413() {
        String big = "[" + "{\"indicator\":\"PM2_5\",\"source\":\"" + "x".repeat(25_000) + "\"}]";
        assertRejected(post(big), 413, "payload_too_large", null, null);
    }

    @Test
    void nonJsonContentTypeIs415() {
        Response r = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(good().encode())),
                officer);
        assertRejected(r, 415, "unsupported_media_type", null, "Content-Type");
    }

    private static Response postCsv(String csv) {
        return server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv)),
                officer);
    }

    @Test
    void badCsvRowsAreNamedByRowIndexAndFieldAndStoreNothing() {
        String csv = "indicator,subject,observedAt,value,unit\n"
                + "PM2_5,st-bad,2023-03-01T00:00:00+08:00,80,ug/m3\n"
                + "PM2_5,st-bad,2023-03-01T01:00:00+08:00,eighty,ug/m3\n"
                + "PM2_5,st-bad,2023-03-01T02:00:00+08:00,80,mg/m3\n";
        Response r = postCsv(csv);
        assertRejected(r, 422, "invalid_reading", 1, "value");
        assertThat(r.json().getJsonArray("errors"))
                .extracting(o -> ((JsonObject) o).getInteger("index") + ":" + ((JsonObject) o).getString("field"))
                .containsExactly("1:value", "2:unit");
    }

    @Test
    void csvWithoutARequiredColumnIs400() {
        assertRejected(
                postCsv("indicator,subject,value,unit\nPM2_5,st-bad,80,ug/m3\n"),
                400,
                "malformed_request",
                null,
                "observedAt");
        assertRejected(
                postCsv("indicator,subject,observedAt,value,unit\n\"unterminated,x\n"),
                400,
                "malformed_request",
                null,
                null);
    }

    @Test
    void badQueryParametersAre400NamingTheParameter() {
        String risk = server.token("risk-office");
        assertRejected(server.get("/api/v1/readings?from=tomorrow", risk), 400, "invalid_parameter", null, "from");
        assertRejected(server.get("/api/v1/alerts?limit=0", risk), 400, "invalid_parameter", null, "limit");
        assertRejected(server.get("/api/v1/alerts?limit=x", risk), 400, "invalid_parameter", null, "limit");
        // java.net.URI refuses a malformed escape, so this one goes over a raw socket
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream()
                    .write(("GET /api/v1/readings?from=%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + risk
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_parameter\"");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
