package org.targetwatch.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.targetwatch.config.AppConfig;

/**
 * Backup and restore of the whole database, online, with PostgreSQL's {@code COPY} through the JDBC driver (the
 * embedded binaries have no {@code pg_dump}).
 *
 * <p>A backup is a ZIP file: {@code manifest.json} (format, schema version, time, every table with its rows and
 * the SHA-256 of its data, every sequence's value) and {@code data/<table>.copy}, each table in COPY's text format,
 * ordered by its primary key. All of it is read in one {@code REPEATABLE READ} transaction: one consistent snapshot
 * while the server goes on writing. Ruleset versions, readings, alerts, their history, rule hits, tokens, subjects
 * and the outbox are all tables, so all are in it.
 *
 * <p>A restore goes into an empty database only (a fresh data directory, or an external database none of whose
 * tables holds a row, as a failed restore leaves it): it migrates the schema to the backup's version, copies every table in one transaction
 * with triggers and foreign keys held back ({@code session_replication_role = replica}), sets the sequences,
 * and checks each table's rows and checksum against the manifest. Starting the server then migrates further if it
 * is newer, and files rows into their monthly partitions.
 */
public final class Backup implements AutoCloseable {
    public static final String FORMAT = "targetwatch-backup";
    public static final int FORMAT_VERSION = 1;

    /** Why a backup or restore did not happen: the message says what to do. */
    public static final class RefusedException extends RuntimeException {
        public final int exitCode;

        public RefusedException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedServer started;
    private final String where;

    private Backup(String jdbcUrl, String user, String password, EmbeddedServer started, String where) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.started = started;
        this.where = where;
    }

    /**
     * The database of {@code config}: the external one ({@code TARGETWATCH_DB_URL}), or the embedded one of the
     * data directory: the running server's postmaster if there is one, else started here (and stopped on close).
     *
     * @param create for a restore: start a fresh data directory when there is none
     */
    public static Backup open(AppConfig config, boolean create) {
        if (config.dbUrl().isPresent()) {
            PgConnectOptions o = Database.external(config.dbUrl().get());
            return new Backup(Database.jdbcUrl(o), o.getUser(), o.getPassword(), null, Database.describe(o));
        }
        Path dir = config.dataDir().resolve("postgres");
        Optional<Integer> running = EmbeddedServer.runningPort(dir);
        if (running.isPresent()) {
            return embedded(running.get(), null, dir);
        }
        if (!create && !Files.exists(dir.resolve("PG_VERSION"))) {
            throw new RefusedException(2, "no database in " + dir.toAbsolutePath() + " (TARGETWATCH_DATA_DIR)");
        }
        try {
            EmbeddedServer pg = EmbeddedServer.start(dir);
            return embedded(pg.port(), pg, dir);
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException(
                    "cannot start the embedded PostgreSQL in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Backup embedded(int port, EmbeddedServer started, Path dir) {
        return new Backup(
                "jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres",
                "",
                started,
                "the embedded PostgreSQL in " + dir.toAbsolutePath());
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Writes a backup to {@code file} (through a temporary file beside it, so a failed one leaves nothing). */
    public JsonObject backup(Path file, Instant now) throws IOException, SQLException {
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        JsonObject manifest;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            String version = schemaVersion(c);
            JsonArray tables = new JsonArray();
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                for (String table : tables(c)) {
                    zip.putNextEntry(new ZipEntry("data/" + table + ".copy"));
                    MessageDigest sha = sha256();
                    long rows = copy.copyOut(
                            "COPY (SELECT * FROM " + quote(table) + " ORDER BY " + orderBy(c, table) + ") TO STDOUT",
                            new DigestOutputStream(unclosable(zip), sha));
                    zip.closeEntry();
                    tables.add(new JsonObject()
                            .put("name", table)
                            .put("rows", rows)
                            .put("sha256", HexFormat.of().formatHex(sha.digest())));
                }
                manifest = new JsonObject()
                        .put("format", FORMAT)
                        .put("formatVersion", FORMAT_VERSION)
                        .put("createdAt", now.toString())
                        .put("schemaVersion", version)
                        .put("tables", tables)
                        .put("sequences", sequences(c));
                zip.putNextEntry(new ZipEntry("manifest.json"));
                zip.write(manifest.encodePrettily().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            c.rollback();
        } catch (IOException | SQLException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return manifest;
    }

    /** Restores {@code file} into this (empty) database; returns the manifest. */
    public JsonObject restore(Path file) throws IOException, SQLException {
        ZipFile opened;
        try {
            opened = new ZipFile(file.toFile());
        } catch (java.util.zip.ZipException e) {
            throw new RefusedException(2, file + " is no TargetWatch backup (not a ZIP file: " + e.getMessage() + ")");
        }
        try (ZipFile zip = opened) {
            ZipEntry m = zip.getEntry("manifest.json");
            if (m == null) {
                throw new RefusedException(2, file + " is no TargetWatch backup (no manifest.json)");
            }
            JsonObject manifest;
            try (InputStream in = zip.getInputStream(m)) {
                manifest = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (!FORMAT.equals(manifest.getString("format"))
                    || manifest.getInteger("formatVersion", 0) > FORMAT_VERSION) {
                throw new RefusedException(
                        2, file + " is no TargetWatch backup of format " + FORMAT_VERSION + " or older");
            }
            String version = manifest.getString("schemaVersion");
            try (Connection c = connect()) {
                if (holdsRows(c)) {
                    throw new RefusedException(
                            6,
                            where + " is not empty: a backup is restored into a fresh data directory (or an empty"
                                    + " database) only, so that nothing is mixed or overwritten");
                }
            }
            Flyway flyway = Flyway.configure()
                    .dataSource(jdbcUrl, user, password)
                    .locations("classpath:db/migration")
                    .target(version)
                    .load();
            boolean known = java.util.Arrays.stream(flyway.info().all())
                    .anyMatch(i -> i.getVersion() != null
                            && i.getVersion().getVersion().equals(version));
            if (!known) {
                throw new RefusedException(
                        5,
                        "the backup's schema version " + version + " is newer than this TargetWatch knows;"
                                + " restore it with that version or a newer one");
            }
            flyway.migrate();
            try (Connection c = connect()) {
                c.setAutoCommit(false);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL session_replication_role = replica");
                    List<String> present = tables(c);
                    if (!present.isEmpty()) {
                        // rows a migration wrote (none today): the backup's are the ones to keep
                        st.execute("TRUNCATE "
                                + String.join(
                                        ", ",
                                        present.stream().map(Backup::quote).toList()));
                    }
                }
                for (Object o : manifest.getJsonArray("tables")) {
                    JsonObject t = (JsonObject) o;
                    String table = t.getString("name");
                    ZipEntry e = zip.getEntry("data/" + table + ".copy");
                    if (e == null) {
                        throw new RefusedException(2, file + " lacks the data of table " + table);
                    }
                    MessageDigest sha = sha256();
                    long rows;
                    try (InputStream in = new DigestInputStream(zip.getInputStream(e), sha)) {
                        rows = copy.copyIn("COPY " + quote(table) + " FROM STDIN", in);
                    }
                    String sum = HexFormat.of().formatHex(sha.digest());
                    if (rows != t.getLong("rows") || !sum.equals(t.getString("sha256"))) {
                        throw new RefusedException(
                                1,
                                "table " + table + " of " + file + " is damaged: " + rows + " rows, SHA-256 " + sum
                                        + "; the manifest says " + t.getLong("rows") + " and " + t.getString("sha256")
                                        + ". Nothing was restored");
                    }
                }
                try (Statement st = c.createStatement()) {
                    for (Object o : manifest.getJsonArray("sequences", new JsonArray())) {
                        JsonObject s = (JsonObject) o;
                        st.execute("SELECT setval(" + literal(quote(s.getString("name"))) + ", "
                                + s.getLong("lastValue") + ", " + s.getBoolean("isCalled") + ")");
                    }
                    // Rows of months without their partition went to the default partitions: they are filed into
                    // their months here, in the restore's transaction, so that no reader ever sees them moving
                    // (the server's start-up maintenance would otherwise move them while it already serves).
                    for (String family : new java.util.TreeSet<>(Partitions.FAMILIES.keySet())) {
                        st.execute("SELECT tw_split_default(" + literal(family) + ")");
                    }
                }
                c.commit();
            }
            return manifest;
        }
    }

    /**
     * Whether any table holds a row (a schema without rows, as a failed restore leaves it, may be restored into).
     */
    private static boolean holdsRows(Connection c) throws SQLException {
        for (String table : tables(c)) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + quote(table) + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Tables of the schema (partitioned ones as a whole, not their partitions), Flyway's history left out. */
    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                          AND c.relname <> 'flyway_schema_history'
                        ORDER BY c.relname""")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The primary key's columns, or every column: an order that makes a table's data the same for the same rows. */
    private static String orderBy(Connection c, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (var ps = c.prepareStatement("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
                  AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = ?::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""")) {
            ps.setString(1, quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(quote(rs.getString(1)));
                }
            }
        }
        if (cols.isEmpty()) {
            try (var ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
                ps.setString(1, quote(table));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    for (int i = 1; i <= rs.getInt(1); i++) {
                        cols.add(Integer.toString(i));
                    }
                }
            }
        }
        return String.join(", ", cols);
    }

    private static JsonArray sequences(Connection c) throws SQLException {
        JsonArray out = new JsonArray();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT sequencename, last_value, last_value IS NOT NULL AS called
                        FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename""")) {
            while (rs.next()) {
                long last = rs.getLong(2);
                boolean called = rs.getBoolean(3);
                out.add(new JsonObject()
                        .put("name", rs.getString(1))
                        .put("lastValue", called ? last : 1)
                        .put("isCalled", called));
            }
        }
        return out;
    }

    private static String schemaVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
                        ORDER BY installed_rank DESC LIMIT 1""")) {
            if (!rs.next()) {
                throw new RefusedException(2, "the database has no TargetWatch schema");
            }
            return rs.getString(1);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code out} with close() left to its owner (the ZIP stream outlives each entry). */
    private static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Stops the embedded PostgreSQL this started (one the server runs is left alone). */
    @Override
    public void close() {
        if (started != null) {
            started.close();
        }
    }
}
