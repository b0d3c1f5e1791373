package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.store.DatabaseHealth;

/** Liveness and readiness: /health/live, /health/ready. */
final class HealthHandler {
    private final Pool pool;
    private final org.targetwatch.store.ReadPool readPool;
    private final RuleEngine engine;
    private final DatabaseHealth health;

    HealthHandler(Pool pool, org.targetwatch.store.ReadPool readPool, RuleEngine engine, DatabaseHealth health) {
        this.pool = pool;
        this.readPool = readPool;
        this.engine = engine;
        this.health = health;
    }

    /** 200 while the server can serve; 503 once it has given up on its database, so that it is restarted. */
    void live(RoutingContext ctx) {
        if (health.gaveUp()) {
            ErrorMapper.write(ctx, 503, new JsonObject().put("status", "DOWN").put("reason", health.gaveUpReason()));
            return;
        }
        ErrorMapper.write(ctx, 200, new JsonObject().put("status", "UP"));
    }

    void ready(RoutingContext ctx) {
        pool.query("SELECT 1").execute().onComplete(ar -> {
            JsonObject body = new JsonObject()
                    .put("database", ar.succeeded() ? "UP" : "DOWN")
                    .put("rulesetVersion", engine.current().version());
            body.put("status", ar.succeeded() ? "UP" : "DOWN");
            // a replica that is down does not make the server unready: its reads go to the primary
            if (readPool.hasReplica()) {
                body.put("readReplica", readPool.state());
            }
            ErrorMapper.write(ctx, ar.succeeded() ? 200 : 503, body);
        });
    }
}
