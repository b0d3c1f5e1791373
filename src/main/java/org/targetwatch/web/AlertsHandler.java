package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.targetwatch.alerts.AlertActions;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.OutboxStore;
import org.targetwatch.store.TokenStore;

/** Alerts: /api/v1/alerts, one alert, its history, its deliveries and its actions. */
final class AlertsHandler {
    private final AlertStore alerts;
    private final OutboxStore outbox;
    private final AlertActions actions;

    AlertsHandler(AlertStore alerts, OutboxStore outbox, AlertActions actions) {
        this.alerts = alerts;
        this.outbox = outbox;
        this.actions = actions;
    }

    void listAlerts(RoutingContext ctx) {
        reply(
                ctx,
                alerts.list(param(ctx, "status"), param(ctx, "category"), param(ctx, "subject"), limit(ctx))
                        .map(list -> new JsonObject().put("alerts", new JsonArray(list))));
    }

    void getAlert(RoutingContext ctx) {
        long id = idParam(ctx);
        reply(ctx, existing(id));
    }

    void alertHistory(RoutingContext ctx) {
        long id = idParam(ctx);
        reply(
                ctx,
                existing(id)
                        .compose(a -> alerts.history(id))
                        .map(list -> new JsonObject().put("alertId", id).put("history", new JsonArray(list))));
    }

    void alertDeliveries(RoutingContext ctx) {
        long id = idParam(ctx);
        reply(
                ctx,
                existing(id)
                        .compose(a -> outbox.forAlert(id))
                        .map(list -> new JsonObject().put("alertId", id).put("deliveries", new JsonArray(list))));
    }

    /** The alert, or a 404 naming {@code id}. */
    private Future<JsonObject> existing(long id) {
        return alerts.get(id)
                .map(found -> found.orElseThrow(() -> new NotFoundException("id", "no alert with id " + id)));
    }

    void alertAction(RoutingContext ctx, String action) {
        long id = idParam(ctx);
        JsonObject body = jsonBody(ctx);
        String ifMatch = ctx.request().getHeader("If-Match");
        if (ifMatch != null && body.getValue("version") == null) {
            try {
                body.put("version", Integer.parseInt(ifMatch.replace("\"", "").strip()));
            } catch (NumberFormatException e) {
                throw new InvalidParameterException("If-Match", "If-Match must hold the alert version, e.g. \"3\"");
            }
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        reply(
                ctx,
                actions.act(id, action, body, p.name() + " (" + p.role() + ")", p.id(), SUPERVISOR.equals(p.role()))
                        .map(done -> {
                            ctx.response().putHeader("ETag", "\"" + done.alert().getInteger("version") + "\"");
                            return done.alert();
                        }));
    }
}
