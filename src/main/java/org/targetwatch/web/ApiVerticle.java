package org.targetwatch.web;

import org.targetwatch.common.Times;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import org.targetwatch.config.AppConfig;
import org.targetwatch.facts.Threshold;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.ingest.IngestService;
import org.targetwatch.ingest.MalformedRequestException;
import org.targetwatch.ingest.ReadingParser;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.domain.air.AirSummary;
import org.targetwatch.store.SubjectStore;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.SubjectParser;
import org.targetwatch.common.RejectedRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.targetwatch.store.TokenStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** The HTTP API. Handlers never block: database calls are asynchronous and rules run on worker threads. */
public final class ApiVerticle extends VerticleBase {
    public static final String OFFICER = "officer";
    public static final String RISK_OFFICE = "risk-office";
    public static final String SUPERVISOR = "supervisor";
    public static final String ADMIN = "admin";
    static final Set<String> ROLES = Set.of(OFFICER, RISK_OFFICE, SUPERVISOR, ADMIN);
    static final String PRINCIPAL = "principal";
    private static final int MAX_LIST_LIMIT = 10_000;
    /** Longest free text (a silence's reason, an annotation's comment; alert actions take 4,000 too). */
    static final int MAX_TEXT = 4000;
    /** Longest silence: its end at most this many days from now. */
    static final int MAX_SILENCE_DAYS = 366;

    private final AppConfig config;
    private final Pool pool;
    private final IndicatorCatalog catalog;
    private final RuleEngine engine;
    private final IngestService ingest;
    private final org.targetwatch.ingest.IngestQueue ingestQueue;
    private final SubjectStore subjects;
    private final ReadingStore readings;
    private final AlertStore alerts;
    private final TokenStore tokens;
    private final AirStore air = new AirStore();
    private org.targetwatch.review.Compliance compliance;
    private final org.targetwatch.alerts.AlertActions actions;
    private final org.targetwatch.store.OutboxStore outbox;
    private final org.targetwatch.store.SilenceStore silences;
    private final org.targetwatch.store.RuleHitStore ruleHits;
    private final org.targetwatch.store.RulesetStore rulesets;
    private final org.targetwatch.common.Telemetry telemetry;
    private final ReadingParser parser;
    private final Clock clock;
    private final org.targetwatch.store.DatabaseHealth health;
    private HttpServer server;
    private ConnectionGuard guard;

    public ApiVerticle(AppConfig config, Pool pool, IndicatorCatalog catalog, RuleEngine engine,
                       IngestService ingest, SubjectStore subjects, ReadingStore readings, AlertStore alerts,
                       TokenStore tokens, org.targetwatch.alerts.AlertActions actions,
                       org.targetwatch.store.OutboxStore outbox, org.targetwatch.store.SilenceStore silences,
                       org.targetwatch.store.RuleHitStore ruleHits, org.targetwatch.store.RulesetStore rulesets,
                       org.targetwatch.common.Telemetry telemetry, Clock clock, org.targetwatch.store.DatabaseHealth health) {
        this.health = health;
        this.telemetry = telemetry;
        this.ruleHits = ruleHits;
        this.rulesets = rulesets;
        this.silences = silences;
        this.subjects = subjects;
        this.actions = actions;
        this.outbox = outbox;
        this.config = config;
        this.pool = pool;
        this.catalog = catalog;
        this.engine = engine;
        this.ingest = ingest;
        this.ingestQueue = new org.targetwatch.ingest.IngestQueue(ingest, telemetry,
                config.effectiveIngestConcurrency(),
                config.ingestGroupReadings());
        io.micrometer.core.instrument.Gauge.builder("targetwatch_ingest_waiting", ingestQueue,
                        org.targetwatch.ingest.IngestQueue::waiting)
                .description("reading requests waiting for an ingest transaction").register(telemetry.registry());
        this.readings = readings;
        this.alerts = alerts;
        this.tokens = tokens;
        this.clock = clock;
        this.parser = new ReadingParser(catalog, config.maxBatchReadings(),
                java.time.Duration.ofSeconds(config.futureToleranceSeconds()));
    }

    @Override
    public Future<?> start() {
        compliance = new org.targetwatch.review.Compliance(pool, subjects, air, new org.targetwatch.domain.water.WaterStore(),
                engine);
        guard = new ConnectionGuard(vertx, config.requestTimeoutSeconds(), config.maxConnectionsPerClient());
        Router router = Router.router(vertx);
        router.route().handler(this::track);
        router.route().failureHandler(ctx -> ErrorMapper.handle(ctx, health));
        router.errorHandler(404, ErrorMapper::handle);
        router.errorHandler(405, ErrorMapper::handle);

        router.get("/health/live").handler(this::live);
        router.get("/metrics").handler(io.vertx.micrometer.PrometheusScrapingHandler.create(telemetry.registry()));
        router.get("/health/ready").handler(this::ready);

        router.route("/api/v1/*").method(io.vertx.core.http.HttpMethod.POST).method(io.vertx.core.http.HttpMethod.PUT)
                .handler(BodyTypes::check);
        router.route("/api/v1/*").method(io.vertx.core.http.HttpMethod.POST).method(io.vertx.core.http.HttpMethod.PUT)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        router.route("/api/v1/*").handler(this::authenticate);

        router.get("/api/v1/whoami").handler(this::whoAmI);
        router.get("/api/v1/indicators").handler(this::listIndicators);
        router.get("/api/v1/rules").handler(this::listRules);
        router.get("/api/v1/subjects").handler(this::listSubjects);
        router.get("/api/v1/subjects/:id").handler(this::getSubject);
        router.post("/api/v1/subjects").handler(roles(ADMIN)).handler(this::createSubjects);
        router.put("/api/v1/subjects/:id").handler(roles(ADMIN)).handler(this::updateSubject);
        router.get("/api/v1/air/daily").handler(roles(OFFICER, RISK_OFFICE, SUPERVISOR)).handler(this::airDaily);
        router.get("/api/v1/air/summary").handler(roles(OFFICER, RISK_OFFICE, SUPERVISOR)).handler(this::airSummary);
        router.get("/api/v1/air/days").handler(roles(OFFICER, RISK_OFFICE, SUPERVISOR)).handler(this::airDays);
        router.get("/api/v1/compliance").handler(roles(OFFICER, RISK_OFFICE, SUPERVISOR)).handler(ctx -> {
            int year = yearParam(ctx);
            ReviewApi.reply(ctx, compliance.overview(year));
        });
        router.post("/api/v1/readings").handler(roles(OFFICER)).handler(this::postReadings);
        router.get("/api/v1/readings").handler(roles(OFFICER, RISK_OFFICE, SUPERVISOR)).handler(this::listReadings);
        router.get("/api/v1/alerts").handler(roles(RISK_OFFICE, SUPERVISOR)).handler(this::listAlerts);
        router.get("/api/v1/alerts/stream").handler(roles(RISK_OFFICE, SUPERVISOR))
                .handler(ctx -> AlertStream.open(ctx, vertx, pool, tokens));
        router.get("/api/v1/alerts/:id").handler(roles(RISK_OFFICE, SUPERVISOR)).handler(this::getAlert);
        router.get("/api/v1/alerts/:id/history").handler(roles(RISK_OFFICE, SUPERVISOR)).handler(this::alertHistory);
        router.get("/api/v1/alerts/:id/deliveries").handler(roles(RISK_OFFICE, SUPERVISOR))
                .handler(this::alertDeliveries);
        router.post("/api/v1/alerts/:id/approve-resolve").handler(roles(SUPERVISOR))
                .handler(ctx -> alertAction(ctx, "approve-resolve"));
        for (String action : List.of("ack", "assign", "resolve", "comment")) {
            router.post("/api/v1/alerts/:id/" + action).handler(roles(RISK_OFFICE, SUPERVISOR))
                    .handler(ctx -> alertAction(ctx, action));
        }
        router.post("/api/v1/silences").handler(roles(SUPERVISOR)).handler(this::createSilence);
        router.get("/api/v1/silences").handler(roles(RISK_OFFICE, SUPERVISOR)).handler(this::listSilences);
        router.post("/api/v1/silences/:id/expire").handler(roles(SUPERVISOR)).handler(this::expireSilence);
        router.post("/api/v1/tokens").handler(roles(ADMIN)).handler(this::createToken);
        org.targetwatch.review.Backtest backtest = new org.targetwatch.review.Backtest(pool, readings, subjects,
                ingest, engine);
        org.targetwatch.review.Jobs jobs = new org.targetwatch.review.Jobs(vertx,
                new org.targetwatch.store.JobStore(pool));
        jobs.register("backtest", backtest.asJob(vertx, config.rulesDir()));
        jobs.start();   // its timers end with this verticle
        new ReviewApi(vertx, engine, ruleHits, rulesets, alerts, config.rulesDir(), clock, jobs).mount(router);
        router.delete("/api/v1/tokens/:id").handler(roles(ADMIN)).handler(this::revokeToken);

        router.route("/webjars/*").handler(io.vertx.ext.web.handler.StaticHandler.create("META-INF/resources/webjars")
                .setCachingEnabled(true).setMaxAgeSeconds(86400));
        router.route("/*").handler(io.vertx.ext.web.handler.StaticHandler.create("webroot")
                .setIndexPage("index.html").setCachingEnabled(false));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.httpHost()).setPort(config.httpPort())
                .setCompressionSupported(true)
                // HTTP/1.1 only: with h2c detection the connection (and its guard) would wait for the first bytes
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(config.idleTimeoutSeconds()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS));
        return server.connectionHandler(guard::opened).requestHandler(guard.requests(router)).listen();
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;

    /**
     * The dashboard's Content-Security-Policy: scripts, styles, images and API calls from this server only, no
     * inline script or style attribute, no plugins, no framing, no base-URI or form hijacking.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /**
     * Sets the security headers of every response; counts requests in flight; while draining, refuses new ones
     * with 503 so that a load balancer retries elsewhere.
     */
    private void track(RoutingContext ctx) {
        ctx.response().headers()
                .set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer");
        if (draining) {
            ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
            ErrorMapper.write(ctx, 503, ErrorMapper.error("shutting_down", "the server is shutting down; retry"));
            return;
        }
        try {
            ctx.request().params();   // decodes the query string once: a malformed one is the client's error
        } catch (IllegalArgumentException e) {
            ErrorMapper.write(ctx, 400, ErrorMapper.error("invalid_parameter", "malformed query string: "
                    + e.getMessage()));
            return;
        }
        inFlight.incrementAndGet();
        boolean[] done = {false};
        io.vertx.core.http.HttpConnection connection = ctx.request().connection();
        Runnable finish = () -> {
            if (!done[0]) {
                done[0] = true;
                inFlight.decrementAndGet();
                guard.responded(connection);
            }
        };
        ctx.addEndHandler(v -> finish.run());
        ctx.next();
    }

    /**
     * Graceful shutdown, step one: stop taking requests and wait (blocking, at most {@code timeout}) until those in
     * flight have been answered. Call from a non-event-loop thread.
     */
    public void drain(java.time.Duration timeout) {
        draining = true;
        long until = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int actualPort() {
        return server.actualPort();
    }

    // ---- access ----

    private void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ctx.fail(new UnauthenticatedException("missing bearer token: send 'Authorization: Bearer <token>'"));
            return;
        }
        String secret = header.substring(7).strip();
        Optional<String> admin = config.adminToken();
        if (admin.isPresent() && MessageDigest.isEqual(admin.get().getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
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
                ctx.fail(new ForbiddenException("role '" + p.role() + "' may not " + ctx.request().method() + " "
                        + ctx.request().path() + "; allowed: " + String.join(", ", allowed)));
            }
        };
    }

    // ---- handlers ----

    /** 200 while the server can serve; 503 once it has given up on its database, so that it is restarted. */
    private void live(RoutingContext ctx) {
        if (health.gaveUp()) {
            ErrorMapper.write(ctx, 503, new JsonObject().put("status", "DOWN").put("reason", health.gaveUpReason()));
            return;
        }
        ErrorMapper.write(ctx, 200, new JsonObject().put("status", "UP"));
    }

    private void ready(RoutingContext ctx) {
        pool.query("SELECT 1").execute().onComplete(ar -> {
            JsonObject body = new JsonObject()
                    .put("database", ar.succeeded() ? "UP" : "DOWN")
                    .put("rulesetVersion", engine.current().version());
            body.put("status", ar.succeeded() ? "UP" : "DOWN");
            ErrorMapper.write(ctx, ar.succeeded() ? 200 : 503, body);
        });
    }

    private void whoAmI(RoutingContext ctx) {
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        ErrorMapper.write(ctx, 200, new JsonObject().put("id", p.id()).put("name", p.name()).put("role", p.role()));
    }

    private void listIndicators(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        catalog.all().forEach(i -> list.add(i.toJson()));
        ErrorMapper.write(ctx, 200, new JsonObject().put("indicators", list));
    }

    private void listRules(RoutingContext ctx) {
        RuleSet rs = engine.current();
        JsonArray rules = new JsonArray();
        rs.rules().forEach(r -> rules.add(r.toJson()));
        JsonArray thresholds = new JsonArray();
        for (Threshold t : rs.thresholds()) {
            thresholds.add(new JsonObject().put("id", t.id()).put("kind", t.kind()).put("indicator", t.indicator())
                    .put("statistic", t.statistic()).put("op", t.op()).put("value", t.value())
                    .put("unit", t.unit()).put("severity", t.severity()).put("strength", t.strength())
                    .put("source", t.source()).put("status", t.status())
                    .put("configurable", !"CONFIRMED".equals(t.status()))
                    .put("enabled", t.enabled())
                    .put("effectiveFrom", t.effectiveFrom().toString())
                    .put("effectiveTo", t.effectiveTo() == null ? null : t.effectiveTo().toString())
                    .put("decimals", t.decimals()).put("fromSetting", t.fromSetting())
                    .put("description", t.description()));
        }
        JsonArray targets = new JsonArray();
        rs.targets().forEach(t -> targets.add(t.toJson()));
        ruleHits.totals().onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            rules.forEach(o -> ((JsonObject) o).put("hits", ar.result().getLong(((JsonObject) o).getString("name"), 0L)));
            ErrorMapper.write(ctx, 200, new JsonObject().put("rulesetVersion", rs.version()).put("rules", rules)
                    .put("thresholds", thresholds).put("targets", targets));
        });
    }

    private void postReadings(RoutingContext ctx) {
        boolean csv = BodyTypes.isCsv(ctx);
        ReadingParser.ParsedBatch batch;
        try {
            String label = param(ctx, "hourLabel");
            if (label != null && !org.targetwatch.ingest.HourLabels.LABELS.contains(label)) {
                throw new InvalidParameterException("hourLabel", "hourLabel must be start (an hourly value is"
                        + " labelled by the start of its hour, the default) or end (by its end: 16:00 for 15:00-16:00)");
            }
            batch = csv ? parser.parseCsv(ctx.body().buffer(), clock.instant())
                    : parser.parse(ctx.body().buffer(), clock.instant());
            batch = batch.withHourLabel(label);
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        ingestQueue.submit(batch, p.id()).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ErrorMapper.write(ctx, 201, ar.result().toJson());
            }
        });
    }

    private void listSubjects(RoutingContext ctx) {
        subjects.list(param(ctx, "kind"), param(ctx, "region")).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                JsonArray list = new JsonArray();
                ar.result().forEach(s -> list.add(s.toJson()));
                ErrorMapper.write(ctx, 200, new JsonObject().put("subjects", list));
            }
        });
    }

    private void getSubject(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!SubjectParser.ID.matcher(id).matches()) {
            ctx.fail(new NotFoundException("id", "no subject with id '" + id.replaceAll("\\p{Cntrl}", "?")
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

    /** One subject object or an array; all or nothing. 201 with the subjects, 409 if an id exists. */
    private void createSubjects(RoutingContext ctx) {
        Object decoded = org.targetwatch.ingest.StrictJson.decode(ctx.body().buffer(), InvalidSubjectException::new);
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
                errors.add(new RejectedRequestException.FieldError(index, "id", "id '" + s.id()
                        + "' appears twice in this request"));
            } else if (s != null) {
                parsed.add(s);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubjectException(errors);
        }
        checkReferences(parsed).compose(v -> subjects.insert(parsed)).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                JsonArray out = new JsonArray();
                parsed.forEach(s -> out.add(s.toJson()));
                ErrorMapper.write(ctx, 201, array ? new JsonObject().put("subjects", out) : out.getJsonObject(0));
            }
        });
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
            return refErrors.isEmpty() ? Future.succeededFuture()
                    : Future.failedFuture(new InvalidSubjectException(refErrors));
        });
    }

    private void updateSubject(RoutingContext ctx) {
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

    private void airDaily(RoutingContext ctx) {
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

    private void airSummary(RoutingContext ctx) {
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
        subjects.find(List.of(subject)).compose(found -> {
            Subject s = found.get(subject);
            if (s == null) {
                return Future.failedFuture(new NotFoundException("subject", "no subject '" + subject + "'"));
            }
            // a station is judged under its district's airStandardFrom
            Future<LocalDate> standardFrom = s.district() == null ? Future.succeededFuture(s.airStandardFrom())
                    : subjects.find(List.of(s.district())).map(ds -> ds.containsKey(s.district())
                            ? ds.get(s.district()).airStandardFrom() : Subject.NATIONWIDE_AIR_STANDARD_FROM);
            return standardFrom.compose(from -> air.days(pool, subject, LocalDate.of(year - 1, 1, 1),
                    LocalDate.of(year, 12, 31)).map(days -> AirSummary.build(subject, s.kind(), year, days,
                    rs.thresholds(), from)));
        }).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ErrorMapper.write(ctx, 200, ar.result());
            }
        });
    }

    /** Daily air statistics of a subject from {@code from} to {@code to} (dates, inclusive). */
    private void airDays(RoutingContext ctx) {
        String subject = required(ctx, "subject");
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
        ReviewApi.reply(ctx, air.dayDetails(pool, subject, from, to)
                .map(list -> new JsonObject().put("subject", subject).put("days", new JsonArray(list))));
    }

    private static int yearParam(RoutingContext ctx) {
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

    private static String required(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            throw new InvalidParameterException(name, name + " is required");
        }
        return v;
    }

    private void listReadings(RoutingContext ctx) {
        ReadingStore.Filter filter = new ReadingStore.Filter(
                param(ctx, "indicator"), param(ctx, "subject"), instantParam(ctx, "from"), instantParam(ctx, "to"),
                limit(ctx), "all".equals(param(ctx, "revisions")));
        readings.list(filter).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ErrorMapper.write(ctx, 200, new JsonObject().put("readings", new JsonArray(ar.result())));
            }
        });
    }

    private void listAlerts(RoutingContext ctx) {
        alerts.list(param(ctx, "status"), param(ctx, "category"), param(ctx, "subject"), limit(ctx))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else {
                        ErrorMapper.write(ctx, 200, new JsonObject().put("alerts", new JsonArray(ar.result())));
                    }
                });
    }

    private void getAlert(RoutingContext ctx) {
        long id = idParam(ctx);
        alerts.get(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(new NotFoundException("id", "no alert with id " + id));
            } else {
                ErrorMapper.write(ctx, 200, ar.result().get());
            }
        });
    }

    private void alertHistory(RoutingContext ctx) {
        long id = idParam(ctx);
        alerts.get(id).compose(found -> found.isEmpty()
                        ? Future.<List<JsonObject>>failedFuture(new NotFoundException("id", "no alert with id " + id))
                        : alerts.history(id))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else {
                        ErrorMapper.write(ctx, 200, new JsonObject().put("alertId", id)
                                .put("history", new JsonArray(ar.result())));
                    }
                });
    }

    private void alertDeliveries(RoutingContext ctx) {
        long id = idParam(ctx);
        alerts.get(id).compose(found -> found.isEmpty()
                        ? Future.<List<JsonObject>>failedFuture(new NotFoundException("id", "no alert with id " + id))
                        : outbox.forAlert(id))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else {
                        ErrorMapper.write(ctx, 200, new JsonObject().put("alertId", id)
                                .put("deliveries", new JsonArray(ar.result())));
                    }
                });
    }

    private void alertAction(RoutingContext ctx, String action) {
        long id = idParam(ctx);
        JsonObject body = jsonBody(ctx);
        String ifMatch = ctx.request().getHeader("If-Match");
        if (ifMatch != null && body.getValue("version") == null) {
            try {
                body.put("version", Integer.parseInt(ifMatch.replace("\"", "").strip()));
            } catch (NumberFormatException e) {
                throw new InvalidParameterException("If-Match", "If-Match must hold the alert version, e.g. \"3\"");
            }
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        actions.act(id, action, body, p.name() + " (" + p.role() + ")", p.id(), SUPERVISOR.equals(p.role()))
                .onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ctx.response().putHeader("ETag", "\"" + ar.result().alert().getInteger("version") + "\"");
                ErrorMapper.write(ctx, 200, ar.result().alert());
            }
        });
    }

    /**
     * {@code {"matchers": {"category": [...], "severity": [...], "region": [...], "subject": [...], "rule": [...]},
     * "startsAt", "endsAt", "reason", "recurrence"?: {"daysOfWeek": [1..7], "startTime": "02:00", "endTime": "04:00"}}}.
     */
    private void createSilence(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        Object m = body.getValue("matchers");
        if (!(m instanceof JsonObject matchers) || matchers.isEmpty()) {
            throw new InvalidSilenceException("matchers", "matchers is required: an object such as"
                    + " {\"subject\": [\"station-01\"]}; a silence matching everything is refused");
        }
        for (String k : matchers.fieldNames()) {
            if (!org.targetwatch.facts.Silence.KEYS.contains(k) || !(matchers.getValue(k) instanceof JsonArray a)
                    || a.isEmpty() || a.stream().anyMatch(v -> !(v instanceof String))) {
                throw new InvalidSilenceException("matchers." + k, "matchers." + k + ": must be one of "
                        + org.targetwatch.facts.Silence.KEYS + " with a non-empty list of strings");
            }
        }
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
            throw new InvalidSilenceException("endsAt", "endsAt must be within " + MAX_SILENCE_DAYS + " days from"
                    + " now: a silence hides breaches, so a longer one is renewed on purpose");
        }
        Object rawRecurrence = body.getValue("recurrence");
        if (rawRecurrence != null && !(rawRecurrence instanceof JsonObject)) {
            throw new InvalidSilenceException("recurrence", "recurrence must be an object {\"daysOfWeek\": [1..7],"
                    + " \"startTime\": \"HH:mm\", \"endTime\": \"HH:mm\"}");
        }
        JsonObject recurrence = (JsonObject) rawRecurrence;
        if (recurrence != null) {
            try {
                java.time.LocalTime from = java.time.LocalTime.parse(recurrence.getString("startTime"));
                java.time.LocalTime to = java.time.LocalTime.parse(recurrence.getString("endTime"));
                JsonArray days = recurrence.getJsonArray("daysOfWeek");
                if (!to.isAfter(from) || days == null || days.isEmpty()
                        || days.stream().anyMatch(d -> !(d instanceof Integer i) || i < 1 || i > 7)) {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                throw new InvalidSilenceException("recurrence", "recurrence needs daysOfWeek (1 = Monday .. 7),"
                        + " startTime and a later endTime (HH:mm, Asia/Shanghai)");
            }
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        silences.insert(matchers, start, end, recurrence, p.name() + " (" + p.role() + ")", r.strip())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else {
                        ErrorMapper.write(ctx, 201, ar.result().toJson(clock.instant()));
                    }
                });
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

    private void listSilences(RoutingContext ctx) {
        silences.list(limit(ctx)).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                JsonArray list = new JsonArray();
                ar.result().forEach(s -> list.add(s.toJson(clock.instant())));
                ErrorMapper.write(ctx, 200, new JsonObject().put("silences", list));
            }
        });
    }

    private void expireSilence(RoutingContext ctx) {
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

    private void createToken(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        Object name = body.getValue("name");
        Object role = body.getValue("role");
        if (!(name instanceof String n) || n.isBlank() || n.length() > 200) {
            throw new InvalidTokenRequestException("name", "name is required: a string of 1 to 200 characters");
        }
        if (!(role instanceof String r) || !ROLES.contains(r)) {
            throw new InvalidTokenRequestException("role", "role must be one of officer, risk-office, supervisor, admin");
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        tokens.create(n.strip(), r, p.id()).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                TokenStore.Created c = ar.result();
                ErrorMapper.write(ctx, 201, new JsonObject().put("id", c.id()).put("name", c.name())
                        .put("role", c.role()).put("token", c.secret()));
            }
        });
    }

    private void revokeToken(RoutingContext ctx) {
        long id = idParam(ctx);
        tokens.revoke(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (!ar.result()) {
                ctx.fail(new NotFoundException("id", "no token with id " + id));
            } else {
                vertx.eventBus().publish(AlertStream.REVOKED_ADDRESS, id);   // its streams here end at once
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    /**
     * The request body as a JSON object, read by {@link org.targetwatch.ingest.StrictJson}: 400 if it is not one
     * (or has a key twice, or is not UTF-8), 422 naming the field for text that cannot be stored. An empty body is
     * an empty object.
     */
    static JsonObject jsonBody(RoutingContext ctx) {
        return org.targetwatch.ingest.StrictJson.decodeObject(ctx.body().buffer(), InvalidRequestException::new);
    }

    // ---- parameters ----

    /** A query parameter, stripped; null if absent or blank; 400 naming it if it holds a control character. */
    static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v != null && org.targetwatch.ingest.StrictJson.textProblem(v) != null) {
            throw new InvalidParameterException(name, name + " " + org.targetwatch.ingest.StrictJson.textProblem(v));
        }
        return v == null || v.isBlank() ? null : v.strip();
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
                throw new InvalidParameterException(name, name + " must be an ISO-8601 date-time with offset"
                        + " (2023-03-01T00:00:00+08:00) or a date (2023-03-01)");
            }
        }
    }
}
