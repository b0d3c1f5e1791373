package org.targetwatch.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.config.AppConfig;

/**
 * The PostgreSQL store: either an embedded server (zonky) whose files live under {@code dataDir/postgres} and
 * survive restarts, or an external server named by {@code TARGETWATCH_DB_URL}. Applies the migrations in
 * {@code db/migration} over JDBC at startup; all data access afterwards goes through the vertx-pg-client
 * {@link #pool()}.
 *
 * <p>Once running, {@link #supervise} probes the database every second: an embedded postmaster that died is
 * started again on the same port (within about 5 s, PostgreSQL's crash recovery included), and an external server
 * is simply retried until it answers; {@link #health()} says which state it is in. The pool reconnects by itself
 * once the server answers again.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Restart attempts of the embedded server in a row after which the server gives up (/health/live 503). */
    static final int MAX_RESTARTS = 3;

    private final Optional<EmbeddedServer> embedded;
    private final PgConnectOptions connectOptions;
    private final Pool pool;
    private final ReadPool readPool;
    private final DatabaseHealth health = new DatabaseHealth();
    private volatile boolean closed;
    private long supervisorTimer = -1;
    private Vertx vertx;
    private int failedRestarts;

    private Database(Optional<EmbeddedServer> embedded, PgConnectOptions connectOptions, Pool pool, ReadPool readPool) {
        this.embedded = embedded;
        this.connectOptions = connectOptions;
        this.pool = pool;
        this.readPool = readPool;
    }

    /**
     * Starts or connects to the database and migrates it. Blocking (1–3 s for the embedded server).
     *
     * @throws StoreUnavailableException if the server cannot be started, reached or migrated
     */
    public static Database open(AppConfig config, Vertx vertx) {
        Optional<EmbeddedServer> embedded = Optional.empty();
        PgConnectOptions options;
        if (config.dbUrl().isPresent()) {
            options = external(config.dbUrl().get());
        } else {
            EmbeddedServer pg = startEmbedded(config.dataDir().resolve("postgres"));
            embedded = Optional.of(pg);
            options = new PgConnectOptions()
                    .setHost("localhost")
                    .setPort(pg.port())
                    .setDatabase("postgres")
                    .setUser("postgres")
                    .setPassword("");
        }
        try {
            migrate(options);
        } catch (SchemaTooNewException e) {
            embedded.ifPresent(Database::closeQuietly);
            throw e;
        } catch (RuntimeException e) {
            embedded.ifPresent(Database::closeQuietly);
            throw new StoreUnavailableException(
                    "cannot migrate the database at " + describe(options) + ": " + rootMessage(e)
                            + (embedded.isPresent() ? "" : ". Check TARGETWATCH_DB_URL and that the server is up."),
                    e);
        }
        // a request waits at most 5 s for a pooled connection (a refused connection fails at once): while the
        // database is away, requests fail fast with 503
        Pool pool = pool(config, vertx, options, io.vertx.core.net.NetClientOptions.DEFAULT_CONNECT_TIMEOUT);
        ReadPool readPool = ReadPool.primaryOnly(pool);
        if (config.dbReadUrl().isPresent()) {
            // not migrated (a standby replays the primary's schema) and not probed here: reads go to the primary
            // until the supervisor's first probe finds the replica a standby that answers; a replica that does
            // not answer is given up within 2 s
            PgConnectOptions replica = external(config.dbReadUrl().get());
            readPool = ReadPool.withReplica(pool, pool(config, vertx, replica, 2000), describe(replica));
            LOG.info("read replica: {} (reports, air pages and exports)", describe(replica));
        }
        LOG.info(
                "database ready: {}",
                embedded.isPresent()
                        ? "embedded PostgreSQL on port " + options.getPort() + ", data in "
                                + config.dataDir().resolve("postgres").toAbsolutePath()
                        : "external " + describe(options));
        return new Database(embedded, options, pool, readPool);
    }

    private static Pool pool(AppConfig config, Vertx vertx, PgConnectOptions options, int connectTimeoutMillis) {
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(config.dbPoolSize())
                        .setConnectionTimeout(5)
                        .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
                .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(connectTimeoutMillis))
                .connectingTo(options.setPipeliningLimit(256).setCachePreparedStatements(true))
                .using(vertx)
                .build();
    }

    private static EmbeddedServer startEmbedded(Path dir) {
        try {
            return EmbeddedServer.start(dir);
        } catch (IOException | RuntimeException e) {
            String why = rootMessage(e);
            String hint = why.contains("cannot be run as root")
                    ? " The embedded server refuses to run as root when user namespaces are unavailable (unshare -U)."
                    : "";
            throw new StoreUnavailableException(
                    "cannot start the embedded PostgreSQL in " + dir.toAbsolutePath()
                            + ": " + why + "." + hint
                            + " Point TargetWatch at an external server instead: "
                            + "TARGETWATCH_DB_URL=postgresql://user:pass@host:5432/db",
                    e);
        }
    }

    /**
     * Starts the supervisor: every second a probe ({@code SELECT 1}) on the pool and, for the embedded server, a
     * look at its postmaster. A dead postmaster is restarted on a worker thread; after {@value #MAX_RESTARTS}
     * failed restarts in a row the server gives up ({@link DatabaseHealth#gaveUp()}) but keeps trying, and a later
     * success clears it.
     */
    public void supervise(Vertx vertx) {
        this.vertx = vertx;
        supervisorTimer = vertx.setPeriodic(1000, id -> check());
    }

    private boolean checking;
    private boolean probingReplica;

    private void check() {
        if (checking || closed) {
            return;
        }
        checking = true;
        health.tick();
        if (embedded.isPresent()) {
            vertx.executeBlocking(
                            () -> {
                                EmbeddedServer pg = embedded.get();
                                if (!pg.alive() && !closed) {
                                    health.down("the embedded PostgreSQL stopped");
                                    LOG.warn("restarting the embedded PostgreSQL (port {})", pg.port());
                                    try {
                                        pg.restart();
                                        failedRestarts = 0;
                                        health.recovered();
                                        LOG.info("embedded PostgreSQL restarted on port {}", pg.port());
                                    } catch (IOException | RuntimeException e) {
                                        if (++failedRestarts >= MAX_RESTARTS) {
                                            health.giveUp("the embedded PostgreSQL could not be restarted "
                                                    + failedRestarts + " times in a row: " + rootMessage(e));
                                        }
                                        LOG.warn(
                                                "restart {} of the embedded PostgreSQL failed: {}",
                                                failedRestarts,
                                                rootMessage(e));
                                    }
                                }
                                return null;
                            },
                            true)
                    .onComplete(ar -> probe());
        } else {
            probe();
        }
    }

    private void probe() {
        pool.query("SELECT 1").execute().onComplete(ar -> {
            checking = false;
            if (readPool.hasReplica() && !probingReplica && !closed) {
                probingReplica = true;
                readPool.probe().onComplete(x -> probingReplica = false);
            }
            if (ar.succeeded()) {
                health.up();
            } else if (DatabaseHealth.isUnavailable(ar.cause())) {
                health.down(rootMessage(ar.cause()));
            }
        });
    }

    /** Whether the database answers, as the supervisor last saw it. */
    public DatabaseHealth health() {
        return health;
    }

    /**
     * Migrates the schema to this version's latest migration (an older schema is upgraded, losing nothing: every
     * migration moves data forward). A schema with migrations this version does not know (applied by a newer
     * version) is refused with {@link SchemaTooNewException} before anything is changed.
     */
    /** The connect options of an external database's {@code postgresql://} (or {@code postgres://}) URL. */
    static PgConnectOptions external(String url) {
        try {
            return PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://"));
        } catch (RuntimeException e) {
            throw new StoreUnavailableException(
                    "TARGETWATCH_DB_URL is not a valid PostgreSQL URL: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the same database (Flyway and COPY use the JDBC driver). */
    static String jdbcUrl(PgConnectOptions o) {
        return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    }

    private static void migrate(PgConnectOptions o) {
        String jdbcUrl = jdbcUrl(o);
        Flyway flyway = Flyway.configure()
                .dataSource(jdbcUrl, o.getUser(), o.getPassword())
                .locations("classpath:db/migration")
                .load();
        org.flywaydb.core.api.MigrationInfoService info = flyway.info();
        java.util.List<String> future = java.util.Arrays.stream(info.all())
                .filter(i -> i.getState().isApplied() && i.getState().name().startsWith("FUTURE"))
                .map(i -> i.getVersion() + " (" + i.getDescription() + ")")
                .toList();
        if (!future.isEmpty()) {
            String known = java.util.Arrays.stream(info.all())
                    .filter(i -> !i.getState().name().startsWith("FUTURE") && i.getVersion() != null)
                    .map(i -> i.getVersion().getVersion())
                    .reduce((a, b) -> b)
                    .orElse("none");
            throw new SchemaTooNewException("the database at " + describe(o) + " was migrated by a newer TargetWatch"
                    + " (schema versions " + String.join(", ", future) + "; this version knows up to " + known
                    + "). Start the newer version again, or restore the backup taken before the upgrade;"
                    + " nothing was changed");
        }
        flyway.migrate();
    }

    static String describe(PgConnectOptions o) {
        return o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static void closeQuietly(EmbeddedServer pg) {
        pg.close();
    }

    public Pool pool() {
        return pool;
    }

    /** Where read-only work goes: the replica of {@code dbReadUrl} while it serves, else {@link #pool()}. */
    public ReadPool readPool() {
        return readPool;
    }

    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Closes the pool, then stops the embedded server if there is one. Blocking: not on an event loop. */
    @Override
    public void close() {
        closed = true;
        if (supervisorTimer >= 0) {
            vertx.cancelTimer(supervisorTimer);
        }
        try {
            readPool.close().await();
        } catch (RuntimeException e) {
            LOG.warn("read replica pool did not close cleanly: {}", e.getMessage());
        }
        try {
            pool.close().await();
        } catch (RuntimeException e) {
            LOG.warn("pool did not close cleanly: {}", e.getMessage());
        }
        embedded.ifPresent(Database::closeQuietly);
    }
}
