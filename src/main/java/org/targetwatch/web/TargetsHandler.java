package org.targetwatch.web;

import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.targetwatch.facts.Subject;
import org.targetwatch.review.TargetsOverview;
import org.targetwatch.store.SubjectStore;

/** Targets at a glance: GET /api/v1/targets?year=&district= (every target of the report with its status). */
final class TargetsHandler {
    private final TargetsOverview overview;
    private final SubjectStore subjects;

    TargetsHandler(TargetsOverview overview, SubjectStore subjects) {
        this.overview = overview;
        this.subjects = subjects;
    }

    void list(RoutingContext ctx) {
        int year = yearParam(ctx);
        String district = param(ctx, "district");
        reply(ctx, knownDistrict(subjects, district).compose(d -> overview.overview(year, d == null ? null : d.id())));
    }

    /** The registered district with this id (null stays null); else a 400 naming the parameter district. */
    static Future<Subject> knownDistrict(SubjectStore subjects, String district) {
        if (district == null) {
            return Future.succeededFuture(null);
        }
        return subjects.find(List.of(district)).map(found -> {
            Subject s = found.get(district);
            if (s == null || !s.kind().equals("district")) {
                throw new InvalidParameterException("district", "no registered district with id " + district);
            }
            return s;
        });
    }
}
