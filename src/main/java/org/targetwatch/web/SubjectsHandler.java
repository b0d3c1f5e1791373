package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.MalformedRequestException;
import org.targetwatch.ingest.SubjectParser;
import org.targetwatch.store.SubjectStore;

/** Subjects: /api/v1/subjects and /api/v1/subjects/{id}. */
final class SubjectsHandler {
    private final SubjectStore subjects;

    SubjectsHandler(SubjectStore subjects) {
        this.subjects = subjects;
    }

    void listSubjects(RoutingContext ctx) {
        reply(ctx, subjects.list(param(ctx, "kind"), param(ctx, "region")).map(result -> {
            JsonArray list = new JsonArray();
            result.forEach(s -> list.add(s.toJson()));
            return new JsonObject().put("subjects", list);
        }));
    }

    void getSubject(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!SubjectParser.ID.matcher(id).matches()) {
            ctx.fail(new NotFoundException(
                    "id",
                    "no subject with id '" + id.replaceAll("\\p{Cntrl}", "?")
                            + "' (ids start with a letter or digit, then letters, digits and . _ : -)"));
            return;
        }
        subjects.find(List.of(id)).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (!ar.result().containsKey(id)) {
                ctx.fail(new NotFoundException("id", "no subject with id '" + id + "'"));
            } else {
                ErrorMapper.write(ctx, 200, ar.result().get(id).toJson());
            }
        });
    }

    /**
     * One subject object or an array, or CSV ({@link org.targetwatch.ingest.SubjectCsv}, answered as an array); all or
     * nothing. 201 with the subjects, 409 if an id exists.
     */
    void createSubjects(RoutingContext ctx) {
        Object decoded = BodyTypes.isCsv(ctx)
                ? org.targetwatch.ingest.SubjectCsv.parse(
                        ctx.body().buffer() == null
                                ? new byte[0]
                                : ctx.body().buffer().getBytes(),
                        BodyTypes.charset(ctx.request().getHeader("Content-Type")))
                : org.targetwatch.ingest.StrictJson.decode(ctx.body().buffer(), InvalidSubjectException::new);
        List<Object> items = new ArrayList<>();
        boolean array = decoded instanceof JsonArray;
        if (decoded instanceof JsonObject o) {
            items.add(o);
        } else if (decoded instanceof JsonArray a && !a.isEmpty() && a.size() <= 10_000) {
            a.forEach(items::add);
        } else {
            throw new MalformedRequestException("body must be a subject object or an array of 1 to 10000 of them");
        }
        List<RejectedRequestException.FieldError> errors = new ArrayList<>();
        List<Subject> parsed = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Integer index = array ? i : null;
            if (!(items.get(i) instanceof JsonObject o)) {
                errors.add(new RejectedRequestException.FieldError(index, "", "each subject must be an object"));
                continue;
            }
            Subject s = SubjectParser.parse(o, index, errors);
            if (s != null && !ids.add(s.id())) {
                errors.add(new RejectedRequestException.FieldError(
                        index, "id", "id '" + s.id() + "' appears twice in this request"));
            } else if (s != null) {
                parsed.add(s);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubjectException(errors);
        }
        reply(
                ctx,
                checkReferences(parsed).compose(v -> subjects.insert(parsed)).map(result -> {
                    JsonArray out = new JsonArray();
                    parsed.forEach(s -> out.add(s.toJson()));
                    return array ? new JsonObject().put("subjects", out) : out.getJsonObject(0);
                }),
                201);
    }

    /** Fails with 422 if a subject refers to a district that is neither stored nor in the same request. */
    private Future<Void> checkReferences(List<Subject> parsed) {
        Set<String> referenced = new java.util.HashSet<>();
        parsed.forEach(s -> {
            if (s.district() != null) {
                referenced.add(s.district());
            }
        });
        return subjects.find(referenced).compose(known -> {
            Map<String, Subject> all = new java.util.HashMap<>(known);
            parsed.forEach(s -> all.put(s.id(), s));
            List<RejectedRequestException.FieldError> refErrors = SubjectParser.checkReferences(parsed, all);
            return refErrors.isEmpty()
                    ? Future.succeededFuture()
                    : Future.failedFuture(new InvalidSubjectException(refErrors));
        });
    }

    /**
     * {@code GET /api/v1/subject-kinds}: every kind of subject with its settings and what each allows, for the
     * registration form.
     */
    void listKinds(RoutingContext ctx) {
        JsonArray kinds = new JsonArray();
        new java.util.TreeMap<>(org.targetwatch.config.SubjectKind.registered()).forEach((kind, settings) -> {
            JsonArray list = new JsonArray();
            new java.util.TreeMap<>(settings)
                    .forEach((key, s) ->
                            list.add(new JsonObject().put("key", key).put("rule", s.rule())));
            kinds.add(new JsonObject().put("kind", kind).put("settings", list));
        });
        ErrorMapper.write(ctx, 200, new JsonObject().put("kinds", kinds));
    }

    void updateSubject(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        String id = ctx.pathParam("id");
        List<RejectedRequestException.FieldError> errors = new ArrayList<>();
        Subject s = SubjectParser.parse(body.copy().put("id", id), null, errors);
        if (s == null) {
            throw new InvalidSubjectException(errors);
        }
        checkReferences(List.of(s)).compose(v -> subjects.update(s)).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (!ar.result()) {
                ctx.fail(new NotFoundException("id", "no subject with id '" + id + "'; create it with POST"));
            } else {
                ErrorMapper.write(ctx, 200, s.toJson());
            }
        });
    }
}
