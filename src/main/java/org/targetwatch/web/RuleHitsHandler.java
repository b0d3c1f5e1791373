package org.targetwatch.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.RuleHitStore;
import org.targetwatch.store.TokenStore;

/** The rule-hit audit: rule hits, their counts, one hit with its facts, and annotations of hits and alerts. */
final class RuleHitsHandler {
    private final RuleHitStore hits;
    /** The same store on the read pool (a replica when configured): exports read from it. */
    private final RuleHitStore exportHits;

    private final AlertStore alerts;
    private final Clock clock;
    private final Exports exports;

    RuleHitsHandler(Exports exports, RuleHitStore hits, RuleHitStore exportHits, AlertStore alerts, Clock clock) {
        this.exports = exports;
        this.hits = hits;
        this.exportHits = exportHits;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * {@code GET /api/v1/rule-hits}: at most {@code limit} hits, newest first, and {@code next} when older ones follow
     * (pass it as {@code before}); with {@code format=csv|xlsx} every hit the filter matches, as a file.
     */
    void listHits(RoutingContext ctx) {
        String format = Exports.format(ctx);
        String rule = Http.param(ctx, "rule");
        String subject = Http.param(ctx, "subject");
        java.time.Instant from = Http.instantParam(ctx, "from");
        java.time.Instant to = Http.instantParam(ctx, "to");
        String b = Http.param(ctx, "before");
        Long before;
        try {
            before = b == null ? null : Long.valueOf(b);
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("before", "before must be a rule hit id (the answer's next)");
        }
        if (format != null) {
            Exports.chinese(ctx);
            exports.send(
                    ctx,
                    format,
                    "rule-hits",
                    "规则命中",
                    COLUMNS,
                    next -> exportHits
                            .list(rule, subject, from, to, next == null ? before : (Long) next, Exports.PAGE)
                            .map(list -> new Exports.Page(
                                    list,
                                    list.size() < Exports.PAGE
                                            ? null
                                            : list.get(list.size() - 1).getLong("id"))));
            return;
        }
        int limit = Http.limit(ctx);
        Http.reply(
                ctx,
                hits.list(rule, subject, from, to, before, limit)
                        .map(list -> new JsonObject()
                                .put("ruleHits", new JsonArray(list))
                                .put(
                                        "next",
                                        list.size() < limit
                                                ? null
                                                : list.get(list.size() - 1).getLong("id"))));
    }

    /** The columns of a rule-hits export. */
    static final java.util.List<Exports.Column> COLUMNS = java.util.List.of(
            Exports.Column.of("命中编号", "id"),
            Exports.Column.of("命中时间", "at"),
            Exports.Column.of("规则", "rule"),
            Exports.Column.of("规则版本", "rulesetVersion"),
            Exports.Column.of("对象", "subject"),
            Exports.Column.of("指标", "indicator"),
            Exports.Column.of("时段", "period"),
            Exports.Column.of("数值", "value"),
            new Exports.Column("阈值", "threshold", h -> threshold(h, "value")),
            new Exports.Column("单位", "unit", h -> threshold(h, "unit")),
            new Exports.Column("阈值依据", "thresholdSource", h -> threshold(h, "source")),
            Exports.Column.of("结果", "caused"),
            Exports.Column.of("告警编号", "alertId"));

    private static Object threshold(JsonObject hit, String key) {
        Object t = hit.getValue("threshold");
        return t instanceof JsonObject o ? o.getValue(key) : null;
    }

    void counts(RoutingContext ctx) {
        Http.reply(
                ctx,
                hits.counts(Http.instantParam(ctx, "from"), Http.instantParam(ctx, "to"))
                        .map(list -> new JsonObject().put("counts", new JsonArray(list))));
    }

    void getHit(RoutingContext ctx) {
        long id = Http.idParam(ctx);
        Http.reply(
                ctx,
                hits.get(id).map(o -> o.orElseThrow(() -> new NotFoundException("id", "no rule hit with id " + id))));
    }

    /** {@code {"verdict": "confirmed" | "false-positive", "comment"}}. */
    void annotate(RoutingContext ctx, String target) {
        long id = Http.idParam(ctx);
        JsonObject body = Http.jsonBody(ctx);
        Object verdict = body.getValue("verdict");
        if (!"confirmed".equals(verdict) && !"false-positive".equals(verdict)) {
            throw new InvalidReviewException("verdict", "verdict must be confirmed or false-positive");
        }
        Object comment = body.getValue("comment");
        if (comment != null && (!(comment instanceof String c) || c.length() > Http.MAX_TEXT)) {
            throw new InvalidReviewException(
                    "comment", "comment must be a string of at most " + Http.MAX_TEXT + " characters");
        }
        TokenStore.Principal p = ctx.get(Access.PRINCIPAL);
        Future<Boolean> exists = target.equals("alert")
                ? alerts.get(id).map(Optional::isPresent)
                : hits.get(id).map(Optional::isPresent);
        Http.reply(
                ctx,
                exists.compose(found -> found
                        ? hits.annotate(
                                target,
                                id,
                                (String) verdict,
                                (String) comment,
                                p.name() + " (" + p.role() + ")",
                                clock.instant())
                        : Future.failedFuture(new NotFoundException("id", "no " + target + " with id " + id))),
                201);
    }
}
