package org.targetwatch.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A real Server-Sent Events client: connects, parses {@code id/event/data} frames into a list, can disconnect. */
public final class SseClient implements AutoCloseable {
    /** One received event. */
    public record Event(long id, String kind, JsonObject data) {}

    public final List<Event> events = new CopyOnWriteArrayList<>();
    /** Completes when the server ends the stream. */
    public final CompletableFuture<Void> ended = new CompletableFuture<>();

    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile int status;

    public SseClient(URI uri, String token, Long lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", String.valueOf(lastEventId));
        }
        response = HttpClient.newHttpClient().sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            status = r.statusCode();
            long[] id = {-1};
            String[] kind = {null};
            StringBuilder data = new StringBuilder();
            try {
                r.body().forEach(line -> {
                    if (line.startsWith("id: ")) {
                        id[0] = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("event: ")) {
                        kind[0] = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    } else if (line.isEmpty() && data.length() > 0) {
                        events.add(new Event(id[0], kind[0], new JsonObject(data.toString())));
                        data.setLength(0);
                    }
                });
            } catch (RuntimeException ignored) {
                // the stream was closed
            }
            ended.complete(null);
        });
    }

    public int status() {
        return status;
    }

    public List<String> kinds() {
        return events.stream().map(Event::kind).toList();
    }

    public long lastId() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).id();
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
    }
}
