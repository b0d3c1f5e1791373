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
    /** The same store on the read pool (a replica when configured): exports read from it. */
    private final AlertStore exportAlerts;

    private final OutboxStore outbox;
    private final AlertActions actions;
    private final org.targetwatch.store.SilenceStore silences;
    private final Exports exports;
    private final java.time.Clock clock;

    AlertsHandler(
            Exports exports,
            AlertStore alerts,
            AlertStore exportAlerts,
            OutboxStore outbox,
            AlertActions actions,
            org.targetwatch.store.SilenceStore silences,
            java.time.Clock clock) {
        this.exports = exports;
        this.alerts = alerts;
        this.exportAlerts = exportAlerts;
        this.outbox = outbox;
        this.actions = actions;
        this.silences = silences;
        this.clock = clock;
    }

    private static final java.util.Set<String> SEVERITIES = java.util.Set.of("info", "warning", "major", "critical");
    private static final java.util.Set<String> STATUSES =
            java.util.Set.of("pending", "open", "acknowledged", "resolved");

    /**
     * {@code GET /api/v1/alerts}: a page of alerts with the exact {@code total} the filters match. Filters: status,
     * category, subject, severity, region, rule, periodFrom (inclusive), periodTo (exclusive), historical, silenced
     * (matched by a silence in force now, or not). Order: {@code sort} (default severity, most severe first) and
     * {@code order} ({@code asc} or {@code desc}, default desc), ties newest first; {@code page} from 1 and
     * {@code limit} rows a page (default 1000). Each alert says whether a silence in force matches it
     * ({@code silenced}). With {@code format=csv|xlsx}: every alert the filters match in that order, as a file.
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
        String format = Exports.format(ctx);
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
        boolean ascending = "asc".equals(order);
        String by = sort;
        int first = page;
        if (format != null) {
            Exports.chinese(ctx);
            withSilences(checked).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                    return;
                }
                exports.send(ctx, format, "alerts", "告警", COLUMNS, next -> {
                    int n = next == null ? 1 : (Integer) next;
                    return exportAlerts
                            .page(ar.result(), by, ascending, Exports.PAGE, n)
                            .map(json -> {
                                JsonArray rows = json.getJsonArray("alerts");
                                java.util.List<JsonObject> list = new java.util.ArrayList<>();
                                rows.forEach(o -> list.add(
                                        mark((JsonObject) o, ar.result().silences())));
                                return new Exports.Page(list, rows.size() < Exports.PAGE ? null : n + 1);
                            });
                });
            });
            return;
        }
        int limit = limit(ctx);
        reply(
                ctx,
                withSilences(checked)
                        .compose(f -> alerts.page(f, by, ascending, limit, first)
                                .map(json -> {
                                    json.getJsonArray("alerts").forEach(o -> mark((JsonObject) o, f.silences()));
                                    return json;
                                })));
    }

    /** The columns of an alerts export. */
    static final java.util.List<Exports.Column> COLUMNS = java.util.List.of(
            Exports.Column.of("告警编号", "id"),
            Exports.Column.coded("级别", "severity", BriefingSheets.SEVERITY),
            Exports.Column.coded("状态", "status", Exports.STATUS),
            Exports.Column.coded("类别", "category", Exports.CATEGORY),
            Exports.Column.of("规则", "rule"),
            Exports.Column.of("对象", "subject"),
            Exports.Column.of("区域", "region"),
            Exports.Column.of("指标", "indicator"),
            Exports.Column.of("时段", "period"),
            Exports.Column.of("数值", "value"),
            new Exports.Column(
                    "阈值", "threshold", a -> a.getJsonObject("threshold").getValue("value")),
            new Exports.Column("单位", "unit", a -> a.getJsonObject("threshold").getValue("unit")),
            Exports.Column.of("说明", "description"),
            Exports.Column.of("首次出现", "firstSeen"),
            Exports.Column.of("最近出现", "lastSeen"),
            Exports.Column.of("认领时间", "acknowledgedAt"),
            Exports.Column.of("处理人", "assignee"),
            Exports.Column.of("解决时间", "resolvedAt"),
            Exports.Column.of("解决方式", "resolution"),
            Exports.Column.of("解决说明", "resolveReason"),
            Exports.Column.flag("历史数据", "historical"),
            Exports.Column.flag("静默中", "silenced"));

    /** The filter with the silences in force now, which {@code silenced} filters by and each alert is marked by. */
    private Future<AlertStore.AlertFilter> withSilences(AlertStore.AlertFilter f) {
        return silences.inForce(clock.instant())
                .map(list -> new AlertStore.AlertFilter(
                        f.status(),
                        f.category(),
                        f.subject(),
                        f.severity(),
                        f.region(),
                        f.rule(),
                        f.periodFrom(),
                        f.periodTo(),
                        f.historical(),
                        f.silenced(),
                        list));
    }

    private static JsonObject mark(JsonObject alert, java.util.List<org.targetwatch.facts.Silence> inForce) {
        return alert.put("silenced", inForce.stream().anyMatch(s -> s.matches(alert)));
    }

    /** GET /api/v1/alerts/groups?by=rule|subject|region and the filters of the board. */
    void alertGroups(RoutingContext ctx) {
        String by = param(ctx, "by");
        if (by == null || !AlertStore.GROUPS.containsKey(by)) {
            throw new InvalidParameterException(
                    "by", "by must be one of " + new java.util.TreeSet<>(AlertStore.GROUPS.keySet()));
        }
        AlertStore.AlertFilter checked = filter(ctx);
        reply(ctx, withSilences(checked).compose(f -> alerts.groups(f, by)));
    }

    /** The board's filters from the query: 400 naming a status, severity, historical or silenced that is not one. */
    private static AlertStore.AlertFilter filter(RoutingContext ctx) {
        String historical = oneOf(ctx, "historical", java.util.Set.of("true", "false"));
        String silenced = oneOf(ctx, "silenced", java.util.Set.of("true", "false"));
        return new AlertStore.AlertFilter(
                oneOf(ctx, "status", STATUSES),
                param(ctx, "category"),
                param(ctx, "subject"),
                oneOf(ctx, "severity", SEVERITIES),
                param(ctx, "region"),
                param(ctx, "rule"),
                param(ctx, "periodFrom"),
                param(ctx, "periodTo"),
                historical == null ? null : Boolean.valueOf(historical),
                silenced == null ? null : Boolean.valueOf(silenced),
                java.util.List.of());
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
