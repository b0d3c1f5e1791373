package org.targetwatch.web;

import static org.targetwatch.web.Http.*;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.store.AuditStore;
import org.targetwatch.store.TokenStore;

/**
 * The audit log: {@link #record} notes every change made through the API once its answer is sent (tokens,
 * subjects, silences, rulesets, alert actions and approvals, annotations, imports, receivers), refusals included,
 * with the caller's token name, id and role, the method, path and status, the remote address and the request's
 * small JSON fields; readings and HJ 212 packets are data, stored with their batch, and not audited. {@link #list}
 * is {@code GET /api/v1/audit} for admins.
 */
final class AuditHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AuditHandler.class);
    private static final Set<HttpMethod> CHANGES =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
    private static final Set<String> NOT_AUDITED = Set.of("/api/v1/readings", "/api/v1/hj212");
    /** Request bodies up to this size have their fields recorded (DRL uploads and imports are larger). */
    private static final int BODY_RECORDED = 4096;
    /** Body fields never recorded. */
    private static final Set<String> SECRET_FIELDS = Set.of("secret", "token", "password");

    private final AuditStore audit;
    private final Clock clock;

    AuditHandler(AuditStore audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** Route handler after authentication: audits the request when its answer has been sent. */
    void record(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (CHANGES.contains(ctx.request().method()) && !NOT_AUDITED.contains(path)) {
            ctx.addEndHandler(done -> write(ctx, path));
        }
        ctx.next();
    }

    private void write(RoutingContext ctx, String path) {
        TokenStore.Principal p = Access.principal(ctx);
        JsonObject details = new JsonObject();
        if (!ctx.queryParams().isEmpty()) {
            JsonObject q = new JsonObject();
            ctx.queryParams().forEach(e -> q.put(e.getKey(), e.getValue()));
            details.put("query", q);
        }
        try {
            if (ctx.body() != null && ctx.body().length() > 0) {
                if (ctx.body().length() <= BODY_RECORDED) {
                    JsonObject body = ctx.body().asJsonObject();
                    if (body != null) {
                        JsonObject kept = new JsonObject();
                        body.forEach(e -> {
                            if (!SECRET_FIELDS.contains(e.getKey())) {
                                kept.put(e.getKey(), e.getValue());
                            }
                        });
                        details.put("body", kept);
                    }
                } else {
                    details.put("bodyBytes", ctx.body().length());
                }
            }
        } catch (RuntimeException e) {
            details.put("bodyBytes", ctx.body().length()); // not a JSON object
        }
        String forwarded = ctx.request().getHeader("X-Forwarded-For");
        if (forwarded != null) {
            details.put("forwardedFor", forwarded);
        }
        audit.record(new AuditStore.Entry(
                        clock.instant(),
                        p.name(),
                        p.id(),
                        p.role(),
                        ctx.request().method().name(),
                        path,
                        ctx.response().getStatusCode(),
                        ctx.request().remoteAddress() == null
                                ? null
                                : ctx.request().remoteAddress().host(),
                        details))
                .onFailure(e -> LOG.warn(
                        "audit entry of {} {} by {} not written: {}",
                        ctx.request().method(),
                        path,
                        p.name(),
                        e.toString()));
    }

    /**
     * {@code GET /api/v1/audit?from&to&actor&path&before&limit}: entries newest first; {@code path} a prefix,
     * {@code before} an entry id (the next page: the answer's {@code next}).
     */
    void list(RoutingContext ctx) {
        String before = param(ctx, "before");
        Long beforeId;
        try {
            beforeId = before == null ? null : Long.parseLong(before);
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("before", "before must be an entry id");
        }
        int limit = limit(ctx);
        reply(
                ctx,
                audit.list(
                                instantParam(ctx, "from"),
                                instantParam(ctx, "to"),
                                param(ctx, "actor"),
                                param(ctx, "path"),
                                beforeId,
                                limit)
                        .map(entries -> new JsonObject()
                                .put("entries", entries)
                                .put(
                                        "next",
                                        entries.size() == limit
                                                ? entries.getJsonObject(entries.size() - 1)
                                                        .getLong("id")
                                                : null)));
    }
}
