package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.targetwatch.store.TokenStore;

/** Tokens: /api/v1/tokens, their revocation, and /api/v1/whoami. */
final class TokensHandler {
    private final io.vertx.core.Vertx vertx;
    private final TokenStore tokens;

    TokensHandler(io.vertx.core.Vertx vertx, TokenStore tokens) {
        this.vertx = vertx;
        this.tokens = tokens;
    }

    void whoAmI(RoutingContext ctx) {
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        ErrorMapper.write(
                ctx,
                200,
                new JsonObject().put("id", p.id()).put("name", p.name()).put("role", p.role()));
    }

    /** GET /api/v1/tokens: every token with its name, role, creation, last use and revocation; never a secret. */
    void listTokens(RoutingContext ctx) {
        reply(
                ctx,
                tokens.list().map(list -> {
                    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
                    list.forEach(t -> out.add(new JsonObject()
                            .put("id", t.id())
                            .put("name", t.name())
                            .put("role", t.role())
                            .put("createdAt", org.targetwatch.common.Times.format(t.createdAt()))
                            .put("createdBy", t.createdBy())
                            .put(
                                    "lastUsedAt",
                                    t.lastUsedAt() == null ? null : org.targetwatch.common.Times.format(t.lastUsedAt()))
                            .put(
                                    "revokedAt",
                                    t.revokedAt() == null ? null : org.targetwatch.common.Times.format(t.revokedAt()))
                            .put("revoked", t.revokedAt() != null)));
                    return new JsonObject().put("tokens", out);
                }),
                200);
    }

    /** GET /api/v1/people: whom an alert may be assigned to (risk offices and supervisors, and past assignees). */
    void people(RoutingContext ctx) {
        reply(ctx, tokens.people().map(list -> new JsonObject().put("people", list)), 200);
    }

    void createToken(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        Object name = body.getValue("name");
        Object role = body.getValue("role");
        if (!(name instanceof String n) || n.isBlank() || n.length() > 200) {
            throw new InvalidTokenRequestException("name", "name is required: a string of 1 to 200 characters");
        }
        if (!(role instanceof String r) || !ROLES.contains(r)) {
            throw new InvalidTokenRequestException(
                    "role", "role must be one of officer, risk-office, supervisor, admin");
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        reply(
                ctx,
                tokens.create(n.strip(), r, p.id()).map(result -> {
                    TokenStore.Created c = result;
                    return new JsonObject()
                            .put("id", c.id())
                            .put("name", c.name())
                            .put("role", c.role())
                            .put("token", c.secret());
                }),
                201);
    }

    void revokeToken(RoutingContext ctx) {
        long id = idParam(ctx);
        tokens.revoke(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (!ar.result()) {
                ctx.fail(new NotFoundException("id", "no token with id " + id));
            } else {
                vertx.eventBus().publish(AlertStream.REVOKED_ADDRESS, id); // its streams here end at once
                ctx.response().setStatusCode(204).end();
            }
        });
    }
}
