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
 * Corrections of one reading posted at the same time, each in its own transaction, are all kept as successive
 * revisions: the subject's lock (taken with the subject lookup) makes each transaction see the revisions committed
 * before it, so no two give their correction the same revision number and none is dropped as a repeat.
 */
class SubjectLockRaceTest {
    private static TestServer server;
    private static String officer;

    @BeforeAll
    static void start() {
        server = TestServer.oneRequestPerTransaction();
        officer = server.token("officer");
        JsonArray subjects = new JsonArray()
                .add(new JsonObject()
                        .put("id", "lk-1")
                        .put("kind", "air-station")
                        .put("name", "锁测试站"));
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subjects.encode())
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void concurrentCorrectionsOfOneReadingBecomeSuccessiveRevisions() throws Exception {
        String at = "2023-05-01T10:00:00+08:00";
        int rounds = 5;
        int corrections = 12;
        for (int round = 0; round < rounds; round++) {
            String hour = at.replace("10:00", String.format("%02d:00", 10 + round));
            assertThat(server.post(
                                    "/api/v1/readings",
                                    officer,
                                    reading("PM10", "lk-1", hour, 40, "ug/m3").encode())
                            .status())
                    .isEqualTo(201);
            List<String> bodies = new ArrayList<>();
            for (int i = 1; i <= corrections; i++) {
                bodies.add(reading("PM10", "lk-1", hour, 40 + i, "ug/m3").encode());
            }
            for (Response r : server.postConcurrently("/api/v1/readings", officer, bodies, corrections)) {
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                assertThat(r.json().getInteger("corrections")).as(r.body()).isEqualTo(1);
            }
        }
        java.util.Map<String, List<Integer>> revisions = new java.util.TreeMap<>();
        for (Object o : server.get("/api/v1/readings?subject=lk-1&indicator=PM10&revisions=all&limit=1000", officer)
                .array("readings")) {
            JsonObject r = (JsonObject) o;
            revisions
                    .computeIfAbsent(r.getString("observedAt"), k -> new ArrayList<>())
                    .add(r.getInteger("revision"));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= corrections + 1; i++) {
            expected.add(i);
        }
        assertThat(revisions).hasSize(rounds);
        revisions.forEach((hour, list) -> {
            list.sort(Integer::compare);
            assertThat(list).as("revisions of the reading at %s", hour).isEqualTo(expected);
        });
    }
}
