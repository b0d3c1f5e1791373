package org.targetwatch.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP to a server on a port of this machine, for tests that start servers of their own. */
public final class RawHttp {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RawHttp() {}

    /** Sends a JSON body (or none) with the token (or none); waits at most 20 s for the answer. */
    public static HttpResponse<String> send(int port, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers an air station (it must answer 201) with the admin token. */
    public static void registerStation(int port, String admin, String id, String name) throws Exception {
        HttpResponse<String> r = send(
                port,
                admin,
                "POST",
                "/api/v1/subjects",
                new io.vertx.core.json.JsonObject()
                        .put("id", id)
                        .put("kind", "air-station")
                        .put("name", name)
                        .encode());
        if (r.statusCode() != 201) {
            throw new AssertionError("registering " + id + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** A new token of {@code role}, created with the admin token. */
    public static String token(int port, String admin, String role) throws Exception {
        HttpResponse<String> r = send(
                port,
                admin,
                "POST",
                "/api/v1/tokens",
                new io.vertx.core.json.JsonObject()
                        .put("name", role)
                        .put("role", role)
                        .encode());
        if (r.statusCode() != 201) {
            throw new AssertionError("creating a token answered " + r.statusCode() + ": " + r.body());
        }
        return new io.vertx.core.json.JsonObject(r.body()).getString("token");
    }
}
