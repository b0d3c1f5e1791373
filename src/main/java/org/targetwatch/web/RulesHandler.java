package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.facts.Threshold;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.RuleHitStore;

/** The rulebook and the indicator catalog: /api/v1/rules, /api/v1/indicators. */
final class RulesHandler {
    private final RuleEngine engine;
    private final IndicatorCatalog catalog;
    private final RuleHitStore ruleHits;

    RulesHandler(RuleEngine engine, IndicatorCatalog catalog, RuleHitStore ruleHits) {
        this.engine = engine;
        this.catalog = catalog;
        this.ruleHits = ruleHits;
    }

    void listIndicators(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        catalog.all().forEach(i -> list.add(i.toJson()));
        ErrorMapper.write(ctx, 200, new JsonObject().put("indicators", list));
    }

    void listRules(RoutingContext ctx) {
        RuleSet rs = engine.current();
        JsonArray rules = new JsonArray();
        rs.rules().forEach(r -> rules.add(r.toJson()));
        JsonArray thresholds = new JsonArray();
        for (Threshold t : rs.thresholds()) {
            thresholds.add(new JsonObject()
                    .put("id", t.id())
                    .put("kind", t.kind())
                    .put("indicator", t.indicator())
                    .put("statistic", t.statistic())
                    .put("op", t.op())
                    .put("value", t.value())
                    .put("unit", t.unit())
                    .put("severity", t.severity())
                    .put("strength", t.strength())
                    .put("source", t.source())
                    .put("status", t.status())
                    .put("configurable", !"CONFIRMED".equals(t.status()))
                    .put("enabled", t.enabled())
                    .put("effectiveFrom", t.effectiveFrom().toString())
                    .put(
                            "effectiveTo",
                            t.effectiveTo() == null ? null : t.effectiveTo().toString())
                    .put("decimals", t.decimals())
                    .put("fromSetting", t.fromSetting())
                    .put("description", t.description()));
        }
        JsonArray targets = new JsonArray();
        rs.targets().forEach(t -> targets.add(t.toJson()));
        ruleHits.totals().onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            rules.forEach(o ->
                    ((JsonObject) o).put("hits", ar.result().getLong(((JsonObject) o).getString("name"), 0L)));
            ErrorMapper.write(
                    ctx,
                    200,
                    new JsonObject()
                            .put("rulesetVersion", rs.version())
                            .put("rules", rules)
                            .put("thresholds", thresholds)
                            .put("targets", targets));
        });
    }
}
