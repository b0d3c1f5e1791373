package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.targetwatch.store.SilenceStore;
import org.targetwatch.store.TokenStore;

/** Silences: /api/v1/silences and their expiry. */
final class SilencesHandler {
    /** Longest silence: its end at most this many days from now. */
    static final int MAX_SILENCE_DAYS = 366;

    private final SilenceStore silences;
    private final Clock clock;

    SilencesHandler(SilenceStore silences, Clock clock) {
        this.silences = silences;
        this.clock = clock;
    }

    /**
     * {@code {"matchers": {"category": [...], "severity": [...], "region": [...], "subject": [...], "rule": [...]},
     * "startsAt", "endsAt", "reason", "recurrence"?: {"daysOfWeek": [1..7], "startTime": "02:00", "endTime": "04:00"}}}.
     */
    void createSilence(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        JsonObject matchers = matchers(body);
        Object reason = body.getValue("reason");
        if (!(reason instanceof String r) || r.isBlank()) {
            throw new InvalidSilenceException("reason", "a silence needs a reason");
        }
        if (r.length() > MAX_TEXT) {
            throw new InvalidSilenceException("reason", "reason must be at most " + MAX_TEXT + " characters");
        }
        Instant start = silenceTime(body, "startsAt", clock.instant());
        Instant end = silenceTime(body, "endsAt", null);
        if (!end.isAfter(start)) {
            throw new InvalidSilenceException("endsAt", "endsAt must be after startsAt");
        }
        Instant horizon = clock.instant().plus(java.time.Duration.ofDays(MAX_SILENCE_DAYS));
        if (end.isAfter(horizon)) {
            throw new InvalidSilenceException(
                    "endsAt",
                    "endsAt must be within " + MAX_SILENCE_DAYS + " days from"
                            + " now: a silence hides breaches, so a longer one is renewed on purpose");
        }
        Object rawRecurrence = body.getValue("recurrence");
        if (rawRecurrence != null && !(rawRecurrence instanceof JsonObject)) {
            throw new InvalidSilenceException(
                    "recurrence",
                    "recurrence must be an object {\"daysOfWeek\": [1..7],"
                            + " \"startTime\": \"HH:mm\", \"endTime\": \"HH:mm\"}");
        }
        JsonObject recurrence = (JsonObject) rawRecurrence;
        if (recurrence != null) {
            try {
                java.time.LocalTime from = java.time.LocalTime.parse(recurrence.getString("startTime"));
                java.time.LocalTime to = java.time.LocalTime.parse(recurrence.getString("endTime"));
                JsonArray days = recurrence.getJsonArray("daysOfWeek");
                if (!to.isAfter(from)
                        || days == null
                        || days.isEmpty()
                        || days.stream().anyMatch(d -> !(d instanceof Integer i) || i < 1 || i > 7)) {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                throw new InvalidSilenceException(
                        "recurrence",
                        "recurrence needs daysOfWeek (1 = Monday .. 7),"
                                + " startTime and a later endTime (HH:mm, Asia/Shanghai)");
            }
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        reply(
                ctx,
                silences.insert(matchers, start, end, recurrence, p.name() + " (" + p.role() + ")", r.strip())
                        .map(created -> created.toJson(clock.instant())),
                201);
    }

    /** The silence's matchers from a request body, checked: 422 naming the matcher that is wrong. */
    private static JsonObject matchers(JsonObject body) {
        Object m = body.getValue("matchers");
        if (!(m instanceof JsonObject matchers) || matchers.isEmpty()) {
            throw new InvalidSilenceException(
                    "matchers",
                    "matchers is required: an object such as"
                            + " {\"subject\": [\"station-01\"]}; a silence matching everything is refused");
        }
        for (String k : matchers.fieldNames()) {
            if (!org.targetwatch.facts.Silence.KEYS.contains(k)
                    || !(matchers.getValue(k) instanceof JsonArray a)
                    || a.isEmpty()
                    || a.stream().anyMatch(v -> !(v instanceof String))) {
                throw new InvalidSilenceException(
                        "matchers." + k,
                        "matchers." + k + ": must be one of " + org.targetwatch.facts.Silence.KEYS
                                + " with a non-empty list of strings");
            }
        }
        return matchers;
    }

    /**
     * POST /api/v1/silences/preview {@code {"matchers": {...}}}: the unresolved alerts a silence with these
     * matchers would match, {@code {"total", "alerts": [the newest 50]}}; nothing is stored.
     */
    void previewSilence(RoutingContext ctx) {
        JsonObject matchers = matchers(jsonBody(ctx));
        reply(ctx, silences.preview(matchers, 50));
    }

    private static Instant silenceTime(JsonObject body, String field, Instant fallback) {
        Object v = body.getValue(field);
        if (v == null && fallback != null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse((String) v).toInstant();
        } catch (RuntimeException e) {
            throw new InvalidSilenceException(field, field + " must be an ISO-8601 date-time with offset");
        }
    }

    void listSilences(RoutingContext ctx) {
        reply(ctx, silences.list(limit(ctx)).map(result -> {
            JsonArray list = new JsonArray();
            result.forEach(s -> list.add(s.toJson(clock.instant())));
            return new JsonObject().put("silences", list);
        }));
    }

    void expireSilence(RoutingContext ctx) {
        long id = idParam(ctx);
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        silences.expire(id, clock.instant(), p.name() + " (" + p.role() + ")").onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(new NotFoundException("id", "no silence with id " + id));
            } else {
                ErrorMapper.write(ctx, 200, ar.result().get().toJson(clock.instant()));
            }
        });
    }
}
