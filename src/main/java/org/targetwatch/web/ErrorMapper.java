package org.targetwatch.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.alerts.AlertActions;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.ingest.BatchTooLargeException;
import org.targetwatch.ingest.InvalidReadingException;
import org.targetwatch.ingest.MalformedRequestException;

/**
 * The router-wide failure handler: every failure becomes a JSON body {@code {code, message, ...}} with a
 * status chosen by exception class, or by SQLSTATE for database errors (never by message text). Anything
 * unexpected is logged with an id and answered 500 without internals.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    static void handle(RoutingContext ctx) {
        handle(ctx, null);
    }

    /**
     * As {@link #handle(RoutingContext)}; a failure that means the database is unreachable is answered
     * {@code 503 database_unavailable} with {@code Retry-After} and counted in {@code health} (which logs the
     * outage once), never logged per request.
     */
    static void handle(RoutingContext ctx, org.targetwatch.store.DatabaseHealth health) {
        Throwable failure = ctx.failure();
        HttpServerResponse response = ctx.response();
        if (response.closed() || failure instanceof io.vertx.core.http.HttpClosedException) {
            return; // the client is gone (or was cut off by the connection guard): nobody to answer, nothing to log
        }
        if (response.headWritten()) {
            LOG.warn("failure after response started: {}", String.valueOf(failure));
            response.reset();
            return;
        }
        if (failure instanceof RejectedRequestException rejected) {
            write(ctx, statusOf(rejected), rejected.toJson());
        } else if (failure != null && org.targetwatch.store.DatabaseHealth.isUnavailable(failure)) {
            if (health != null) {
                health.refused();
            }
            unavailable(ctx);
        } else if (failure instanceof PgException pg) {
            mapSqlState(ctx, pg);
        } else if (failure == null) {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            write(ctx, status, error(codeOf(status), messageOf(status)));
        } else {
            String id = UUID.randomUUID().toString();
            LOG.error(
                    "unexpected failure {} on {} {}",
                    id,
                    ctx.request().method(),
                    ctx.request().path(),
                    failure);
            write(ctx, 500, error("internal_error", "unexpected server error; reference " + id));
        }
    }

    static int statusOf(RejectedRequestException e) {
        if (e instanceof MalformedRequestException || e instanceof InvalidParameterException) {
            return 400;
        } else if (e instanceof UnauthenticatedException) {
            return 401;
        } else if (e instanceof ForbiddenException) {
            return 403;
        } else if (e instanceof NotFoundException || e instanceof AlertActions.NoSuchAlertException) {
            return 404;
        } else if (e instanceof AlertActions.AlertConflictException) {
            return 409;
        } else if (e instanceof BatchTooLargeException) {
            return 413;
        } else if (e instanceof UnsupportedMediaTypeException
                || e instanceof org.targetwatch.ingest.Utf8.UnsupportedEncodingException) {
            return 415;
        } else if (e instanceof InvalidReadingException
                || e instanceof InvalidTokenRequestException
                || e instanceof InvalidSubjectException
                || e instanceof AlertActions.InvalidActionException
                || e instanceof InvalidSilenceException
                || e instanceof InvalidReviewException
                || e instanceof RulesetsHandler.InvalidRulesetException
                || e instanceof InvalidRequestException) {
            return 422;
        }
        return 400;
    }

    private static void mapSqlState(RoutingContext ctx, PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        if (state.equals("23505")) {
            write(ctx, 409, error("conflict", "conflicts with a stored record (" + pg.getConstraint() + ")"));
        } else if (state.startsWith("23") || state.startsWith("22")) {
            write(ctx, 422, error("rejected_by_database", "the database rejected a value: " + pg.getErrorMessage()));
        } else if (state.equals("40001")
                || state.equals("40P01")
                || state.startsWith("53")
                || state.startsWith("57")
                || state.startsWith("08")) {
            ctx.response().putHeader("Retry-After", "1");
            write(ctx, 503, error("database_busy", "the database could not complete the request now; retry"));
        } else {
            String id = UUID.randomUUID().toString();
            LOG.error(
                    "database failure {} (SQLSTATE {}) on {} {}",
                    id,
                    state,
                    ctx.request().method(),
                    ctx.request().path(),
                    pg);
            write(ctx, 500, error("internal_error", "unexpected database error; reference " + id));
        }
    }

    /**
     * 503: the database cannot be reached now. The request's transaction did not commit, or (if the connection was
     * lost during the commit itself) committed without an answer; a retry is safe either way, as repeats of stored
     * readings are recognised and not stored twice.
     */
    static void unavailable(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", "2");
        write(
                ctx,
                503,
                error(
                        "database_unavailable",
                        "the database is unavailable; retry the request (a repeat"
                                + " of readings already stored is recognised and not stored twice)"));
    }

    static JsonObject error(String code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }

    private static String messageOf(int status) {
        return switch (status) {
            case 404 -> "no such endpoint";
            case 405 -> "method not allowed on this endpoint";
            case 413 -> "request body exceeds the size limit (maxBodyBytes)";
            default -> "request failed with status " + status;
        };
    }

    static void write(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(body.encode());
    }
}
