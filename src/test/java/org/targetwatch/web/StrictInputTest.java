package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * Hostile and sloppy bodies through the real HTTP API: each is refused with the status, code and field (and
 * item) it deserves, never a 500, and nothing of a refused request is stored.
 */
class StrictInputTest {
    private static TestServer server;
    private static String officer;
    private static String supervisor;

    @BeforeAll
    static void start() {
        server = new TestServer();
        officer = server.token("officer");
        supervisor = server.token("supervisor");
        server.register("air-station", "st-s");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response send(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return server.send(b, token);
    }

    private static Response send(String path, String token, String contentType, String body) {
        return send("POST", path, token, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(Response r, int status, String code, Integer index, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().getString("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().getString("field")).as(r.body()).isEqualTo(field);
        assertThat(r.json().getInteger("index")).as(r.body()).isEqualTo(index);
    }

    private static byte[] concat(String a, byte[] raw, String b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** curl -d sends application/x-www-form-urlencoded: read as JSON at any size, '%' included. */
    @Test
    void curlsFormTypeIsReadAsJsonAtAnySize() {
        JsonArray batch = new JsonArray();
        for (int h = 0; h < 24; h++) {
            batch.add(reading("PM2_5", "st-s", String.format("2023-05-01T%02d:00:00+08:00", h), 30, "ug/m3")
                    .put("source", "50% 自动站 " + "x".repeat(100)));
        }
        assertThat(batch.encode().length()).isGreaterThan(1024);
        Response r = send("/api/v1/readings", officer, "application/x-www-form-urlencoded", batch.encode());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(24);
        Response subject = send(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                "application/x-www-form-urlencoded",
                new JsonObject()
                        .put("id", "st-form")
                        .put("kind", "air-station")
                        .put("name", "100% 站 " + "名".repeat(150))
                        .encode());
        assertThat(subject.status()).as(subject.body()).isEqualTo(201);
    }

    @Test
    void silencesRefuseWrongTypesFarEndsAndHugeReasons() {
        long before = server.count("silences");
        JsonObject base = new JsonObject()
                .put("matchers", new JsonObject().put("subject", new JsonArray().add("st-s")))
                .put("endsAt", "2030-01-01T00:00:00+08:00")
                .put("reason", "维护");
        server.clock.set(java.time.Instant.parse("2029-06-01T00:00:00Z"));
        try {
            assertRefused(
                    send(
                            "/api/v1/silences",
                            supervisor,
                            "application/json",
                            base.copy().put("recurrence", "weekly").encode()),
                    422,
                    "invalid_silence",
                    null,
                    "recurrence");
            assertRefused(
                    send(
                            "/api/v1/silences",
                            supervisor,
                            "application/json",
                            base.copy()
                                    .put("endsAt", "9999-12-31T00:00:00+08:00")
                                    .encode()),
                    422,
                    "invalid_silence",
                    null,
                    "endsAt");
            assertRefused(
                    send(
                            "/api/v1/silences",
                            supervisor,
                            "application/json",
                            base.copy().put("reason", "x".repeat(1 << 20)).encode()),
                    422,
                    "invalid_silence",
                    null,
                    "reason");
            assertRefused(
                    send(
                            "/api/v1/silences",
                            supervisor,
                            "application/json",
                            base.copy().put("reason", "a\u0000b").encode()),
                    422,
                    "invalid_request",
                    null,
                    "reason");
            assertThat(server.count("silences")).isEqualTo(before);
            Response created = send("/api/v1/silences", supervisor, "application/json", base.encode());
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().getString("endsAt")).isEqualTo("2030-01-01T00:00:00+08:00");
            assertThat(created.json().getString("startsAt")).endsWith("+08:00");
        } finally {
            server.clock.set(java.time.Instant.now());
        }
    }

    @Test
    void duplicateKeysAndColumnsAreRefusedNamingThem() {
        long before = server.count("readings");
        String dup = "{\"indicator\":\"PM2_5\",\"subject\":\"st-99\",\"observedAt\":\"2023-05-02T00:00:00+08:00\","
                + "\"value\":1,\"unit\":\"ug/m3\",\"subject\":\"st-s\"}";
        assertRefused(
                send("/api/v1/readings", officer, "application/json", dup), 400, "malformed_request", null, "subject");
        assertRefused(
                send("/api/v1/readings", officer, "application/json", "[" + good(1) + "," + dup + "]"),
                400,
                "malformed_request",
                1,
                "subject");
        String csv = "indicator,subject,observedAt,value,unit,subject\n"
                + "PM2_5,st-99,2023-05-02T00:00:00+08:00,1,ug/m3,st-s\n";
        assertRefused(send("/api/v1/readings", officer, "text/csv", csv), 400, "malformed_request", null, "subject");
        assertThat(server.count("readings")).isEqualTo(before);
    }

    @Test
    void csvNumbersAreDecimalAndRowsHaveNoExtraFields() {
        long before = server.count("readings");
        for (String v : new String[] {"0x1p3", "41f", "41d", "1_000", "Infinity", "NaN"}) {
            String csv =
                    "indicator,subject,observedAt,value,unit\nPM2_5,st-s,2023-05-03T00:00:00+08:00," + v + ",ug/m3\n";
            assertRefused(send("/api/v1/readings", officer, "text/csv", csv), 422, "invalid_reading", 0, "value");
        }
        String extra = "indicator,subject,observedAt,value,unit\n"
                + "PM2_5,st-s,2023-05-03T00:00:00+08:00,41,ug/m3\n"
                + "PM2_5,st-s,2023-05-03T01:00:00+08:00,41,ug/m3,surplus\n";
        assertRefused(send("/api/v1/readings", officer, "text/csv", extra), 422, "invalid_reading", 1, "");
        assertThat(server.count("readings")).isEqualTo(before);
        String ok = "indicator,subject,observedAt,value,unit\nPM2_5,st-s,2023-05-03T00:00:00+08:00,4.1e1,ug/m3\n";
        Response stored = send("/api/v1/readings", officer, "text/csv", ok);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    }

    @Test
    void invalidUtf8SurrogatesAndControlCharactersAreRefusedNamingTheField() {
        long subjects = server.count("subjects");
        long readings = server.count("readings");
        // an overlong '/' (C0 AF) must not become "a/b"
        byte[] overlong = concat(
                "{\"id\":\"st-u\",\"kind\":\"air-station\",\"name\":\"a",
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                "b\"}");
        assertRefused(
                send("POST", "/api/v1/subjects", TestServer.ADMIN_TOKEN, "application/json", overlong),
                400,
                "malformed_request",
                null,
                "name");
        byte[] cut = concat(
                "[" + good(1) + ",{\"indicator\":\"PM2_5\",\"subject\":\"st-s\",\"source\":\"x",
                new byte[] {(byte) 0xE6, (byte) 0xB0},
                "\"}]");
        assertRefused(
                send("POST", "/api/v1/readings", officer, "application/json", cut),
                400,
                "malformed_request",
                1,
                "source");
        assertRefused(
                send(
                        "/api/v1/subjects",
                        TestServer.ADMIN_TOKEN,
                        "application/json",
                        "{\"id\":\"st-u\",\"kind\":\"air-station\",\"name\":\"a\\ud800b\"}"),
                422,
                "invalid_subject",
                null,
                "name");
        assertRefused(
                send(
                        "/api/v1/subjects",
                        TestServer.ADMIN_TOKEN,
                        "application/json",
                        "{\"id\":\"st-u\",\"kind\":\"air-station\",\"name\":\"a\\u0000b\"}"),
                422,
                "invalid_subject",
                null,
                "name");
        assertRefused(
                send(
                        "/api/v1/readings",
                        officer,
                        "application/json",
                        "[" + good(1) + ","
                                + reading("PM2_5", "st-s", "2023-05-04T02:00:00+08:00", 1, "ug/m3")
                                        .put("source", "a\u0007b")
                                        .encode()
                                + "]"),
                422,
                "invalid_reading",
                1,
                "source");
        byte[] csvBad = concat(
                "indicator,subject,observedAt,value,unit,source\n"
                        + "PM2_5,st-s,2023-05-04T03:00:00+08:00,1,ug/m3,ok\nPM2_5,st-s,2023-05-04T04:00:00+08:00,1,ug/m3,x",
                new byte[] {(byte) 0xFF},
                "\n");
        assertRefused(send("POST", "/api/v1/readings", officer, "text/csv", csvBad), 400, "malformed_request", 1, "");
        assertRefused(
                send(
                        "/api/v1/readings",
                        officer,
                        "text/csv",
                        "indicator,subject,observedAt,value,unit,source\n"
                                + "PM2_5,st-s,2023-05-04T03:00:00+08:00,1,ug/m3,a\u0000b\n"),
                422,
                "invalid_reading",
                0,
                "source");
        Response nulParam = server.get("/api/v1/readings?subject=a%00b", officer);
        assertRefused(nulParam, 400, "invalid_parameter", null, "subject");
        assertThat(server.count("subjects")).isEqualTo(subjects);
        assertThat(server.count("readings")).isEqualTo(readings);
    }

    @Test
    void subjectIdsAreFromADocumentedSet() {
        long before = server.count("subjects");
        for (String id : new String[] {"..", ".", "a/b", "a\\b", ".hidden", "-x", "a b", "x".repeat(129)}) {
            assertRefused(
                    send(
                            "/api/v1/subjects",
                            TestServer.ADMIN_TOKEN,
                            "application/json",
                            new JsonObject()
                                    .put("id", id)
                                    .put("kind", "air-station")
                                    .put("name", "n")
                                    .encode()),
                    422,
                    "invalid_subject",
                    null,
                    "id");
        }
        assertThat(server.count("subjects")).isEqualTo(before);
        assertThat(send(
                                "/api/v1/subjects",
                                TestServer.ADMIN_TOKEN,
                                "application/json",
                                new JsonObject()
                                        .put("id", "随州-01.a:b_c")
                                        .put("kind", "air-station")
                                        .put("name", "n")
                                        .encode())
                        .status())
                .isEqualTo(201);
        assertThat(server.get(
                                "/api/v1/subjects/" + java.net.URLEncoder.encode("随州-01.a:b_c", StandardCharsets.UTF_8),
                                officer)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void onlyDocumentedContentTypesAndUtf8AreRead() {
        long before = server.count("readings");
        String body = good(5);
        assertRefused(
                send("/api/v1/readings", officer, "text/plain", body),
                415,
                "unsupported_media_type",
                null,
                "Content-Type");
        assertRefused(
                send("/api/v1/readings", officer, "application/xml", body),
                415,
                "unsupported_media_type",
                null,
                "Content-Type");
        // POST /api/v1/subjects reads CSV too (SubjectsCsvTest); the other content types and PUT's CSV stay refused.
        assertRefused(
                send("/api/v1/subjects", TestServer.ADMIN_TOKEN, "text/plain", "id,kind\nx,district\n"),
                415,
                "unsupported_media_type",
                null,
                "Content-Type");
        assertRefused(
                send(
                        "PUT",
                        "/api/v1/subjects/x",
                        TestServer.ADMIN_TOKEN,
                        "text/csv",
                        "id,kind,name\nx,district,X\n".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type",
                null,
                "Content-Type");
        assertRefused(
                send("/api/v1/readings", officer, "application/json; charset=utf-16", body),
                415,
                "unsupported_media_type",
                null,
                "Content-Type");
        assertRefused(
                send("/api/v1/readings", officer, null, body), 415, "unsupported_media_type", null, "Content-Type");
        Response utf16 =
                send("POST", "/api/v1/readings", officer, "application/json", body.getBytes(StandardCharsets.UTF_16LE));
        assertThat(utf16.status()).as(utf16.body()).isEqualTo(415);
        Response utf16bom =
                send("POST", "/api/v1/readings", officer, "application/json", body.getBytes(StandardCharsets.UTF_16));
        assertThat(utf16bom.status()).as(utf16bom.body()).isEqualTo(415);
        Response comment = send("/api/v1/readings", officer, "application/json", "/* x */ " + body);
        assertThat(comment.status()).as(comment.body()).isEqualTo(400);
        Response comment2 = send("/api/v1/readings", officer, "application/json", body.replace("{", "{ // note\n"));
        assertThat(comment2.status()).as(comment2.body()).isEqualTo(400);
        Response trailing = send("/api/v1/readings", officer, "application/json", body + " x");
        assertThat(trailing.status()).as(trailing.body()).isEqualTo(400);
        assertThat(server.count("readings")).isEqualTo(before);
        Response plusJson = send("/api/v1/readings", officer, "application/vnd.targetwatch+json; charset=UTF-8", body);
        assertThat(plusJson.status()).as(plusJson.body()).isEqualTo(201);
    }

    private static String good(int hour) {
        return reading("PM2_5", "st-s", String.format("2023-05-04T%02d:00:00+08:00", hour), 10, "ug/m3")
                .encode();
    }
}
