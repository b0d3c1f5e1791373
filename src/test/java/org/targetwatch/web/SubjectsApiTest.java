package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/** The subject registry: kinds, kind-specific settings, references, errors. */
class SubjectsApiTest extends ServerTest {

    private static Response create(Object body) {
        return server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, body.toString());
    }

    @Test
    void subjectsAreRegisteredWithSettingsAndListedByKind() {
        Response r = create(new JsonArray()
                .add(new JsonObject()
                        .put("id", "zengdu")
                        .put("kind", "district")
                        .put("name", "曾都区")
                        .put("region", "随州市"))
                .add(new JsonObject()
                        .put("id", "zd-east")
                        .put("kind", "air-station")
                        .put("name", "东城监测站")
                        .put("region", "随州市")
                        .put("settings", new JsonObject().put("district", "zengdu")))
                .add(new JsonObject()
                        .put("id", "fu-he-1")
                        .put("kind", "water-section")
                        .put("name", "府河 1号断面")
                        .put(
                                "settings",
                                new JsonObject()
                                        .put("targetClass", "II")
                                        .put("waterBody", "river")
                                        .put("control", "national"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.array("subjects")).hasSize(3);

        Response one = server.get("/api/v1/subjects/fu-he-1", server.token("officer"));
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().getJsonObject("settings").getString("targetClass"))
                .isEqualTo("II");
        Response stations = server.get("/api/v1/subjects?kind=air-station", server.token("risk-office"));
        assertThat(stations.array("subjects"))
                .extracting(o -> ((JsonObject) o).getString("id"))
                .containsExactly("zd-east");
        assertThat(server.get("/api/v1/subjects/nope", server.token("officer")).status())
                .isEqualTo(404);
    }

    @Test
    void duplicateIdIs409AndStoresNothing() {
        assertThat(create(new JsonObject()
                                .put("id", "dup")
                                .put("kind", "village")
                                .put("name", "x"))
                        .status())
                .isEqualTo(201);
        long before = server.count("subjects");
        Response r = create(new JsonArray()
                .add(new JsonObject()
                        .put("id", "dup-new")
                        .put("kind", "village")
                        .put("name", "y"))
                .add(new JsonObject().put("id", "dup").put("kind", "village").put("name", "z")));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().getString("code")).isEqualTo("conflict");
        assertThat(server.count("subjects")).isEqualTo(before);
    }

    @Test
    void invalidSubjectsAre422NamingFieldAndIndexAndStoreNothing() {
        long before = server.count("subjects");
        Response r = create(new JsonArray()
                .add(new JsonObject().put("id", "ok-1").put("kind", "village").put("name", "x"))
                .add(new JsonObject()
                        .put("id", "bad-kind")
                        .put("kind", "planet")
                        .put("name", "x"))
                .add(new JsonObject()
                        .put("id", "bad-class")
                        .put("kind", "water-section")
                        .put("name", "x")
                        .put("settings", new JsonObject().put("targetClass", "VI")))
                .add(new JsonObject()
                        .put("id", "bad-setting")
                        .put("kind", "village")
                        .put("name", "x")
                        .put("settings", new JsonObject().put("targetClass", "III")))
                .add(new JsonObject().put("kind", "village").put("name", "x")));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().getString("code")).isEqualTo("invalid_subject");
        assertThat(r.json().getJsonArray("errors"))
                .extracting(o -> ((JsonObject) o).getInteger("index") + ":" + ((JsonObject) o).getString("field"))
                .containsExactly("1:kind", "2:settings.targetClass", "3:settings.targetClass", "4:id");
        assertThat(server.count("subjects")).isEqualTo(before);
    }

    @Test
    void stationMustReferenceARegisteredDistrict() {
        Response r = create(new JsonObject()
                .put("id", "lost")
                .put("kind", "air-station")
                .put("name", "x")
                .put("settings", new JsonObject().put("district", "atlantis")));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().getString("field")).isEqualTo("settings.district");
        assertThat(server.get("/api/v1/subjects/lost", server.token("officer")).status())
                .isEqualTo(404);
    }

    @Test
    void subjectIsUpdatedWithPut() {
        create(new JsonObject().put("id", "sec-up").put("kind", "water-section").put("name", "x"));
        Response r = server.send(
                java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/subjects/sec-up"))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject()
                                .put("kind", "water-section")
                                .put("name", "府河 2号断面")
                                .put("settings", new JsonObject().put("waterBody", "lake"))
                                .encode())),
                TestServer.ADMIN_TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/subjects/sec-up", server.token("officer"))
                        .json()
                        .getJsonObject("settings")
                        .getString("waterBody"))
                .isEqualTo("lake");
    }
}
