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

    private static final java.util.Set<String> SEVERITIES = java.util.Set.of("info", "warning", "major", "critical");
    private static final java.util.Set<String> STATUSES =
            java.util.Set.of("pending", "open", "acknowledged", "resolved");

    /**
     * {@code GET /api/v1/alerts}: a page of alerts with the exact {@code total} the filters match. Filters: status,
     * category, subject, severity, region, rule, periodFrom (inclusive), periodTo (exclusive), historical. Order:
     * {@code sort} (default severity, most severe first) and {@code order} ({@code asc} or {@code desc}, default
     * desc), ties newest first; {@code page} from 1 and {@code limit} rows a page (default 1000).
     */
    void listAlerts(RoutingContext ctx) {
        AlertStore.AlertFilter checked = filter(ctx); // its parameters refused first, as before
        String sort = param(ctx, "sort");
        if (sort == null) {
            sort = "severity";
        } else if (!AlertStore.SORTS.containsKey(sort)) {
            throw new InvalidParameterException(
                    "sort", "sort must be one of " + new java.util.TreeSet<>(AlertStore.SORTS.keySet()));
        }
        String order = oneOf(ctx, "order", java.util.Set.of("asc", "desc"));
        int page = 1;
        String p = param(ctx, "page");
        if (p != null) {
            try {
                page = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                page = 0;
            }
            if (page < 1 || page > 1_000_000) {
                throw new InvalidParameterException("page", "page must be a whole number from 1");
            }
        }
        reply(ctx, alerts.page(checked, sort, "asc".equals(order), limit(ctx), page));
    }

    /** GET /api/v1/alerts/groups?by=rule|subject|region and the filters of the board. */
    void alertGroups(RoutingContext ctx) {
        String by = param(ctx, "by");
        if (by == null || !AlertStore.GROUPS.containsKey(by)) {
            throw new InvalidParameterException(
                    "by", "by must be one of " + new java.util.TreeSet<>(AlertStore.GROUPS.keySet()));
        }
        reply(ctx, alerts.groups(filter(ctx), by));
    }

    /** The board's filters from the query: 400 naming a status, severity or historical that is not one. */
    private static AlertStore.AlertFilter filter(RoutingContext ctx) {
        String historical = oneOf(ctx, "historical", java.util.Set.of("true", "false"));
        return new AlertStore.AlertFilter(
                oneOf(ctx, "status", STATUSES),
                param(ctx, "category"),
                param(ctx, "subject"),
                oneOf(ctx, "severity", SEVERITIES),
                param(ctx, "region"),
                param(ctx, "rule"),
                param(ctx, "periodFrom"),
                param(ctx, "periodTo"),
                historical == null ? null : Boolean.valueOf(historical));
    }

    /** The parameter if given, 400 naming it unless it is one of {@code allowed}. */
    private static String oneOf(RoutingContext ctx, String name, java.util.Set<String> allowed) {
        String v = param(ctx, name);
        if (v != null && !allowed.contains(v)) {
            throw new InvalidParameterException(name, name + " must be one of " + new java.util.TreeSet<>(allowed));
        }
        return v;
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
