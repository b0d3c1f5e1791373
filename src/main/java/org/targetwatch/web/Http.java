package org.targetwatch.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.targetwatch.common.Times;
import org.targetwatch.ingest.StrictJson;

/**
 * What every handler reads from a request and writes back: strict bodies and parameters (a bad one is a 400 or 422
 * naming it, through {@link ErrorMapper}), and answers.
 */
final class Http {
    static final int MAX_LIST_LIMIT = 10_000;
    /** Longest free text (a silence's reason, an annotation's comment; alert actions take 4,000 too). */
    static final int MAX_TEXT = 4000;

    private Http() {}

    /** Answers 200 with the future's object, or fails the request with its cause. */
    static void reply(RoutingContext ctx, Future<JsonObject> f) {
        reply(ctx, f, 200);
    }

    /** Answers {@code status} with the future's object, or fails the request with its cause. */
    static void reply(RoutingContext ctx, Future<JsonObject> f, int status) {
        f.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ErrorMapper.write(ctx, status, ar.result());
            }
        });
    }

    /**
     * The request body as a JSON object, read by {@link StrictJson}: 400 if it is not one
     * (or has a key twice, or is not UTF-8), 422 naming the field for text that cannot be stored. An empty body is
     * an empty object.
     */
    static JsonObject jsonBody(RoutingContext ctx) {
        return StrictJson.decodeObject(ctx.body().buffer(), InvalidRequestException::new);
    }
    /** A query parameter, stripped; null if absent or blank; 400 naming it if it holds a control character. */
    static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v != null && StrictJson.textProblem(v) != null) {
            throw new InvalidParameterException(name, name + " " + StrictJson.textProblem(v));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    static String required(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            throw new InvalidParameterException(name, name + " is required");
        }
        return v;
    }

    static int limit(RoutingContext ctx) {
        String v = param(ctx, "limit");
        if (v == null) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIST_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidParameterException("limit", "limit must be a whole number from 1 to " + MAX_LIST_LIMIT);
    }

    static long idParam(RoutingContext ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidParameterException("id", "id must be a positive whole number");
    }
    /** An ISO-8601 date-time with offset, or a date (midnight Asia/Shanghai). */
    static Instant instantParam(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v).atStartOfDay(Times.ZONE).toInstant();
            } catch (DateTimeParseException e2) {
                throw new InvalidParameterException(
                        name,
                        name + " must be an ISO-8601 date-time with offset"
                                + " (2023-03-01T00:00:00+08:00) or a date (2023-03-01)");
            }
        }
    }

    static int yearParam(RoutingContext ctx) {
        try {
            int year = Integer.parseInt(required(ctx, "year"));
            if (year >= 1970 && year <= 9999) {
                return year;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidParameterException("year", "year must be a whole number, e.g. 2023");
    }
}
