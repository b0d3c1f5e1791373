package org.targetwatch.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real streaming replica (a hot standby) of an embedded PostgreSQL, made as {@code pg_basebackup} makes one but
 * through the low-level backup API, because the embedded binaries have no {@code pg_basebackup}: a physical
 * replication slot, {@code pg_backup_start}, a copy of the running primary's data directory (without what the
 * PostgreSQL manual says to leave out), {@code pg_backup_stop}'s {@code backup_label}, then {@code standby.signal}
 * and {@code primary_conninfo}. The standby streams the primary's WAL from the slot from then on.
 */
public final class Replica implements AutoCloseable {
    /** Directories whose contents a base backup leaves out (the directories themselves are kept, empty). */
    private static final Set<String> EMPTIED = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");
    /** Files of the running primary that a base backup leaves out (epg-lock is the embedded library's lock). */
    private static final Set<String> LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private final EmbeddedPostgres pg;
    private final Path dir;

    private Replica(EmbeddedPostgres pg, Path dir) {
        this.pg = pg;
        this.dir = dir;
    }

    /** Makes a standby of the primary (running on {@code primaryDir}, port {@code primaryPort}) in {@code dir}. */
    public static Replica of(int primaryPort, Path primaryDir, Path dir) {
        String slot = "tw_replica_" + Math.abs(dir.hashCode());
        try (Connection c = jdbc(primaryPort);
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
            s.execute("SELECT pg_backup_start('targetwatch-replica-test', true)");
            copy(primaryDir, dir);
            try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                Files.writeString(dir.resolve("backup_label"), rs.getString(1), StandardCharsets.UTF_8);
                String map = rs.getString(2);
                if (map != null && !map.isEmpty()) {
                    Files.writeString(dir.resolve("tablespace_map"), map, StandardCharsets.UTF_8);
                }
            }
            Files.writeString(
                    dir.resolve("postgresql.auto.conf"),
                    "\nprimary_conninfo = 'host=localhost port=" + primaryPort + " user=postgres'\n"
                            + "primary_slot_name = '" + slot + "'\nhot_standby = on\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            Files.createFile(dir.resolve("standby.signal"));
            return start(dir, 0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Replica start(Path dir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false);
        if (port > 0) {
            b.setPort(port);
        }
        return new Replica(b.start(), dir);
    }

    /** The standby started again, after {@link #close}, on its data directory and port: it resumes from its slot. */
    public Replica restarted() {
        try {
            return start(dir, pg.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(from)) {
            all = walk.toList();
        }
        for (Path p : all) {
            Path rel = from.relativize(p);
            boolean emptied =
                    rel.getNameCount() > 1 && EMPTIED.contains(rel.getName(0).toString());
            if (emptied || rel.getNameCount() == 1 && LEFT_OUT.contains(rel.toString())) {
                continue;
            }
            Path target = to.resolve(rel.toString());
            try {
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (NoSuchFileException gone) {
                // removed by the running primary while the copy ran: the WAL replay recreates what is needed
            }
        }
        Files.createDirectories(to.resolve("pg_wal").resolve("archive_status"));
    }

    private static Connection jdbc(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }

    public int port() {
        return pg.getPort();
    }

    /** The standby's postgresql:// URL, as {@code TARGETWATCH_DB_READ_URL} takes it. */
    public String url() {
        return "postgresql://postgres@localhost:" + pg.getPort() + "/postgres";
    }

    /** Runs one statement on the standby (e.g. {@code SELECT pg_wal_replay_pause()}). */
    public void execute(String sql) {
        try (Connection c = jdbc(pg.getPort());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the standby (fast shutdown). */
    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
