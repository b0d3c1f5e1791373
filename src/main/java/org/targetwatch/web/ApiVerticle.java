package org.targetwatch.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.targetwatch.alerts.AlertActions;
import org.targetwatch.common.Telemetry;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.domain.water.WaterStore;
import org.targetwatch.ingest.IngestQueue;
import org.targetwatch.ingest.IngestService;
import org.targetwatch.ingest.ReadingParser;
import org.targetwatch.review.Backtest;
import org.targetwatch.review.Compliance;
import org.targetwatch.review.Jobs;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.DatabaseHealth;
import org.targetwatch.store.JobStore;
import org.targetwatch.store.OutboxStore;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.RuleHitStore;
import org.targetwatch.store.RulesetStore;
import org.targetwatch.store.SilenceStore;
import org.targetwatch.store.SubjectStore;
import org.targetwatch.store.TokenStore;

/**
 * The HTTP server: connection guard, security headers, draining, errors, the {@link Api route table} and the
 * dashboard's static files. Handlers never block: database calls are asynchronous and rules run on worker threads.
 */
public final class ApiVerticle extends VerticleBase {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiVerticle.class);

    private final AppConfig config;
    private final Pool pool;
    /** Where reports, the air pages and exports read (see {@link org.targetwatch.store.ReadPool}). */
    private final org.targetwatch.store.ReadPool readPool;

    private final IndicatorCatalog catalog;
    private final RuleEngine engine;
    private final IngestService ingest;
    private final IngestQueue ingestQueue;
    private final SubjectStore subjects;
    private final ReadingStore readings;
    private final AlertStore alerts;
    private final TokenStore tokens;
    private final AlertActions actions;
    private final OutboxStore outbox;
    private final SilenceStore silences;
    private final RuleHitStore ruleHits;
    private final RulesetStore rulesets;
    private final Telemetry telemetry;
    private final ReadingParser parser;
    private final Clock clock;
    private final DatabaseHealth health;
    private final org.targetwatch.ingest.hj212.Hj212Service hj212;
    private HttpServer server;
    private Hj212Server hj212Server;
    private ConnectionGuard guard;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private Jobs jobs;
    private final org.targetwatch.alerts.Notifier notifier;
    private final org.targetwatch.config.Hj212Codes hj212Codes;

    public ApiVerticle(
            AppConfig config,
            Pool pool,
            org.targetwatch.store.ReadPool readPool,
            IndicatorCatalog catalog,
            RuleEngine engine,
            IngestService ingest,
            SubjectStore subjects,
            ReadingStore readings,
            AlertStore alerts,
            TokenStore tokens,
            AlertActions actions,
            OutboxStore outbox,
            SilenceStore silences,
            RuleHitStore ruleHits,
            RulesetStore rulesets,
            Telemetry telemetry,
            Clock clock,
            DatabaseHealth health,
            org.targetwatch.config.Hj212Codes hj212Codes,
            org.targetwatch.alerts.Notifier notifier) {
        this.notifier = notifier;
        this.hj212Codes = hj212Codes;
        this.config = config;
        this.pool = pool;
        this.readPool = readPool;
        this.catalog = catalog;
        this.engine = engine;
        this.ingest = ingest;
        this.subjects = subjects;
        this.readings = readings;
        this.alerts = alerts;
        this.tokens = tokens;
        this.actions = actions;
        this.outbox = outbox;
        this.silences = silences;
        this.ruleHits = ruleHits;
        this.rulesets = rulesets;
        this.telemetry = telemetry;
        this.clock = clock;
        this.health = health;
        this.ingestQueue =
                new IngestQueue(ingest, telemetry, config.effectiveIngestConcurrency(), config.ingestGroupReadings());
        io.micrometer.core.instrument.Gauge.builder("targetwatch_ingest_waiting", ingestQueue, IngestQueue::waiting)
                .description("reading requests waiting for an ingest transaction")
                .register(telemetry.registry());
        this.parser = new ReadingParser(
                catalog, config.maxBatchReadings(), Duration.ofSeconds(config.futureToleranceSeconds()));
        this.hj212 = new org.targetwatch.ingest.hj212.Hj212Service(
                parser, ingestQueue, subjects, hj212Codes, telemetry, clock);
    }

    @Override
    public Future<?> start() {
        AirStore air = new AirStore();
        Compliance compliance = new Compliance(readPool, subjects, air, new WaterStore(), engine);
        org.targetwatch.review.TargetsOverview targetsOverview =
                new org.targetwatch.review.TargetsOverview(readPool, subjects, engine);
        jobs = new Jobs(vertx, new JobStore(pool));
        org.targetwatch.store.ImportStore imports = new org.targetwatch.store.ImportStore(pool);
        org.targetwatch.ingest.Importer importer = new org.targetwatch.ingest.Importer(
                vertx, imports, parser, ingestQueue, subjects, hj212Codes, notifier, clock);
        jobs.register(
                "import",
                (params, progress) -> importer.run(
                                java.util.UUID.fromString(params.getString("import")),
                                new org.targetwatch.ingest.Importer.Progress() {
                                    @Override
                                    public void progress(long done, long total) {
                                        progress.progress(done, total);
                                    }

                                    @Override
                                    public boolean stopping() {
                                        return progress.stopping();
                                    }
                                })
                        .recover(e -> Future.failedFuture(
                                e instanceof org.targetwatch.ingest.Importer.Stopped
                                        ? new Jobs.Interrupted(e.getMessage())
                                        : e)));
        jobs.register(
                "backtest", new Backtest(pool, readings, subjects, ingest, engine).asJob(vertx, config.rulesDir()));
        jobs.start(); // its timers end with this verticle
        guard = new ConnectionGuard(vertx, config.requestTimeoutSeconds(), config.maxConnectionsPerClient());
        org.targetwatch.store.AuditStore audit = new org.targetwatch.store.AuditStore(pool);
        // the audit log keeps auditRetentionDays: older entries are deleted at start and every hour
        Runnable purge = () -> audit.purge(
                        clock.instant().minus(java.time.Duration.ofDays(config.auditRetentionDays())))
                .onSuccess(n -> {
                    if (n > 0) {
                        LOG.info("audit log: {} entries older than {} days deleted", n, config.auditRetentionDays());
                    }
                })
                .onFailure(e -> LOG.warn("audit log retention not applied: {}", e.toString()));
        purge.run();
        vertx.setPeriodic(3_600_000, id -> purge.run());

        Router router = Router.router(vertx);
        Exports exports = new Exports(vertx, config.maxExportRows());
        router.route().handler(this::track);
        router.route().failureHandler(ctx -> ErrorMapper.handle(ctx, health));
        router.errorHandler(404, ErrorMapper::handle);
        router.errorHandler(405, ErrorMapper::handle);
        Api.routes(
                router,
                new Api.Handlers(
                        new Access(config, tokens),
                        new HealthHandler(pool, readPool, engine, health),
                        PrometheusScrapingHandler.create(telemetry.registry()),
                        new RulesHandler(engine, catalog, ruleHits),
                        new SubjectsHandler(subjects),
                        new AirHandler(readPool, subjects, air, engine),
                        compliance,
                        new TargetsHandler(targetsOverview, subjects),
                        new ReportsHandler(
                                vertx,
                                new org.targetwatch.review.Briefing(
                                        readPool, subjects, air, compliance, targetsOverview, engine),
                                subjects,
                                clock),
                        new ReadingsHandler(
                                exports, parser, ingestQueue, readings, ReadingStore.forReads(readPool), clock),
                        new AlertsHandler(exports, alerts, new AlertStore(readPool), outbox, actions, silences, clock),
                        ctx -> AlertStream.open(ctx, vertx, pool, tokens),
                        new SilencesHandler(silences, clock),
                        new TokensHandler(vertx, tokens),
                        new RuleHitsHandler(exports, ruleHits, new RuleHitStore(readPool), alerts, clock),
                        new RulesetsHandler(vertx, engine, rulesets, config.rulesDir(), clock, jobs),
                        new JobsHandler(jobs),
                        new Hj212Handler(hj212),
                        new ImportsHandler(vertx, imports, jobs, config.dataDir(), config.maxImportBytes(), clock),
                        new ReceiversHandler(notifier.routing(), outbox, clock),
                        new AuditHandler(audit, clock),
                        config.maxBodyBytes()));
        router.route("/webjars/*")
                .handler(StaticHandler.create("META-INF/resources/webjars")
                        .setCachingEnabled(true)
                        .setMaxAgeSeconds(86400));
        router.route("/*")
                .handler(StaticHandler.create("webroot")
                        .setIndexPage("index.html")
                        .setCachingEnabled(false));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setCompressionSupported(true)
                // HTTP/1.1 only: with h2c detection the connection (and its guard) would wait for the first bytes
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(config.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
        Future<?> http = server.connectionHandler(guard::opened)
                .requestHandler(guard.requests(router))
                .listen();
        if (config.hj212Port() < 0) {
            return http;
        }
        hj212Server = new Hj212Server(hj212);
        return http.compose(x -> hj212Server.listen(vertx, config.httpHost(), config.hj212Port()));
    }

    /** The port the HJ 212 listener bound, or -1 when it is off ({@code hj212Port} -1). */
    public int actualHj212Port() {
        return hj212Server == null ? -1 : hj212Server.actualPort();
    }

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
        ctx.response()
                .headers()
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
            ctx.request().params(); // decodes the query string once: a malformed one is the client's error
        } catch (IllegalArgumentException e) {
            ErrorMapper.write(
                    ctx, 400, ErrorMapper.error("invalid_parameter", "malformed query string: " + e.getMessage()));
            return;
        }
        inFlight.incrementAndGet();
        boolean[] done = {false};
        HttpConnection connection = ctx.request().connection();
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
    public void drain(Duration timeout) {
        draining = true;
        if (jobs != null) {
            // a running import stops at its next station-day and is queued again for whoever starts next
            jobs.stopAndRelease(timeout);
        }
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
}
