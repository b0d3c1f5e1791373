package org.targetwatch.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP webhook receiver on loopback for tests: records every request, answers 500 to the first
 * {@code failFirst} of them, and can be stopped and started again on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received. */
    public record Received(String body, Map<String, List<String>> headers, int answered) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    public final List<Received> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private final int port;
    private HttpServer server;

    public WebhookReceiver() throws IOException {
        server = create(0);
        port = server.getAddress().getPort();
        server.start();
    }

    private HttpServer create(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 0);
        s.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
            requests.add(new Received(body, Map.copyOf(exchange.getRequestHeaders()), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        return s;
    }

    /** This receiver as a receiver entry of config/routing.json. */
    public io.vertx.core.json.JsonObject asReceiver(String id, String secret) {
        return new io.vertx.core.json.JsonObject()
                .put("id", id)
                .put("url", url())
                .put("secret", secret);
    }

    /**
     * Writes a routing file to {@code file}: one office {@code air-office} that receives the alerts of category
     * air at this receiver (id {@code hook}) with the given secret; returns the file.
     */
    public java.nio.file.Path airOfficeRouting(java.nio.file.Path file, String secret) throws java.io.IOException {
        java.nio.file.Files.writeString(
                file,
                new io.vertx.core.json.JsonObject()
                        .put(
                                "offices",
                                new io.vertx.core.json.JsonArray()
                                        .add(new io.vertx.core.json.JsonObject()
                                                .put("id", "air-office")
                                                .put(
                                                        "match",
                                                        new io.vertx.core.json.JsonObject()
                                                                .put(
                                                                        "category",
                                                                        new io.vertx.core.json.JsonArray().add("air")))
                                                .put(
                                                        "receivers",
                                                        new io.vertx.core.json.JsonArray()
                                                                .add(asReceiver("hook", secret)))))
                        .encode());
        return file;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    public void failFirst(int n) {
        failFirst.set(n);
    }

    public void stop() {
        server.stop(0);
    }

    public void restart() throws IOException {
        server = create(port);
        server.start();
    }

    /** Requests answered 2xx. */
    public List<Received> delivered() {
        return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
