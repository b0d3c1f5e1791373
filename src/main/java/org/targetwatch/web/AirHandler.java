package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.domain.air.AirSummary;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.SubjectStore;

/** Air statistics: /api/v1/air/daily, /api/v1/air/summary, /api/v1/air/days. */
final class AirHandler {
    private final Pool pool;
    private final SubjectStore subjects;
    private final AirStore air;
    private final RuleEngine engine;

    AirHandler(Pool pool, SubjectStore subjects, AirStore air, RuleEngine engine) {
        this.pool = pool;
        this.subjects = subjects;
        this.air = air;
        this.engine = engine;
    }

    void airDaily(RoutingContext ctx) {
        String subject = required(ctx, "subject");
        LocalDate date;
        try {
            date = LocalDate.parse(required(ctx, "date"));
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("date", "date must be YYYY-MM-DD");
        }
        air.day(pool, subject, date).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(new NotFoundException("subject", "no air data for '" + subject + "' on " + date));
            } else {
                ErrorMapper.write(ctx, 200, ar.result().get());
            }
        });
    }

    void airSummary(RoutingContext ctx) {
        String subject = required(ctx, "subject");
        int year;
        try {
            year = Integer.parseInt(required(ctx, "year"));
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("year", "year must be a whole number, e.g. 2023");
        }
        if (year < 1970 || year > 9999) {
            throw new InvalidParameterException("year", "year must be between 1970 and 9999");
        }
        RuleSet rs = engine.current();
        reply(ctx, subjects.find(List.of(subject)).compose(found -> {
            Subject s = found.get(subject);
            if (s == null) {
                return Future.failedFuture(new NotFoundException("subject", "no subject '" + subject + "'"));
            }
            // a station is judged under its district's airStandardFrom
            Future<LocalDate> standardFrom = s.district() == null
                    ? Future.succeededFuture(s.airStandardFrom())
                    : subjects.find(List.of(s.district()))
                            .map(ds -> ds.containsKey(s.district())
                                    ? ds.get(s.district()).airStandardFrom()
                                    : Subject.NATIONWIDE_AIR_STANDARD_FROM);
            return standardFrom.compose(
                    from -> air.days(pool, subject, LocalDate.of(year - 1, 1, 1), LocalDate.of(year, 12, 31))
                            .map(days -> AirSummary.build(subject, s.kind(), year, days, rs.thresholds(), from)));
        }));
    }

    /**
     * {@code GET /api/v1/air/days?subject&from&to}: the stored days in [from, to] (at most 400 days); without from
     * and to, the subject's latest 30 days ending on its latest day with data (what a page opens on).
     */
    void airDays(RoutingContext ctx) {
        String subject = required(ctx, "subject");
        if (param(ctx, "from") == null && param(ctx, "to") == null) {
            reply(
                    ctx,
                    air.latestDay(pool, subject)
                            .compose(last -> last == null
                                    ? io.vertx.core.Future.succeededFuture(new JsonObject()
                                            .put("subject", subject)
                                            .putNull("from")
                                            .putNull("to")
                                            .put("days", new JsonArray()))
                                    : days(subject, last.minusDays(29), last)));
            return;
        }
        LocalDate from;
        LocalDate to;
        try {
            from = LocalDate.parse(required(ctx, "from"));
            to = LocalDate.parse(required(ctx, "to"));
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("from", "from and to must be dates YYYY-MM-DD");
        }
        if (to.isBefore(from) || to.toEpochDay() - from.toEpochDay() > 400) {
            throw new InvalidParameterException("to", "to must not be before from, and at most 400 days later");
        }
        reply(ctx, days(subject, from, to));
    }

    private io.vertx.core.Future<JsonObject> days(String subject, LocalDate from, LocalDate to) {
        return air.dayDetails(pool, subject, from, to)
                .map(list -> new JsonObject()
                        .put("subject", subject)
                        .put("from", from.toString())
                        .put("to", to.toString())
                        .put("days", new JsonArray(list)));
    }
}
