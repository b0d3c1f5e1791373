package org.targetwatch;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.alerts.AlertActions;
import org.targetwatch.alerts.AlertService;
import org.targetwatch.alerts.Delivery;
import org.targetwatch.alerts.Notifier;
import org.targetwatch.alerts.Routing;
import org.targetwatch.alerts.Watchdog;
import org.targetwatch.common.TargetWatchException;
import org.targetwatch.common.Telemetry;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.domain.Domain;
import org.targetwatch.domain.DomainModule;
import org.targetwatch.ingest.IngestService;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.Database;
import org.targetwatch.store.OutboxStore;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.RuleHitStore;
import org.targetwatch.store.RulesetStore;
import org.targetwatch.store.SilenceStore;
import org.targetwatch.store.SubjectStore;
import org.targetwatch.store.TokenStore;
import org.targetwatch.web.ApiVerticle;

/**
 * One running server: configuration checked, rules built, database started and migrated, HTTP listening. Built
 * in the order that fails fastest (catalog, rules, then the database). Used by {@link Main} and by the tests.
 */
public final class TargetWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetWatch.class);

    private final Vertx vertx;
    private final Database database;
    private final ApiVerticle api;
    private final RuleEngine engine;

    private final Optional<String> bootstrapAdminToken;
    private List<Runnable> background = List.of();

    private TargetWatch(
            Vertx vertx, Database database, ApiVerticle api, RuleEngine engine, Optional<String> bootstrapAdminToken) {
        this.vertx = vertx;
        this.database = database;
        this.api = api;
        this.engine = engine;
        this.bootstrapAdminToken = bootstrapAdminToken;
    }

    /**
     * Starts everything; blocking. On failure everything already started is stopped again and the exception
     * (a {@link TargetWatchException} subclass for known causes) is rethrown.
     */
    public static TargetWatch start(AppConfig config, Clock clock) {
        IndicatorCatalog catalog = IndicatorCatalog.load(config.indicatorsFile());
        org.targetwatch.config.Hj212Codes hj212Codes =
                org.targetwatch.config.Hj212Codes.load(config.hj212File(), catalog);
        Routing routing = Routing.load(config.routingFile(), System.getenv());
        org.targetwatch.alerts.Templates templates =
                org.targetwatch.alerts.Templates.load(config.templatesDir(), routing);
        long t0 = System.nanoTime();
        RuleSet ruleSet = RuleSet.build(config.rulesDir());
        LOG.info(
                "ruleset {} built from {}: {} rules, {} thresholds in {} ms",
                ruleSet.version(),
                config.rulesDir().toAbsolutePath().normalize(),
                ruleSet.rules().size(),
                ruleSet.thresholds().size(),
                (System.nanoTime() - t0) / 1_000_000);
        Telemetry telemetry = new Telemetry();
        Vertx vertx = Vertx.builder()
                .with(new io.vertx.core.VertxOptions()
                        .setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions()
                                .setEnabled(true)
                                .setJvmMetricsEnabled(true)))
                .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(telemetry.registry()))
                .build();
        // a connection that fails with no request on it (an idle pooled connection, the LISTEN connection when the
        // database goes away) reports here: an outage is logged once by DatabaseHealth, anything else once each
        vertx.exceptionHandler(org.targetwatch.store.DatabaseHealth::connectionFailed);
        Database database = null;
        try {
            database = Database.open(config, vertx);
            TokenStore tokens = new TokenStore(database.pool());
            Optional<String> bootstrapToken = bootstrapAdmin(config, tokens);
            org.targetwatch.store.Partitions partitions =
                    new org.targetwatch.store.Partitions(database.pool(), clock, config.retentionMonths());
            ReadingStore readings = new ReadingStore(database.pool(), partitions);
            AlertStore alerts = new AlertStore(database.pool());
            RuleEngine engine = new RuleEngine(vertx, ruleSet, telemetry);
            SubjectStore subjects = new SubjectStore(database.pool());
            OutboxStore outbox = new OutboxStore(database.pool());
            RuleHitStore ruleHits = new RuleHitStore(database.pool());
            RulesetStore rulesets = new RulesetStore(database.pool());
            rulesets.record(ruleSet.version(), ruleSet.files(), "startup", clock.instant())
                    .await();
            SilenceStore silences = new SilenceStore(database.pool());
            Notifier notifier = new Notifier(routing, outbox, silences, subjects);
            // the registered domain modules, in the order they derive (see DomainModule.order)
            List<Domain> domains = DomainModule.all(new DomainModule.Services(subjects, readings, catalog));
            IngestService ingest = new IngestService(
                    database.pool(),
                    readings,
                    domains,
                    new AlertService(
                            alerts,
                            notifier,
                            ruleHits,
                            config.maxAlertsPerRule(),
                            new org.targetwatch.alerts.LiveWindow(
                                    java.time.Duration.ofHours(config.liveWindowHours()),
                                    code -> catalog.find(code)
                                            .map(org.targetwatch.config.Indicator::missingAfterMinutes)
                                            .orElse(null))),
                    engine,
                    clock,
                    telemetry);
            ApiVerticle api = new ApiVerticle(
                    config,
                    database.pool(),
                    database.readPool(),
                    catalog,
                    engine,
                    ingest,
                    subjects,
                    readings,
                    alerts,
                    tokens,
                    new AlertActions(database.pool(), alerts, notifier, clock),
                    outbox,
                    silences,
                    ruleHits,
                    rulesets,
                    telemetry,
                    clock,
                    database.health(),
                    hj212Codes,
                    notifier);
            vertx.deployVerticle(api).await();
            database.supervise(vertx);
            io.vertx.pgclient.pubsub.PgSubscriber subscriber = listenForEvents(vertx, database);
            Database db = database;
            telemetry.refresh(db.pool());
            vertx.setPeriodic(5000, id -> telemetry.refresh(db.pool()));
            Delivery delivery = new Delivery(
                    vertx,
                    outbox,
                    routing,
                    new org.targetwatch.alerts.Channels(templates, config.publicUrl()),
                    new org.targetwatch.alerts.Inhibitor(routing, database.pool(), alerts, outbox),
                    clock,
                    config.deliveryBackoffMillis(),
                    config.deliveryThrottleMillis(),
                    telemetry);
            delivery.start(config.deliveryPollMillis());
            Watchdog watchdog = new Watchdog(
                    vertx,
                    database.pool(),
                    alerts,
                    readings,
                    silences,
                    notifier,
                    routing,
                    catalog,
                    clock,
                    java.time.Duration.ofHours(config.liveWindowHours()));
            watchdog.start(config.watchPollMillis());
            partitions.start(vertx);
            LOG.info("TargetWatch listening on http://{}:{}", config.httpHost(), api.actualPort());
            if (api.actualHj212Port() >= 0) {
                LOG.info(
                        "HJ 212 listener for data loggers on tcp://{}:{} ({} pollutant codes)",
                        config.httpHost(),
                        api.actualHj212Port(),
                        hj212Codes.all().size());
            }
            TargetWatch tw = new TargetWatch(vertx, database, api, engine, bootstrapToken);
            tw.background =
                    List.of(delivery::stop, watchdog::stop, () -> partitions.stop(vertx), () -> subscriber.close());
            return tw;
        } catch (RuntimeException e) {
            if (database != null) {
                database.close();
            }
            vertx.close().await();
            throw e;
        }
    }

    /**
     * LISTEN on the alert-event channel: a commit with new alert events on any instance wakes this instance's
     * alert streams at once (they also poll every second, so a lost connection only adds latency).
     */
    private static io.vertx.pgclient.pubsub.PgSubscriber listenForEvents(Vertx vertx, Database database) {
        io.vertx.pgclient.pubsub.PgSubscriber subscriber = io.vertx.pgclient.pubsub.PgSubscriber.subscriber(
                vertx, new io.vertx.pgclient.PgConnectOptions(database.connectOptions()));
        subscriber.reconnectPolicy(retries -> 1000L);
        subscriber
                .channel(org.targetwatch.store.AlertStore.EVENTS_CHANNEL)
                .handler(payload -> vertx.eventBus().publish(org.targetwatch.web.AlertStream.WAKE_ADDRESS, null));
        subscriber
                .connect()
                .onSuccess(v -> subscriber
                        .actualConnection()
                        .exceptionHandler(org.targetwatch.store.DatabaseHealth::connectionFailed))
                .onFailure(
                        e -> LOG.warn("cannot LISTEN for alert events ({}); streams poll every second", e.toString()));
        // the subscriber reconnects by itself with a new connection that has no exception handler (its failures
        // would be printed as stack traces): give each one the handler that logs outages once
        vertx.setPeriodic(1000, id -> {
            io.vertx.pgclient.PgConnection c = subscriber.actualConnection();
            if (c != null) {
                c.exceptionHandler(org.targetwatch.store.DatabaseHealth::connectionFailed);
            }
        });
        return subscriber;
    }

    /** Without TARGETWATCH_ADMIN_TOKEN and with no admin token stored, creates one and logs it this once. */
    private static Optional<String> bootstrapAdmin(AppConfig config, TokenStore tokens) {
        if (config.adminToken().isPresent() || tokens.anyActiveAdmin().await()) {
            return Optional.empty();
        }
        TokenStore.Created created = tokens.create("bootstrap-admin", org.targetwatch.web.Access.ADMIN, null)
                .await();
        LOG.warn("""

                ================================================================================
                No admin token existed, so one was created. It is shown only this once:

                    {}

                Use it as 'Authorization: Bearer <token>' to create officer, risk-office and
                supervisor tokens (POST /api/v1/tokens). Or set TARGETWATCH_ADMIN_TOKEN.
                ================================================================================""", created.secret());
        return Optional.of(created.secret());
    }

    /** The admin token this start created because none existed (also logged once), if it did. */
    public Optional<String> bootstrapAdminToken() {
        return bootstrapAdminToken;
    }

    public int port() {
        return api.actualPort();
    }

    /** The HJ 212 listener's port, or -1 when it is off. */
    public int hj212Port() {
        return api.actualHj212Port();
    }

    /** The database (embedded or external) the server runs on. */
    public org.targetwatch.store.Database database() {
        return database;
    }

    public RuleEngine engine() {
        return engine;
    }

    /**
     * Graceful shutdown (SIGTERM runs it through {@link Main}'s hook): refuse new requests, let those in flight
     * finish (up to 10 s; each commits before it answers), stop timers and HTTP, close the pool, stop the embedded
     * database. Undelivered notifications stay in the outbox for the next start. Blocking.
     */
    @Override
    public void close() {
        api.drain(java.time.Duration.ofSeconds(10));
        background.forEach(Runnable::run);
        database.close();
        try {
            vertx.close().await();
        } catch (RuntimeException e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
        }
    }
}
