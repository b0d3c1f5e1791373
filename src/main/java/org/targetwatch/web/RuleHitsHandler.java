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
    private final AlertStore alerts;
    private final Clock clock;

    RuleHitsHandler(RuleHitStore hits, AlertStore alerts, Clock clock) {
        this.hits = hits;
        this.alerts = alerts;
        this.clock = clock;
    }

    void listHits(RoutingContext ctx) {
        Http.reply(
                ctx,
                hits.list(
                                Http.param(ctx, "rule"),
                                Http.param(ctx, "subject"),
                                Http.instantParam(ctx, "from"),
                                Http.instantParam(ctx, "to"),
                                Http.limit(ctx))
                        .map(list -> new JsonObject().put("ruleHits", new JsonArray(list))));
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
