package org.targetwatch.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.rules.RuleBuildException;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.rules.TextDiff;
import org.targetwatch.store.RulesetStore;
import org.targetwatch.store.TokenStore;

/** Ruleset versions: the list, diffs, reload, backtests, and the staged candidate. */
final class RulesetsHandler {
    /** The rules directory does not build: every problem with file and line. HTTP 422. */
    static final class InvalidRulesetException extends RejectedRequestException {
        InvalidRulesetException(RuleBuildException e) {
            super(
                    "invalid_ruleset",
                    e.problems().size() + " problem(s); the running ruleset keeps serving",
                    e.problems().stream()
                            .map(p ->
                                    new FieldError(null, p.file() + (p.line() > 0 ? ":" + p.line() : ""), p.message()))
                            .toList());
        }
    }

    private static final int MAX_BACKTEST_DAYS = 400;
    private static final String CURRENT = "current";
    private static final String STAGED = "staged";
    /** A file name in a ruleset upload: a plain name, no directory, no leading dot. */
    private static final java.util.regex.Pattern FILE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\\.(drl|json)");

    private final Vertx vertx;
    private final RuleEngine engine;
    private final RulesetStore rulesets;
    private final Path rulesDir;
    private final Clock clock;
    private final org.targetwatch.review.Jobs jobs;

    RulesetsHandler(
            Vertx vertx,
            RuleEngine engine,
            RulesetStore rulesets,
            Path rulesDir,
            Clock clock,
            org.targetwatch.review.Jobs jobs) {
        this.vertx = vertx;
        this.engine = engine;
        this.rulesets = rulesets;
        this.rulesDir = rulesDir;
        this.clock = clock;
        this.jobs = jobs;
    }

    void listRulesets(RoutingContext ctx) {
        String current = engine.current().version();
        Http.reply(ctx, rulesets.list().map(list -> {
            list.forEach(r -> r.put("current", r.getString("version").equals(current)));
            return new JsonObject().put("current", current).put("rulesets", new JsonArray(list));
        }));
    }

    private Future<JsonObject> diff(String a, String b) {
        // the diff itself runs on a worker thread: it grows with the files' size
        return rulesets.files(a)
                .compose(fa -> rulesets.files(b)
                        .compose(fb -> vertx.executeBlocking(
                                () -> {
                                    Map<String, String> from =
                                            fa.orElseThrow(() -> new NotFoundException("a", "no ruleset version " + a));
                                    Map<String, String> to =
                                            fb.orElseThrow(() -> new NotFoundException("b", "no ruleset version " + b));
                                    JsonArray files = new JsonArray();
                                    TreeSet<String> names = new TreeSet<>(from.keySet());
                                    names.addAll(to.keySet());
                                    for (String name : names) {
                                        String x = from.getOrDefault(name, "");
                                        String y = to.getOrDefault(name, "");
                                        if (x.equals(y)) {
                                            continue;
                                        }
                                        String status = !from.containsKey(name)
                                                ? "added"
                                                : !to.containsKey(name) ? "removed" : "changed";
                                        files.add(new JsonObject()
                                                .put("file", name)
                                                .put("status", status)
                                                .put("diff", TextDiff.unified(x, y, 3)));
                                    }
                                    return new JsonObject()
                                            .put("from", a)
                                            .put("to", b)
                                            .put("files", files);
                                },
                                false)));
    }

    /**
     * A line diff per changed file between two versions; {@code current} names the running version and
     * {@code staged} the staged candidate.
     */
    void diff(RoutingContext ctx) {
        Http.reply(
                ctx,
                resolve(ctx.pathParam("a"), "a")
                        .compose(a -> resolve(ctx.pathParam("b"), "b").compose(b -> diff(a, b))));
    }

    /** A version named in a path: a hash, {@code current} or {@code staged} (404 when nothing is staged). */
    private Future<String> resolve(String name, String field) {
        if (CURRENT.equals(name)) {
            return Future.succeededFuture(engine.current().version());
        } else if (STAGED.equals(name)) {
            return rulesets.staged()
                    .map(s -> s.orElseThrow(() -> new NotFoundException(
                                    field,
                                    "no ruleset is staged (an admin stages one with PUT /api/v1/rulesets/staged)"))
                            .version());
        }
        return Future.succeededFuture(name);
    }

    /**
     * Builds the current rules directory on a worker thread. An invalid ruleset is refused with every problem and
     * the running one keeps serving; a valid one replaces it atomically (requests in flight finish with the
     * ruleset they started with) and is recorded with who loaded it.
     */
    void reload(RoutingContext ctx) {
        TokenStore.Principal p = ctx.get(Access.PRINCIPAL);
        String previous = engine.current().version();
        Future<RuleSet> built = vertx.executeBlocking(() -> RuleSet.build(rulesDir), false);
        Http.reply(
                ctx,
                built.recover(e -> Future.failedFuture(
                                e instanceof RuleBuildException rb ? new InvalidRulesetException(rb) : e))
                        .compose(rs -> rulesets.record(
                                        rs.version(), rs.files(), p.name() + " (" + p.role() + ")", clock.instant())
                                .map(rs))
                        .map(rs -> {
                            engine.swap(rs);
                            return new JsonObject()
                                    .put("version", rs.version())
                                    .put("previousVersion", previous)
                                    .put("changed", !rs.version().equals(previous))
                                    .put("rules", rs.rules().size())
                                    .put("thresholds", rs.thresholds().size());
                        }));
    }

    /**
     * {@code {"from": "2023-01-01", "to": "2023-03-31", "candidate"?: "current" | "staged",
     * "files"?: {"thresholds.json": "..."}}}: the candidate is the current rules directory (or the ruleset an admin
     * staged) with the uploaded data tables laid over it. Supervisors upload data only: a DRL file is code that
     * would run inside the server, so it is refused with 403 and must be staged by an admin. Answers 202 with the
     * job; with {@code ?wait=true}, waits and answers 200 with the result.
     */
    void backtest(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        java.time.LocalDate from = date(body, "from");
        java.time.LocalDate to = date(body, "to");
        if (to.isBefore(from) || to.toEpochDay() - from.toEpochDay() >= MAX_BACKTEST_DAYS) {
            throw new InvalidReviewException(
                    "to", "to must not be before from, and the period at most " + MAX_BACKTEST_DAYS + " days");
        }
        Object base = body.getValue("candidate", CURRENT);
        if (!CURRENT.equals(base) && !STAGED.equals(base)) {
            throw new InvalidReviewException(
                    "candidate",
                    "candidate must be \"current\" (the rules directory) or"
                            + " \"staged\" (the ruleset an admin staged)");
        }
        Map<String, byte[]> uploads = files(body, false);
        boolean wait = "true".equals(Http.param(ctx, "wait"));
        Future<Map<String, byte[]>> baseFiles = STAGED.equals(base)
                ? rulesets.staged()
                        .map(s -> bytes(s.orElseThrow(() -> new InvalidReviewException(
                                        "candidate",
                                        "no ruleset is staged; an admin stages one with PUT /api/v1/rulesets/staged"))
                                .files()))
                : vertx.executeBlocking(() -> RuleSet.read(rulesDir), false);
        Future<RuleSet> candidate = baseFiles.compose(files -> {
            for (String name : uploads.keySet()) {
                if (!files.containsKey(name)) {
                    return Future.failedFuture(new InvalidReviewException(
                            "files." + name,
                            "files." + name
                                    + ": not a data table of the ruleset; supervisors may upload "
                                    + files.keySet().stream()
                                            .filter(n -> n.endsWith(".json"))
                                            .toList()));
                }
            }
            return vertx.executeBlocking(
                    () -> {
                        Map<String, byte[]> merged = new java.util.TreeMap<>(files);
                        merged.putAll(uploads);
                        return RuleSet.build(merged, rulesDir);
                    },
                    false);
        });
        TokenStore.Principal p = ctx.get(Access.PRINCIPAL);
        candidate
                .recover(e ->
                        Future.failedFuture(e instanceof RuleBuildException rb ? new InvalidRulesetException(rb) : e))
                .compose(rs -> {
                    JsonObject files = new JsonObject();
                    rs.files().forEach(files::put);
                    return jobs.submit(
                            "backtest",
                            new JsonObject()
                                    .put("from", from.toString())
                                    .put("to", to.toString())
                                    .put("candidateVersion", rs.version())
                                    .put("files", files),
                            p.name() + " (" + p.role() + ")");
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                        return;
                    }
                    JsonObject job = ar.result();
                    String id = job.getString("id");
                    if (!wait) {
                        ErrorMapper.write(
                                ctx, 202, job.put("links", new JsonObject().put("job", "/api/v1/jobs/" + id)));
                        return;
                    }
                    awaitJob(ctx, id);
                });
    }

    /** Answers 200 with the job once it has finished (polling the jobs table: any instance may run it). */
    private void awaitJob(RoutingContext ctx, String id) {
        boolean[] gone = {false};
        ctx.response().closeHandler(v -> gone[0] = true);
        long[] timer = {0};
        timer[0] = vertx.setPeriodic(
                200,
                t -> jobs.get(id).onSuccess(found -> {
                    if (gone[0]) {
                        vertx.cancelTimer(timer[0]);
                        return;
                    }
                    String status = found.map(j -> j.getString("status")).orElse("failed");
                    if ((status.equals("done") || status.equals("failed"))
                            && !ctx.response().ended()) {
                        vertx.cancelTimer(timer[0]);
                        ErrorMapper.write(ctx, 200, found.orElseThrow());
                    }
                }));
    }

    /**
     * The {@code files} object of an upload: plain {@code .drl}/{@code .json} names with text contents. Unless
     * {@code drlAllowed} (an admin staging), a DRL file is refused with 403: it is code.
     */
    private static Map<String, byte[]> files(JsonObject body, boolean drlAllowed) {
        Map<String, byte[]> uploads = new java.util.TreeMap<>();
        Object files = body.getValue("files");
        if (files == null) {
            return uploads;
        }
        if (!(files instanceof JsonObject f)) {
            throw new InvalidReviewException("files", "files must be an object {\"name.json\": \"text\"}");
        }
        for (String name : f.fieldNames()) {
            if (!FILE_NAME.matcher(name).matches() || !(f.getValue(name) instanceof String)) {
                throw new InvalidReviewException(
                        "files." + name,
                        "files." + name + ": file names are plain .drl or"
                                + " .json names (letters, digits, '_', '-', '.'; no directories), and contents are text");
            }
            if (name.endsWith(".drl") && !drlAllowed) {
                throw new ForbiddenException(
                        "files." + name,
                        "files." + name + ": a DRL file is code that would run"
                                + " inside the server, so only an admin may supply one (PUT /api/v1/rulesets/staged);"
                                + " supervisors backtest data tables (.json) or the staged ruleset (\"candidate\": \"staged\")");
            }
            uploads.put(name, f.getString(name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return uploads;
    }

    private static Map<String, byte[]> bytes(Map<String, String> files) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        files.forEach((k, v) -> out.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * {@code PUT /api/v1/rulesets/staged} (admin) {@code {"files": {"air.drl": "...", ...}, "remove"?: ["x.drl"]}}:
     * the current rules directory with these files laid over it (and those named in {@code remove} left out) is
     * built with every check a live ruleset passes, then stored as the staged candidate (replacing any earlier
     * one). It never runs live: supervisors review its diff and backtest it; an admin puts the files into
     * {@code rules/} and reloads to make it live. 201 with the version; 422 {@code invalid_ruleset} if it does not
     * build (nothing is staged).
     */
    void stage(RoutingContext ctx) {
        JsonObject body = Http.jsonBody(ctx);
        Map<String, byte[]> uploads = files(body, true);
        Object remove = body.getValue("remove");
        List<String> removed = new java.util.ArrayList<>();
        if (remove != null) {
            if (!(remove instanceof JsonArray a)
                    || a.stream()
                            .anyMatch(n -> !(n instanceof String name)
                                    || !FILE_NAME.matcher(name).matches())) {
                throw new InvalidReviewException("remove", "remove must be a list of file names of the ruleset");
            }
            a.forEach(n -> removed.add((String) n));
        }
        if (uploads.isEmpty() && removed.isEmpty()) {
            throw new InvalidReviewException("files", "files (or remove) must name at least one file to stage");
        }
        TokenStore.Principal p = ctx.get(Access.PRINCIPAL);
        String who = p.name() + " (" + p.role() + ")";
        String baseVersion = engine.current().version();
        Future<RuleSet> built = vertx.executeBlocking(
                () -> {
                    Map<String, byte[]> merged = new java.util.TreeMap<>(RuleSet.read(rulesDir));
                    for (String name : removed) {
                        if (merged.remove(name) == null) {
                            throw new InvalidReviewException(
                                    "remove", "remove: " + name + " is not a file of the ruleset");
                        }
                    }
                    merged.putAll(uploads);
                    return RuleSet.build(merged, rulesDir);
                },
                false);
        Instant now = clock.instant();
        Http.reply(
                ctx,
                built.recover(e -> Future.failedFuture(
                                e instanceof RuleBuildException rb ? new InvalidRulesetException(rb) : e))
                        .compose(rs -> rulesets.stage(rs.version(), baseVersion, rs.files(), who, now)
                                .map(v -> stagedJson(new org.targetwatch.store.RulesetStore.Staged(
                                        rs.version(), baseVersion, who, now, rs.files())))),
                201);
    }

    void getStaged(RoutingContext ctx) {
        Http.reply(
                ctx,
                rulesets.staged()
                        .map(s -> stagedJson(s.orElseThrow(() -> new NotFoundException(
                                "staged",
                                "no ruleset is staged (an admin stages one with PUT /api/v1/rulesets/staged)")))));
    }

    void unstage(RoutingContext ctx) {
        rulesets.unstage().onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (!ar.result()) {
                ctx.fail(new NotFoundException("staged", "no ruleset is staged"));
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    private static JsonObject stagedJson(org.targetwatch.store.RulesetStore.Staged s) {
        return new JsonObject()
                .put("version", s.version())
                .put("baseVersion", s.baseVersion())
                .put("stagedBy", s.stagedBy())
                .put(
                        "stagedAt",
                        org.targetwatch.common.Times.format(s.stagedAt().atOffset(java.time.ZoneOffset.UTC)))
                .put("files", new JsonArray(new java.util.ArrayList<>(s.files().keySet())))
                .put("links", new JsonObject().put("diff", "/api/v1/rulesets/current/diff/staged"));
    }

    private static java.time.LocalDate date(JsonObject body, String field) {
        try {
            return java.time.LocalDate.parse(body.getString(field));
        } catch (RuntimeException e) {
            throw new InvalidReviewException(field, field + " must be a date, e.g. 2023-01-01");
        }
    }
}
