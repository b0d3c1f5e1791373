package org.targetwatch.web;

import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.targetwatch.alerts.Routing;
import org.targetwatch.store.OutboxStore;

/**
 * Receivers: /api/v1/receivers (each configured receiver with its delivery figures, never a secret) and
 * /api/v1/receivers/{id}/retry (its failed notifications pending again).
 */
final class ReceiversHandler {
    private final Routing routing;
    private final OutboxStore outbox;
    private final Clock clock;

    ReceiversHandler(Routing routing, OutboxStore outbox, Clock clock) {
        this.routing = routing;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Every receiver of {@code config/routing.json}: id, type, office, address without secrets, limits, quiet hours,
     * and last success, last error, backlog, delivered, failed, inhibited; {@code status} is {@code failing} when
     * its last error is newer than its last success (or it has failed notifications and no success since),
     * {@code ok} after a success, {@code idle} before anything was sent.
     */
    void list(RoutingContext ctx) {
        reply(ctx, outbox.receivers().map(figures -> {
            JsonArray out = new JsonArray();
            for (Routing.Office o : routing.offices()) {
                for (Routing.Receiver r : o.receivers()) {
                    JsonObject f = figures.getOrDefault(
                            r.id(),
                            new JsonObject()
                                    .put("lastSuccessAt", null)
                                    .put("lastError", null)
                                    .put("lastErrorAt", null)
                                    .put("backlog", 0L)
                                    .put("delivered", 0L)
                                    .put("failed", 0L)
                                    .put("inhibited", 0L));
                    String success = f.getString("lastSuccessAt");
                    String error = f.getString("lastErrorAt");
                    String status = error != null && (success == null || error.compareTo(success) > 0)
                            ? "failing"
                            : success != null ? "ok" : "idle";
                    out.add(new JsonObject()
                            .put("id", r.id())
                            .put("type", r.type())
                            .put("office", o.id())
                            .put("officeName", o.name())
                            .put("url", r.displayUrl())
                            .put("ratePerMinute", r.ratePerMinute())
                            .put("ratePerSecond", r.ratePerSecond())
                            .put("maxFailures", r.maxFailures())
                            .put(
                                    "quietHours",
                                    r.quietHours() == null
                                            ? null
                                            : new JsonObject()
                                                    .put(
                                                            "from",
                                                            r.quietHours()
                                                                    .from()
                                                                    .toString())
                                                    .put(
                                                            "to",
                                                            r.quietHours().to().toString())
                                                    .put(
                                                            "timeZone",
                                                            r.quietHours()
                                                                    .zone()
                                                                    .getId()))
                            .put("status", status)
                            .mergeIn(f));
                }
            }
            return new JsonObject().put("receivers", out);
        }));
    }

    /** Makes the receiver's failed notifications pending again (after fixing its key or secret); 404 if unknown. */
    void retry(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        boolean known =
                routing.offices().stream().flatMap(o -> o.receivers().stream()).anyMatch(r -> r.id().equals(id));
        if (!known) {
            throw new NotFoundException("id", "no receiver " + id + " in config/routing.json");
        }
        reply(
                ctx,
                outbox.retryFailed(id, clock.instant())
                        .map(n -> new JsonObject().put("receiver", id).put("requeued", n)));
    }
}
