package org.targetwatch.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.targetwatch.TargetWatch;
import org.targetwatch.config.AppConfig;

/**
 * The real server (real rules/, real HTTP on a free port) on a fresh database of the shared embedded PostgreSQL,
 * with an HTTP client speaking to it the way users do.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

    public final String dbUrl;
    public final MutableClock clock = new MutableClock();
    private final TargetWatch server;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> tokens = new HashMap<>();

    /**
     * A server for races between ingest transactions: up to 16 at once, each with one request (group commit would
     * put racing requests in one transaction, where there is no race to see).
     */
    public static TestServer oneRequestPerTransaction() {
        return new TestServer(
                java.util.Map.of("TARGETWATCH_INGEST_CONCURRENCY", "16", "TARGETWATCH_INGEST_GROUP_READINGS", "1"));
    }

    public TestServer() {
        this(Map.of());
    }

    /** Starts with extra configuration (environment-variable names, e.g. TARGETWATCH_MAX_BATCH_READINGS). */
    public TestServer(Map<String, String> extraEnv) {
        this(TestDatabase.newDatabaseUrl(), extraEnv);
    }

    /** Starts on an existing database (a restart: same data, new process state). */
    public TestServer(String dbUrl, Map<String, String> extraEnv) {
        this.dbUrl = dbUrl;
        Map<String, String> env = new HashMap<>();
        env.put("TARGETWATCH_WATCH_POLL_MILLIS", "3600000"); // tests that need the watchdog set it shorter
        // the tests' readings are of 2023 and treated as live; HistoricalAlertsTest sets the default 48 h
        env.put("TARGETWATCH_LIVE_WINDOW_HOURS", "876000");
        try {
            // uploads (imports) go under the data directory: one of the test's own, not the checkout's ./data
            env.put(
                    "TARGETWATCH_DATA_DIR",
                    java.nio.file.Files.createTempDirectory("tw-data").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        env.putAll(extraEnv);
        env.put("TARGETWATCH_DB_URL", dbUrl);
        env.put("TARGETWATCH_HTTP_PORT", "0");
        env.put("TARGETWATCH_HJ212_PORT", "0");
        env.put("TARGETWATCH_HTTP_HOST", "127.0.0.1");
        env.put("TARGETWATCH_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("TARGETWATCH_CONFIG", Path.of("config/application.json").toString());
        this.server = TargetWatch.start(AppConfig.load(env), clock);
    }

    public int port() {
        return server.port();
    }

    /** The port of the server's HJ 212 listener (a free one). */
    public int hj212Port() {
        return server.hj212Port();
    }

    /** A token of the given role, created once through the API by the admin. */
    public synchronized String token(String role) {
        return tokens.computeIfAbsent(role, r -> {
            Response res = post(
                    "/api/v1/tokens",
                    ADMIN_TOKEN,
                    new JsonObject().put("name", "test " + r).put("role", r).encode());
            if (res.status() != 201) {
                throw new IllegalStateException("cannot create token: " + res);
            }
            return res.json().getString("token");
        });
    }

    /** Registers subjects of one kind through the admin API (ids already registered are an error). */
    public void register(String kind, String... ids) {
        io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
        for (String id : ids) {
            a.add(new JsonObject().put("id", id).put("kind", kind).put("name", "测试 " + id));
        }
        Response r = post("/api/v1/subjects", ADMIN_TOKEN, a.encode());
        if (r.status() != 201) {
            throw new IllegalStateException("cannot register subjects: " + r);
        }
    }

    /** Posts readings (a JSON object, array or text) with the token and requires them acknowledged: 201. */
    public Response ingest(String token, Object body) {
        Response r = post("/api/v1/readings", token, body.toString());
        if (r.status() != 201) {
            throw new AssertionError("readings not acknowledged: " + r);
        }
        return r;
    }

    public Response get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    public Response post(String path, String token, String body) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                token);
    }

    /**
     * Posts every body at once, each from a thread of its own (at most {@code threads} in flight), and returns the
     * responses in the order of the bodies once all have come back.
     */
    public java.util.List<Response> postConcurrently(
            String path, String token, java.util.List<String> bodies, int threads) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<Response>> futures = new java.util.ArrayList<>();
            for (String body : bodies) {
                futures.add(pool.submit(() -> post(path, token, body)));
            }
            java.util.List<Response> out = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Response> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    public Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), token);
    }

    public Response send(HttpRequest.Builder builder, String token) {
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            HttpRequest request = builder.timeout(Duration.ofSeconds(60)).build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            Response response = new Response(
                    r.statusCode(),
                    r.body(),
                    r.headers().firstValue("Content-Type").orElse(""));
            // every answer is checked against the API description (src/main/resources/openapi.yaml)
            String query = request.uri().getRawQuery();
            ApiContract.check(
                    request.method(),
                    request.uri().getRawPath() + (query == null ? "" : "?" + query),
                    response.status(),
                    response.contentType(),
                    response.body());
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Rows in a table of this server's database. */
    public long count(String table) {
        return TestDatabase.scalar(dbUrl, "SELECT count(*) FROM " + table);
    }

    @Override
    public void close() {
        server.close();
    }

    /** An HTTP response; {@link #json()} and {@link #array(String)} parse the body. */
    public record Response(int status, String body, String contentType) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array(String field) {
            return json().getJsonArray(field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
