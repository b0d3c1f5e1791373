package org.targetwatch.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM; every test class gets a database of its own, so classes never see
 * each other's rows. The server under test reaches it through TARGETWATCH_DB_URL like any external server.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres pg;

    private TestDatabase() {}

    private static synchronized EmbeddedPostgres pg() {
        if (pg == null) {
            try {
                pg = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return pg;
    }

    /** Creates a fresh, empty database and returns its postgresql:// URL. */
    public static String newDatabaseUrl() {
        String name = "tw_test_" + COUNTER.incrementAndGet();
        try (Connection c = pg().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://postgres@localhost:" + pg().getPort() + "/" + name;
    }

    /** The JDBC URL of a database given by its postgresql:// URL (user postgres, no password). */
    public static String jdbc(String dbUrl) {
        return "jdbc:" + dbUrl.replace("postgres@", "");
    }

    /** A fresh database with every migration applied, without a server: its postgresql:// URL. */
    public static String newMigratedDatabaseUrl() {
        String url = newDatabaseUrl();
        org.flywaydb.core.Flyway.configure()
                .dataSource(jdbc(url), "postgres", "")
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return url;
    }

    /** Runs a query returning one number (e.g. a count) against the database of the given URL. */
    public static long scalar(String dbUrl, String sql) {
        String jdbc = jdbc(dbUrl);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rows of a query, each as its columns' text joined by {@code |} (SQL NULL as {@code null}), in the
     * session time zone Asia/Shanghai (times print with +08).
     */
    public static java.util.List<String> rows(String dbUrl, String sql) {
        String jdbc = jdbc(dbUrl);
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'Asia/Shanghai'");
            try (ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        b.append(i > 1 ? "|" : "").append(rs.getString(i));
                    }
                    out.add(b.toString());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Runs a statement (an insert or update a test needs to set up) against the database of the given URL. */
    public static void execute(String dbUrl, String sql) {
        String jdbc = jdbc(dbUrl);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
