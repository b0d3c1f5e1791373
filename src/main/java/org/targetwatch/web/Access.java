package org.targetwatch.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import org.targetwatch.config.AppConfig;
import org.targetwatch.store.TokenStore;

/** Who may call: bearer tokens (or the configured admin token) and the roles each route allows. */
public final class Access {
    public static final String OFFICER = "officer";
    public static final String RISK_OFFICE = "risk-office";
    public static final String SUPERVISOR = "supervisor";
    public static final String ADMIN = "admin";
    static final Set<String> ROLES = Set.of(OFFICER, RISK_OFFICE, SUPERVISOR, ADMIN);
    /** The routing-context key of the caller's {@link TokenStore.Principal}. */
    static final String PRINCIPAL = "principal";

    private final AppConfig config;
    private final TokenStore tokens;

    Access(AppConfig config, TokenStore tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    /** The caller's principal, set by {@link #authenticate}. */
    static TokenStore.Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null
                || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ctx.fail(new UnauthenticatedException("missing bearer token: send 'Authorization: Bearer <token>'"));
            return;
        }
        String secret = header.substring(7).strip();
        Optional<String> admin = config.adminToken();
        if (admin.isPresent()
                && MessageDigest.isEqual(
                        admin.get().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
            ctx.put(PRINCIPAL, new TokenStore.Principal(null, "TARGETWATCH_ADMIN_TOKEN", ADMIN));
            ctx.next();
            return;
        }
        tokens.find(secret).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                ctx.fail(new UnauthenticatedException("unknown or revoked token"));
            } else {
                ctx.put(PRINCIPAL, ar.result().get());
                ctx.next();
            }
        });
    }

    static Handler<RoutingContext> roles(String... allowed) {
        Set<String> set = Set.of(allowed);
        return ctx -> {
            TokenStore.Principal p = ctx.get(PRINCIPAL);
            if (set.contains(p.role())) {
                ctx.next();
            } else {
                ctx.fail(new ForbiddenException(
                        "role '" + p.role() + "' may not " + ctx.request().method() + " "
                                + ctx.request().path() + "; allowed: " + String.join(", ", allowed)));
            }
        };
    }
}
