package org.targetwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.targetwatch.rules.RuleSet;

/**
 * The benchmark suite (run by {@code bench/run}, not by the tests): starts PostgreSQL (zonky, in this process) and
 * the real server as a separate process on it with the real rules/, drives it over HTTP from this process, and
 * prints every figure with the machine's core count; the figures are also written to
 * {@code target/bench/results.json}. Options: {@code --bulk-readings N} (200000), {@code --single-seconds S} (60),
 * {@code --single-rate R} (1000 requests/s), {@code --single-warmup-seconds W} (40, not measured),
 * {@code --single-settle-seconds S} (10: the last seconds of the warm-up, after its ANALYZE),
 * {@code --size-readings N} (10000000), {@code --size-hits N} (1000000), {@code --backtest-from D}, {@code
 * --backtest-to D} (2023-11-01, 2023-12-31), {@code --jmh true|false},
 * {@code --bulk-warmup-readings N} (50000, not measured),
 * {@code --only start,reload,bulk,single,size,jmh} (a subset of the phases; default all), {@code --server-jvm
 * "ARGS"} (extra JVM options of the server, e.g. a flight recording), {@code --server-env NAME=VALUE,...}
 * (server settings), {@code --pg-statements true} (prints the statements that took most of PostgreSQL's time
 * during bulk ingest and during single readings, from pg_stat_statements), {@code --pg-config name=value,...}
 * (PostgreSQL settings, for experiments), {@code --single-analyze false} (experiment: no ANALYZE between the
 * single-reading warm-up and run).
 */
public final class LoadDriver {
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String[] POLLUTANTS = {"PM2_5", "PM10", "SO2", "NO2", "CO", "O3"};
    private final JsonObject results = new JsonObject();
    private final Map<String, String> options = new java.util.HashMap<>();
    private Process server;
    private int port;

    public static void main(String[] args) throws Exception {
        LoadDriver d = new LoadDriver();
        for (int i = 0; i + 1 < args.length; i += 2) {
            d.options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        d.run();
    }

    /** {@code --only bulk,single} runs only the named phases (start, reload, bulk, import, single, size, backtest, jmh); default all. */
    private boolean phase(String name) {
        String only = options.get("only");
        return only == null || java.util.Arrays.asList(only.split(",")).contains(name);
    }

    private long opt(String name, long def) {
        return Long.parseLong(options.getOrDefault(name, String.valueOf(def)));
    }

    private void run() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        results.put("cores", cores)
                .put("java", System.getProperty("java.version"))
                .put("date", OffsetDateTime.now(ZoneOffset.UTC).toString());
        say("TargetWatch benchmarks on " + cores + " cores, Java " + System.getProperty("java.version"));
        if (phase("start")) {
            coldStart();
        }
        if (phase("reload")) {
            buildTime();
        }
        // durable commits, as the server's own embedded database has them (the library's defaults, fsync and
        // synchronous_commit off, are for throwaway test databases); --pg-synchronous-commit off is an experiment
        // only: it shows how much of the latency is WAL flush
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", options.getOrDefault("pg-synchronous-commit", "on"));
        boolean statements = Boolean.parseBoolean(options.getOrDefault("pg-statements", "false"));
        if (statements) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            builder.setServerConfig("pg_stat_statements.track_planning", "on");
        }
        if (options.containsKey("pg-config")) {
            // experiment only: PostgreSQL settings as name=value,name=value
            for (String kv : options.get("pg-config").split(",")) {
                String[] p = kv.split("=", 2);
                builder.setServerConfig(p[0], p[1]);
            }
        }
        try (EmbeddedPostgres pg = builder.start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bench");
                try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    postmasterPid = parentOf(rs.getLong(1));
                }
            }
            if (statements) {
                try (Connection c = DriverManager.getConnection(
                                "jdbc:postgresql://localhost:" + pg.getPort() + "/bench", "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION pg_stat_statements");
                }
            }
            String url = "postgresql://postgres@localhost:" + pg.getPort() + "/bench";
            String jdbc = "jdbc:postgresql://localhost:" + pg.getPort() + "/bench";
            startServer(Map.of("TARGETWATCH_DB_URL", url));
            try {
                setUp();
                if (phase("reload")) {
                    reload();
                }
                if (phase("bulk")) {
                    bulk(jdbc);
                }
                if (phase("import")) {
                    importPhase(jdbc);
                }
                if (phase("single")) {
                    single(jdbc);
                    if (statements) {
                        printStatements(jdbc);
                    }
                }
                if (phase("size")) {
                    size(jdbc);
                }
                if (phase("backtest")) {
                    backtest(jdbc);
                }
            } finally {
                stopServer();
            }
        }
        if (phase("jmh") && Boolean.parseBoolean(options.getOrDefault("jmh", "true"))) {
            jmh();
        }
        Path out = Path.of("target/bench/results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, results.encodePrettily());
        say("figures written to " + out.toAbsolutePath());
    }

    // ---- 4. start and reload ----

    private void coldStart() throws Exception {
        Path data = Files.createTempDirectory("tw-bench-data");
        long t0 = System.nanoTime();
        startServer(Map.of("TARGETWATCH_DATA_DIR", data.toString()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        stopServer();
        results.put("coldStartToReadySeconds", round(seconds));
        say(String.format(
                "start: process start to ready with the embedded database (new data dir): %.2f s (goal ≤ 8 s)",
                seconds));
    }

    private void buildTime() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            RuleSet.build(Path.of("rules"));
            best = Math.min(best, System.nanoTime() - t0);
        }
        results.put("rulesetBuildMillisWarm", round(best / 1e6));
        say(String.format("reload: full ruleset build in process, best of 5: %.0f ms", best / 1e6));
    }

    private void reload() throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = post("/api/v1/rulesets/reload", ADMIN, "{}");
            times.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("reload failed: " + r.body());
            }
        }
        times.sort(Double::compare);
        results.put("reloadMillisMedian", round(times.get(2))).put("reloadMillisMax", round(times.get(4)));
        say(String.format(
                "reload: POST /api/v1/rulesets/reload median %.0f ms, max %.0f ms (goal ≤ 1000 ms)",
                times.get(2), times.get(4)));
    }

    // ---- set-up ----

    private String officer;
    private String risk;
    private static final int STATIONS = 100;

    private void setUp() throws Exception {
        officer = token("officer");
        risk = token("risk-office");
        JsonArray subjects = new JsonArray();
        for (int d = 0; d < 10; d++) {
            subjects.add(new JsonObject()
                    .put("id", "bd-" + d)
                    .put("kind", "district")
                    .put("name", "District " + d));
        }
        for (int s = 0; s < STATIONS; s++) {
            subjects.add(new JsonObject()
                    .put("id", "bs-" + s)
                    .put("kind", "air-station")
                    .put("name", "Station " + s)
                    .put("settings", new JsonObject().put("district", "bd-" + (s % 10))));
        }
        check(post("/api/v1/subjects", ADMIN, subjects.encode()), 201);
    }

    private String token(String role) throws Exception {
        HttpResponse<String> r = post(
                "/api/v1/tokens",
                ADMIN,
                new JsonObject().put("name", "bench " + role).put("role", role).encode());
        check(r, 201);
        return new JsonObject(r.body()).getString("token");
    }

    // ---- 1. bulk ingest ----

    private static final int BULK_BATCH = 1000;
    private static final int BULK_CONNECTIONS = 4;

    /**
     * Hourly readings of all stations and pollutants, hour by hour from 2023-01-01, in requests of 1,000, after a
     * warm-up of {@code bulk-warmup-readings} (50,000; not measured: JIT, connections) of 2022.
     */
    private void bulk(String jdbc) throws Exception {
        long warmup = opt("bulk-warmup-readings", 50_000);
        if (warmup > 0) {
            say("bulk ingest: warming up with " + warmup + " readings (not measured: JIT, connections)");
            bulk(jdbc, OffsetDateTime.parse("2022-01-01T00:00:00+08:00"), warmup, false);
            analyze(jdbc);
        }
        bulk(jdbc, OffsetDateTime.parse("2023-01-01T00:00:00+08:00"), opt("bulk-readings", 200_000), true);
    }

    private void bulk(String jdbc, OffsetDateTime start, long total, boolean report) throws Exception {
        int batch = BULK_BATCH;
        int connections = BULK_CONNECTIONS;
        // each connection posts the readings of its own stations (station % connections), as officers of different
        // stations would: requests for one station serialise on its subject lock by design
        List<List<String>> lanes = new ArrayList<>();
        List<JsonArray> current = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            lanes.add(new ArrayList<>());
            current.add(new JsonArray());
        }
        List<String[]> rows = hourlyRows(start, total);
        for (String[] r : rows) {
            int lane = Integer.parseInt(r[1].substring(3)) % connections;
            current.get(lane)
                    .add(new JsonObject()
                            .put("indicator", r[0])
                            .put("subject", r[1])
                            .put("observedAt", r[2])
                            .put("value", Double.parseDouble(r[3]))
                            .put("unit", r[4]));
            if (current.get(lane).size() == batch) {
                lanes.get(lane).add(current.get(lane).encode());
                current.set(lane, new JsonArray());
            }
        }
        for (int c = 0; c < connections; c++) {
            if (!current.get(c).isEmpty()) {
                lanes.get(c).add(current.get(c).encode());
            }
        }
        int requests = lanes.stream().mapToInt(List::size).sum();
        java.util.Queue<Double> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicLong failed = new AtomicLong();
        RssSampler rss = new RssSampler(server.pid());
        long[] cpuBefore = cpuMillis();
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int lane = c;
            fs.add(pool.submit(() -> {
                for (String body : lanes.get(lane)) {
                    long s0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = post("/api/v1/readings", officer, body);
                        if (r.statusCode() != 201) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    latencies.add((System.nanoTime() - s0) / 1e6);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] cpuAfter = cpuMillis();
        pool.shutdown();
        rss.stop();
        double rate = total / seconds;
        // CPU per reading (µs) of the server and of PostgreSQL: where the path's cost lies, steadier than the rate
        double serverCpu = (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) * 1000.0 / total;
        double postgresCpu = (cpuAfter[2] + cpuAfter[3] - cpuBefore[2] - cpuBefore[3]) * 1000.0 / total;
        if (!report) {
            return;
        }
        if (Boolean.parseBoolean(options.getOrDefault("pg-statements", "false"))) {
            printStatements(jdbc);
        }
        double copyRate = copy(jdbc, rows, false);
        double copyShapeRate = copy(jdbc, rows, true);
        double insertRate = insertCeiling(jdbc, rows);
        List<Double> sorted = new ArrayList<>(latencies);
        sorted.sort(Double::compare);
        results.put(
                "bulk",
                new JsonObject()
                        .put("readings", total)
                        .put("requests", requests)
                        .put("batch", batch)
                        .put("connections", connections)
                        .put("failedRequests", failed.get())
                        .put("readingsPerSecond", round(rate))
                        .put("p50Millis", round(pct(sorted, 50)))
                        .put("p99Millis", round(pct(sorted, 99)))
                        .put("copyRowsPerSecond", round(copyRate))
                        .put("ratioToCopy", Math.round(rate / copyRate * 1000) / 1000.0)
                        .put("insertOnlyRowsPerSecond", round(insertRate))
                        .put("insertOnlyRatioToCopy", Math.round(insertRate / copyRate * 1000) / 1000.0)
                        .put("copyIntoReadingsShapeRowsPerSecond", round(copyShapeRate))
                        .put("copyIntoReadingsShapeRatioToCopy", Math.round(copyShapeRate / copyRate * 1000) / 1000.0)
                        .put("serverPeakRssMB", rss.peakMb())
                        .put("serverCpuMicrosPerReading", round(serverCpu))
                        .put("postgresCpuMicrosPerReading", round(postgresCpu)));
        say(String.format(
                "bulk ingest: %d readings in %d requests of %d over %d connections: %.0f readings/s,"
                        + " p50 %.0f ms, p99 %.0f ms, %d failed",
                total, requests, batch, connections, rate, pct(sorted, 50), pct(sorted, 99), failed.get()));
        say(String.format(
                "bulk ingest: CPU per reading: server %.1f µs, PostgreSQL %.1f µs (%.0f %% of the %d cores busy)",
                serverCpu,
                postgresCpu,
                (serverCpu + postgresCpu) * rate / 1e6 / Runtime.getRuntime().availableProcessors() * 100,
                Runtime.getRuntime().availableProcessors()));
        say(String.format(
                "bulk ingest: PostgreSQL COPY of the same rows into a bare table: %.0f rows/s;"
                        + " ratio %.3f (goal ≥ 0.25)",
                copyRate, rate / copyRate));
        say(String.format(
                "bulk ingest: ceiling: the same rows by INSERT ... unnest (1,000 per transaction) into a"
                        + " table with the key and indexes of readings, nothing else: %.0f rows/s; ratio %.3f to COPY",
                insertRate, insertRate / copyRate));
        say(String.format(
                "bulk ingest: ceiling: the same rows by one COPY into a table with the key and indexes of"
                        + " readings, nothing else: %.0f rows/s; ratio %.3f to COPY",
                copyShapeRate, copyShapeRate / copyRate));
        say(String.format("size: peak RSS of the server during bulk ingest: %d MB (goal ≤ 768 MB)", rss.peakMb()));
        storage(jdbc);
        if (options.containsKey("peer-result")) {
            JsonObject peer = new JsonObject(Files.readString(Path.of(options.get("peer-result"))));
            double zabbix = peer.getDouble("sustainedValuesPerSecond");
            peer.put("targetwatchBulkReadingsPerSecond", round(rate))
                    .put("ratio", zabbix > 0 ? Math.round(rate / zabbix * 100) / 100.0 : null);
            results.put("peer", peer);
            say(String.format(
                    "bulk ingest vs the peer measured just before (%s): %.0f readings/s vs %.0f values/s sustained:"
                            + " ratio %.2f (goal ≥ 3)",
                    peer.getString("peer"), rate, zabbix, rate / zabbix));
        }
    }

    /**
     * {@code total} hourly readings (indicator, subject, observedAt, value, unit) of all stations and pollutants, hour
     * by hour from {@code start}: the shape of bulk ingest and of the import phase.
     */
    private static List<String[]> hourlyRows(OffsetDateTime start, long total) {
        List<String[]> rows = new ArrayList<>();
        long n = 0;
        for (int hour = 0; n < total; hour++) {
            String at = start.plusHours(hour).toString();
            for (int s = 0; s < STATIONS && n < total; s++) {
                for (String p : POLLUTANTS) {
                    if (n >= total) {
                        break;
                    }
                    double v = p.equals("CO") ? 0.5 + (s % 7) * 0.3 : 20 + ((s * 13 + hour * 7) % 90);
                    rows.add(new String[] {p, "bs-" + s, at, String.valueOf(v), p.equals("CO") ? "mg/m3" : "ug/m3"});
                    n++;
                }
            }
        }
        return rows;
    }

    // ---- 1b. import ----

    /**
     * An import job ({@code POST /api/v1/imports}) of {@code import-readings} (200,000) hourly readings of the bulk
     * shape from 2021-01-01, as one CSV, timed from the upload to {@code done} (staged, applied, evaluated,
     * committed); then the same rows by one {@code COPY} into a table with the key and indexes of {@code readings},
     * the yardstick of the import goal (≥ 0.5 ×). Before it, like the bulk phase's warm-up, a warm-up import of
     * {@code import-warmup-readings} (30,000) readings of the same stations from 2020-01-01, not measured: on a
     * freshly started server the JIT compiler takes a core for most of the first import (14.8 s of compilation
     * during one 150,000-reading import, measured with JFR), which a server in service has done long before, and
     * which a year of one network's data (millions of readings) amortises. Its rate is printed all the same.
     */
    private void importPhase(String jdbc) throws Exception {
        long warmup = opt("import-warmup-readings", 30_000);
        if (warmup > 0) {
            double[] w = importJob(hourlyRows(OffsetDateTime.parse("2020-01-01T00:00:00+08:00"), warmup), "warm-up");
            say(String.format(
                    "import warm-up (not measured): %d readings in %.1f s, %.0f readings/s",
                    warmup, w[0], warmup / w[0]));
        }
        long total = opt("import-readings", 200_000);
        List<String[]> rows = hourlyRows(OffsetDateTime.parse("2021-01-01T00:00:00+08:00"), total);
        if (Boolean.parseBoolean(options.getOrDefault("pg-statements", "false"))) {
            try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("SELECT pg_stat_statements_reset()"); // statements of the measured import only
            }
        }
        long[] cpuBefore = cpuMillis();
        double[] timed = importJob(rows, "bench");
        long[] cpuAfter = cpuMillis();
        double seconds = timed[0];
        double reading = timed[1];
        double rate = total / seconds;
        double serverCpu = (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) * 1000.0 / total;
        double postgresCpu = (cpuAfter[2] + cpuAfter[3] - cpuBefore[2] - cpuBefore[3]) * 1000.0 / total;
        if (Boolean.parseBoolean(options.getOrDefault("pg-statements", "false"))) {
            printStatements(jdbc);
        }
        double copyShapeRate = copy(jdbc, rows, true);
        JsonObject out = new JsonObject()
                .put("readings", total)
                .put("warmupReadings", warmup)
                .put("seconds", round(seconds))
                .put("readingSeconds", round(reading))
                .put("applyingSeconds", round(seconds - reading))
                .put("readingsPerSecond", round(rate))
                .put("copyIntoReadingsShapeRowsPerSecond", round(copyShapeRate))
                .put("ratioToCopyIntoReadingsShape", Math.round(rate / copyShapeRate * 1000) / 1000.0)
                .put("serverCpuMicrosPerReading", round(serverCpu))
                .put("postgresCpuMicrosPerReading", round(postgresCpu));
        say(String.format(
                "import: %d readings as one CSV job, upload to done (staged, applied, evaluated, committed) in %.1f s:"
                        + " %.0f readings/s; one COPY of the same rows into a table like readings %.0f rows/s:"
                        + " ratio %.3f (goal ≥ 0.5); upload and staging %.1f s, applying %.1f s",
                total, seconds, rate, copyShapeRate, rate / copyShapeRate, reading, seconds - reading));
        say(String.format("import: CPU per reading, server %.1f µs, PostgreSQL %.1f µs", serverCpu, postgresCpu));
        if (options.containsKey("peer-result")) {
            double zabbix = new JsonObject(Files.readString(Path.of(options.get("peer-result"))))
                    .getDouble("sustainedValuesPerSecond");
            out.put("ratioToPeer", zabbix > 0 ? Math.round(rate / zabbix * 100) / 100.0 : null);
            say(String.format("import vs the peer: ratio %.2f (goal ≥ 5)", rate / zabbix));
        }
        results.put("import", out);
    }

    /**
     * One CSV import job of the rows, waited for; returns the seconds from the upload to done and to the start of
     * applying. Fails unless every row was stored.
     */
    private double[] importJob(List<String[]> rows, String name) throws Exception {
        StringBuilder csv = new StringBuilder("indicator,subject,observedAt,value,unit\n");
        for (String[] r : rows) {
            csv.append(String.join(",", r)).append('\n');
        }
        long t0 = System.nanoTime();
        HttpResponse<String> started = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/imports?name=" + name + ".csv"))
                        .header("Content-Type", "text/csv; charset=UTF-8")
                        .header("Authorization", "Bearer " + officer)
                        .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        check(started, 202);
        String id = new JsonObject(started.body()).getString("id");
        JsonObject imp;
        long applying = 0;
        while (true) {
            imp = new JsonObject(get("/api/v1/imports/" + id, officer).body());
            if (applying == 0
                    && (imp.getString("status").equals("applying")
                            || imp.getString("status").equals("done"))) {
                applying = System.nanoTime();
            }
            if (imp.getString("status").equals("done")
                    || imp.getString("status").equals("failed")) {
                break;
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!imp.getString("status").equals("done") || imp.getLong("stored") != rows.size()) {
            throw new IllegalStateException("import did not store every reading: " + imp.encode());
        }
        return new double[] {seconds, (applying - t0) / 1e9};
    }

    /**
     * Bytes per stored reading, key index included: as the bulk load left them, and after the rebuild that the
     * server's hourly partition maintenance gives the key index of every month that is over (REINDEX
     * CONCURRENTLY, see store.Partitions), which is every month of the benchmark's data.
     */
    private void storage(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            double[] live = bytesPerReading(s);
            List<String> keys = new ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT i.indexrelid::regclass::text FROM pg_inherits h"
                    + " JOIN pg_index i ON i.indrelid = h.inhrelid AND i.indisprimary"
                    + " WHERE h.inhparent = 'readings'::regclass")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            for (String k : keys) {
                s.execute("REINDEX INDEX CONCURRENTLY " + k);
            }
            double[] compacted = bytesPerReading(s);
            results.put(
                    "storage",
                    new JsonObject()
                            .put("readings", (long) live[0])
                            .put("bytesPerReadingLive", round(live[1]))
                            .put("heapBytesPerReadingLive", round(live[2]))
                            .put("bytesPerReadingCompacted", round(compacted[1]))
                            .put("heapBytesPerReadingCompacted", round(compacted[2])));
            say(String.format(
                    "storage: %d readings: %.1f bytes per reading with its key index as loaded (heap %.1f), %.1f once"
                            + " the months are over and their key index rebuilt by partition maintenance (goal ≤ 100)",
                    (long) live[0], live[1], live[2], compacted[1]));
        }
    }

    /** {count, total bytes per reading, heap bytes per reading} over the partitions of readings. */
    private static double[] bytesPerReading(Statement s) throws Exception {
        try (java.sql.ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM readings),"
                + " sum(pg_total_relation_size(h.inhrelid)), sum(pg_relation_size(h.inhrelid))"
                + " FROM pg_inherits h WHERE h.inhparent = 'readings'::regclass")) {
            rs.next();
            double n = rs.getLong(1);
            return new double[] {n, rs.getLong(2) / n, rs.getLong(3) / n};
        }
    }

    /** Diagnostic ({@code --pg-statements true}): the statements that took most of PostgreSQL's time. */
    private void printStatements(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(
                        "SELECT calls, round(total_exec_time + total_plan_time) AS total_ms,"
                                + " round(((total_exec_time + total_plan_time) / NULLIF(calls, 0))::numeric, 3) AS mean_ms, rows,"
                                + " plans, round(total_plan_time) AS plan_ms,"
                                + " left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS q"
                                + " FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time + total_plan_time DESC LIMIT 20")) {
            say("PostgreSQL statements by total time (calls, total ms, mean ms, rows, plans, of which planning ms,"
                    + " statement; plan time included in total and mean):");
            while (rs.next()) {
                say(String.format(
                        "  %6d %8d %9.3f %9d %6d %6d  %s",
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getDouble(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getString(7)));
            }
        }
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT relname, autovacuum_count, autoanalyze_count,"
                        + " last_autovacuum, last_autoanalyze FROM pg_stat_user_tables"
                        + " WHERE autovacuum_count + autoanalyze_count > 0 ORDER BY relname")) {
            say("PostgreSQL autovacuum (table, vacuums, analyzes, last vacuum, last analyze; counts since start):");
            while (rs.next()) {
                say(String.format(
                        "  %-20s %3d %3d  %s  %s",
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4), rs.getTimestamp(5)));
            }
        }
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * The rate of one COPY of the rows into a bare table (no key, no index) or, with {@code readingsShape}, into a
     * table with the columns, key and monthly partitions of {@code readings} (what storing the rows costs
     * PostgreSQL at best, whatever the client: the yardstick of imports).
     */
    private static double copy(String jdbc, List<String[]> rows, boolean readingsShape) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            String table = readingsShape ? "copy_readings_shape" : "copy_baseline";
            StringBuilder csv = new StringBuilder();
            if (readingsShape) {
                Map<String, Integer> series = seriesIds(c);
                shapeTable(c, table, rows);
                for (String[] r : rows) {
                    csv.append(r[2])
                            .append(',')
                            .append(r[3])
                            .append(",1,")
                            .append(series.get(r[1] + "/" + r[0]))
                            .append(",1\n");
                }
            } else {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                    s.execute("CREATE TABLE " + table + " (indicator text, subject text, observed_at timestamptz,"
                            + " value double precision, unit text)");
                }
                for (String[] r : rows) {
                    csv.append(String.join(",", r)).append('\n');
                }
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long t0 = System.nanoTime();
            copy.copyIn(
                    "COPY " + table
                            + (readingsShape
                                    ? " (observed_at, value, batch, series, revision)"
                                    : " (indicator, subject, observed_at, value, unit)")
                            + " FROM STDIN WITH (FORMAT csv)",
                    new StringReader(csv.toString()));
            double rate = rows.size() / ((System.nanoTime() - t0) / 1e9);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
            return rate;
        }
    }

    /** (subject + "/" + indicator) → series id, as the server stored them. */
    private static Map<String, Integer> seriesIds(Connection c) throws Exception {
        Map<String, Integer> out = new java.util.HashMap<>();
        try (Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT id, subject, indicator FROM series")) {
            while (rs.next()) {
                out.put(rs.getString(2) + "/" + rs.getString(3), rs.getInt(1));
            }
        }
        return out;
    }

    /** A new empty table like {@code readings} (columns, key), partitioned by the months of the rows. */
    private static void shapeTable(Connection c, String table, List<String[]> rows) throws Exception {
        java.util.TreeSet<java.time.LocalDate> months = new java.util.TreeSet<>();
        for (String[] r : rows) {
            months.add(OffsetDateTime.parse(r[2])
                    .atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai"))
                    .toLocalDate()
                    .withDayOfMonth(1));
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (LIKE readings INCLUDING ALL) PARTITION BY RANGE (observed_at)");
            for (java.time.LocalDate m : months) {
                s.execute("CREATE TABLE " + table + "_" + m.toString().replace('-', '_') + " PARTITION OF " + table
                        + " FOR VALUES FROM ('" + m + " 00:00+08') TO ('" + m.plusMonths(1) + " 00:00+08')");
            }
        }
    }

    /**
     * A ceiling, not a goal: the same rows inserted the way the hot path inserts them (INSERT ... SELECT FROM
     * unnest, 1,000 rows per statement and transaction, one connection) into a table like {@code readings}
     * (columns, key, monthly partitions), and nothing else: no HTTP, no rules, no derived statistics.
     */
    private static double insertCeiling(String jdbc, List<String[]> rows) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            Map<String, Integer> series = seriesIds(c);
            shapeTable(c, "insert_baseline", rows);
            c.setAutoCommit(false);
            java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO insert_baseline (observed_at, value,"
                    + " batch, series, revision) SELECT o, v, 1, s, 1 FROM unnest(?::timestamptz[], ?::float8[],"
                    + " ?::int[]) AS x(o, v, s) RETURNING series");
            long t0 = System.nanoTime();
            for (int from = 0; from < rows.size(); from += BULK_BATCH) {
                List<String[]> part = rows.subList(from, Math.min(rows.size(), from + BULK_BATCH));
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "timestamptz",
                                part.stream()
                                        .map(r -> OffsetDateTime.parse(r[2]))
                                        .toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "float8",
                                part.stream().map(r -> Double.valueOf(r[3])).toArray()));
                ps.setArray(
                        3,
                        c.createArrayOf(
                                "int4",
                                part.stream()
                                        .map(r -> series.get(r[1] + "/" + r[0]))
                                        .toArray()));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong(1);
                    }
                }
                c.commit();
            }
            double rate = rows.size() / ((System.nanoTime() - t0) / 1e9);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE insert_baseline");
            }
            c.commit();
            return rate;
        }
    }

    // ---- 2. single readings ----

    /**
     * {@code single-seconds} seconds at 1,000 requests/s, one reading each, from 2024 on (new keys). Every 50th
     * request is a debt ratio alternating above and below the warning line for one of the districts, so that it
     * opens or resolves an alert: the time from sending it to the event on the SSE stream is measured.
     */
    /**
     * After a warm-up the tables hold their first rows: statistics as autovacuum's ANALYZE gathers within about a
     * minute of them in production. Without it the first minute of a new database runs on plans made for empty
     * tables (sequential scans kept in the connections' cached generic plans), which is not the steady state the
     * figures are about.
     */
    private void analyze(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("ANALYZE");
            if (Boolean.parseBoolean(options.getOrDefault("pg-statements", "false"))) {
                s.execute("SELECT pg_stat_statements_reset()"); // statements of the measured run only
            }
        }
    }

    private void single(String jdbc) throws Exception {
        // an asynchronous client on one event loop, kept from the warm-up to the measured run (its connections
        // too): the driver shares the machine's two cores with the server and PostgreSQL, and a thread per request
        // in flight (java.net.http) cost it about as much CPU as PostgreSQL
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(
                new io.vertx.core.http.HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(port)
                        .setKeepAlive(true),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
        try {
            // The ANALYZE comes before the last seconds of the warm-up, not right before the run: it invalidates
            // every cached plan, and the connections' re-planning (and their first custom plans) stalled the first
            // second of the run (100 to 300 slow requests), an event autovacuum causes every few minutes at most.
            long warmup = opt("single-warmup-seconds", 40);
            long settle = Math.min(opt("single-settle-seconds", 10), warmup);
            if (warmup > 0) {
                say("single readings: warming up for " + warmup + " s (not measured: JIT, connections; ANALYZE "
                        + settle + " s before its end)");
                single(
                        vertx,
                        client,
                        OffsetDateTime.parse("2025-01-01T00:00:00+08:00"),
                        warmup - settle,
                        (int) opt("single-rate", 1000),
                        false);
                if (Boolean.parseBoolean(options.getOrDefault("single-analyze", "true"))) {
                    analyze(jdbc); // --single-analyze false: an experiment, the run starts on the warm-up's plans
                }
                single(
                        vertx,
                        client,
                        OffsetDateTime.parse("2025-07-01T00:00:00+08:00"),
                        settle,
                        (int) opt("single-rate", 1000),
                        false);
            }
            if (options.containsKey("trace-slow")) {
                say("single readings: measuring from " + java.time.Instant.now());
            }
            single(
                    vertx,
                    client,
                    OffsetDateTime.parse("2024-01-01T00:00:00+08:00"),
                    opt("single-seconds", 60),
                    (int) opt("single-rate", 1000),
                    true);
        } finally {
            client.close().await();
            vertx.close().await();
        }
    }

    private void single(
            io.vertx.core.Vertx vertx,
            io.vertx.core.http.HttpClient client,
            OffsetDateTime base,
            long seconds,
            int rate,
            boolean report)
            throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        java.util.Queue<Double> sseLatency = new java.util.concurrent.ConcurrentLinkedQueue<>();
        SseListener sse = new SseListener(
                URI.create("http://127.0.0.1:" + port + "/api/v1/alerts/stream?category=debt"),
                risk,
                (subject, period) -> {
                    Long t = sentAt.remove(subject + "|" + period);
                    if (t != null) {
                        sseLatency.add((System.nanoTime() - t) / 1e6);
                    }
                });
        Thread.sleep(500);
        double[] latencies = new double[(int) (seconds * rate)]; // by request number; written on the loop
        AtomicLong failed = new AtomicLong();
        long count = seconds * rate;
        AtomicLong issued = new AtomicLong();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch((int) count);
        // A ticker thread keeps the schedule; each request is sent on the client's event loop, never from another
        // thread (requests made from the ticker thread itself lost a response now and then), and is timed from the
        // moment it was due: a driver that falls behind makes the figures worse, never better.
        java.util.Queue<Double> sendLag = new java.util.concurrent.ConcurrentLinkedQueue<>();
        io.vertx.core.Context loop = vertx.getOrCreateContext();
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1);
        long[] cpuBefore = cpuMillis();
        Map<String, Long> threadsBefore = serverThreadCpu();
        long start = System.nanoTime();
        long period = 1_000_000_000L / rate;
        ticker.scheduleAtFixedRate(
                () -> {
                    long i = issued.getAndIncrement();
                    if (i >= count) {
                        return;
                    }
                    long dueAt = start + i * period;
                    loop.runOnContext(v -> {
                        sendLag.add((System.nanoTime() - dueAt) / 1e6);
                        sendSingle(client, vertx, base, i, dueAt, sentAt, latencies, failed, done);
                    });
                },
                0,
                period,
                TimeUnit.NANOSECONDS);
        done.await(seconds + 120, TimeUnit.SECONDS);
        ticker.shutdownNow();
        long[] cpuAfter = cpuMillis();
        if (report && Boolean.parseBoolean(options.getOrDefault("server-threads", "false"))) {
            // diagnostic: where the server's CPU went during the measured run, by thread
            serverThreadCpu().forEach((name, ms) -> {
                long used = ms - threadsBefore.getOrDefault(name, 0L);
                if (used >= 50) {
                    say(String.format("single readings: server threads %-24s %6d ms CPU", name, used));
                }
            });
        }
        if (failed.get() > 0) {
            // did the server answer everything it was asked? (requests it still holds, requests it answered)
            for (String line : get("/metrics", null).body().split("\n")) {
                if (line.startsWith("vertx_http_server_active_requests")
                        || line.startsWith("targetwatch_ingest_waiting")
                        || line.startsWith("vertx_http_server_requests_total") && line.contains("POST")) {
                    say("server after the run: " + line);
                }
            }
        }
        Thread.sleep(1000);
        sse.close();
        if (!report) {
            return;
        }
        if (done.getCount() > 0) {
            throw new IllegalStateException(done.getCount() + " single-reading requests never completed");
        }
        List<Double> sorted = new ArrayList<>();
        for (double ms : latencies) {
            sorted.add(ms);
        }
        sorted.sort(Double::compare);
        List<Double> sseSorted = new ArrayList<>(sseLatency);
        sseSorted.sort(Double::compare);
        results.put(
                "single",
                new JsonObject()
                        .put("requests", sorted.size())
                        .put("ratePerSecond", rate)
                        .put("warmupSeconds", opt("single-warmup-seconds", 40))
                        .put(
                                "settleSecondsAfterAnalyze",
                                Math.min(opt("single-settle-seconds", 10), opt("single-warmup-seconds", 40)))
                        .put("failedRequests", failed.get())
                        .put("p50Millis", round(pct(sorted, 50)))
                        .put("p99Millis", round(pct(sorted, 99)))
                        .put("maxMillis", round(sorted.get(sorted.size() - 1)))
                        .put("sseEvents", sseSorted.size())
                        .put("sseP99Millis", sseSorted.isEmpty() ? null : round(pct(sseSorted, 99))));
        say(String.format(
                "single readings: %d requests at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed"
                        + " (goal at 1000/s: p99 ≤ 10 ms)",
                sorted.size(), rate, pct(sorted, 50), pct(sorted, 99), sorted.get(sorted.size() - 1), failed.get()));
        double[] cpu = new double[4];
        for (int k = 0; k < 4; k++) {
            cpu[k] = (double) (cpuAfter[k] - cpuBefore[k]) / count;
        }
        results.getJsonObject("single")
                .put("serverCpuMillisPerRequest", round(cpu[0] + cpu[1]))
                .put("postgresCpuMillisPerRequest", round(cpu[2] + cpu[3]));
        say(String.format(
                "single readings: CPU per request: server %.2f ms (system %.2f), PostgreSQL %.2f ms" + " (system %.2f)",
                cpu[0] + cpu[1], cpu[1], cpu[2] + cpu[3], cpu[3]));
        // diagnostic: p99 of each 10 s of the run, by send time (a slow start after the ANALYZE that precedes the
        // run shows here: every connection plans its statements again, and the run's dates are new)
        StringBuilder slices = new StringBuilder();
        io.vertx.core.json.JsonArray sliceP99 = new io.vertx.core.json.JsonArray();
        int slice = 10 * rate;
        for (int from = 0; from < latencies.length; from += slice) {
            List<Double> part = new ArrayList<>();
            for (int k = from; k < Math.min(latencies.length, from + slice); k++) {
                part.add(latencies[k]);
            }
            part.sort(Double::compare);
            slices.append(slices.length() == 0 ? "" : ", ").append(String.format("%.1f", pct(part, 99)));
            sliceP99.add(round(pct(part, 99)));
        }
        results.getJsonObject("single").put("p99MillisPer10s", sliceP99);
        say("single readings: p99 of each 10 s, in ms: " + slices);
        List<Double> lag = new ArrayList<>(sendLag);
        lag.sort(Double::compare);
        say(String.format(
                "single readings: driver lag (sent after due): p50 %.2f ms, p99 %.2f ms, max %.1f ms",
                pct(lag, 50), pct(lag, 99), lag.get(lag.size() - 1)));
        say(String.format(
                "single readings: POST to SSE event: %d events, p99 %.1f ms (goal ≤ 25 ms)",
                sseSorted.size(), sseSorted.isEmpty() ? Double.NaN : pct(sseSorted, 99)));
    }

    /** Sends single-reading request {@code i}, due at {@code s0} (System.nanoTime), and records its outcome. */
    private void sendSingle(
            io.vertx.core.http.HttpClient client,
            io.vertx.core.Vertx vertx,
            OffsetDateTime base,
            long i,
            long s0,
            Map<String, Long> sentAt,
            double[] latencies,
            AtomicLong failed,
            java.util.concurrent.CountDownLatch done) {
        String body;
        String key = null;
        if (i % 50 == 0) {
            long k = i / 50;
            String district = "bd-" + (k % 10);
            String day = base.plusDays(k / 10).toLocalDate().toString();
            double v = (k / 10) % 2 == 0 ? 150 : 50;
            body = new JsonObject()
                    .put("indicator", "DEBT_RATIO")
                    .put("subject", district)
                    .put("observedAt", day + "T00:00:00+08:00")
                    .put("value", v)
                    .put("unit", "%")
                    .encode();
            key = district + "|" + day;
        } else {
            String at = base.plusHours(i / STATIONS).toString();
            body = new JsonObject()
                    .put("indicator", "PM10")
                    .put("subject", "bs-" + (i % STATIONS))
                    .put("observedAt", at)
                    .put("value", 40 + i % 30)
                    .put("unit", "ug/m3")
                    .encode();
        }
        if (key != null) {
            sentAt.put(key, s0);
        }
        boolean debt = key != null;
        // a request without an answer for 5 s fails (and counts, with its latency): none is silently lost. The
        // driver's own timer, not the client's connect timeout: in Vert.x 5.0.10 that timer can fire after the
        // connection was handed over ("Promise already completed"), and the request is then never answered.
        io.vertx.core.Promise<Integer> answer = io.vertx.core.Promise.promise();
        long timer = vertx.setTimer(5000, id -> answer.tryFail("no answer within 5 s"));
        client.request(new io.vertx.core.http.RequestOptions()
                        .setMethod(io.vertx.core.http.HttpMethod.POST)
                        .setURI("/api/v1/readings")
                        .setIdleTimeout(5000))
                .compose(req -> req.putHeader("Content-Type", "application/json")
                        .putHeader("Authorization", "Bearer " + officer)
                        .send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        answer.tryComplete(ar.result());
                    } else {
                        answer.tryFail(ar.cause());
                    }
                });
        answer.future().onComplete(ar -> {
            if (ar.failed() || ar.result() != 201) {
                if (failed.incrementAndGet() <= 10) {
                    System.out.printf(
                            "failed request %d (%s) sent at %s: %s%n",
                            i,
                            debt ? "debt" : "PM10",
                            java.time.Instant.now().minusNanos(System.nanoTime() - s0),
                            ar.failed() ? ar.cause() : "status " + ar.result());
                }
            }
            double ms = (System.nanoTime() - s0) / 1e6;
            latencies[(int) i] = ms;
            if (options.containsKey("trace-slow") && ms > Double.parseDouble(options.get("trace-slow"))) {
                System.out.printf(
                        "slow request %d (%s) at %s: %.0f ms%n",
                        i, debt ? "debt" : "PM10", java.time.Instant.now(), ms);
            }
            done.countDown();
        });
    }

    // ---- 5. size ----

    /** Series the size phase fills: the 100 stations' six pollutants. */
    private static final int SIZE_SERIES = 600;

    /** Fills the database to the given sizes directly in SQL, then times filtered list queries over HTTP. */
    private void size(String jdbc) throws Exception {
        long readings = opt("size-readings", 10_000_000);
        long hits = opt("size-hits", 1_000_000);
        long hours = (readings + SIZE_SERIES - 1) / SIZE_SERIES;
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            // hourly values of the 100 stations' six pollutants (600 series), ending on 2023-12-31 and reaching as
            // far back as the size asks (50 M readings: about 9.5 years), in the monthly partitions the server
            // would create (the rule hits below are of 2019 on); and the daily statistics of every station and district
            // over the same days
            String first = "timestamptz '2024-01-01 00:00+08' - " + hours + " * interval '1 hour'";
            s.execute("INSERT INTO series (subject, indicator, unit) SELECT 'bs-' || g, p,"
                    + " CASE WHEN p = 'CO' THEN 'mg/m3' ELSE 'ug/m3' END FROM generate_series(0, 99) g,"
                    + " unnest(ARRAY['PM2_5', 'PM10', 'SO2', 'NO2', 'CO', 'O3']) p ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO ingest_batches (received_at) VALUES ('2019-01-01 00:00+08') ON CONFLICT DO NOTHING");
            s.execute("SELECT tw_ensure_partition(t, m::date) FROM unnest(ARRAY['readings', 'rule_hits']) t,"
                    + " generate_series(least(date_trunc('month', (" + first + ") AT TIME ZONE 'Asia/Shanghai'),"
                    + " date '2019-01-01'),"
                    + " date '2024-01-01', interval '1 month') m");
            s.execute("INSERT INTO readings (observed_at, value, batch, series, revision)"
                    + " SELECT " + first + " + ((g / " + SIZE_SERIES + ") * interval '1 hour'), 40 + g % 50,"
                    + " (SELECT id FROM ingest_batches WHERE received_at = '2019-01-01 00:00+08'),"
                    + " ids[1 + g % " + SIZE_SERIES + "], 1"
                    + " FROM generate_series(0, " + (readings - 1) + ") g,"
                    + " (SELECT array_agg(id ORDER BY id) ids FROM series WHERE subject LIKE 'bs-%') se"
                    + " ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO air_daily (subject, day, kind, valid, aqi, so2, no2, pm10, co, o3_1h, o3_8h, pm25,"
                    + " details) SELECT sub, d::date, kind, true, 30 + (h + extract(doy FROM d)::int) % 90,"
                    + " 10, 30, 60 + h % 50, 0.8, 100, 90, 30 + (h + extract(doy FROM d)::int) % 60, '{}'::jsonb"
                    + " FROM (SELECT 'bs-' || g sub, 'air-station' kind, g h FROM generate_series(0, 99) g"
                    + " UNION ALL SELECT 'bd-' || g, 'district', g FROM generate_series(0, 9) g) x,"
                    + " generate_series((" + first + ") AT TIME ZONE 'Asia/Shanghai', timestamp '2023-12-31',"
                    + " interval '1 day') d ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period, status,"
                    + " observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,"
                    + " source, reading_ids, ruleset_version, resolved_at, resolution)"
                    + " SELECT md5(g::text), 'air.daily-mean-over-grade-ii', 'air', 'warning', 'bs-' || (g % 100), 'PM10',"
                    + " to_char(date '2019-01-01' + g / 100, 'YYYY-MM-DD'), CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END,"
                    + " 160, 'GB3095-2012/PM10/24h/II', '>', 150, 'ug/m3', 'CONFIRMED', 'bench', '{}', 'bench',"
                    + " CASE WHEN g % 10 = 0 THEN NULL ELSE now() END, CASE WHEN g % 10 = 0 THEN NULL ELSE 'auto' END"
                    + " FROM generate_series(1, " + hits / 10 + ") g");
            s.execute("INSERT INTO rule_hits (at, rule, ruleset_version, subject, indicator, period, value, threshold,"
                    + " facts, reading_ids, caused)"
                    + " SELECT timestamptz '2019-01-01 00:00+08' + (g * interval '1 minute'), 'air.daily-mean-over-grade-ii', 'bench',"
                    + " 'bs-' || (g % 100), 'PM10', '2019-01-01', 160, '{}'::jsonb, '{}'::jsonb, '{}', 'updated'"
                    + " FROM generate_series(1, " + hits + ") g");
            s.execute("ANALYZE");
        }
        double fill = (System.nanoTime() - t0) / 1e9;
        String supervisor = token("supervisor");
        List<Double> alerts = timeQueries("/api/v1/alerts?status=open&subject=bs-%d&limit=100", supervisor);
        List<Double> ruleHits = timeQueries(
                "/api/v1/rule-hits?rule=air.daily-mean-over-grade-ii&subject=bs-%d"
                        + "&from=2019-06-01&to=2019-07-01&limit=100",
                supervisor);
        List<Double> month = timeQueries(
                "/api/v1/readings?subject=bs-%d&indicator=PM10&from=2023-06-01&to=2023-07-01&limit=1000", supervisor);
        List<Double> summary = timeQueries("/api/v1/air/summary?subject=bd-%d&year=2023", supervisor, 10);
        results.put(
                "size",
                new JsonObject()
                        .put("stationMonthReadingsP99Millis", round(pct(month, 99)))
                        .put("districtYearSummaryP99Millis", round(pct(summary, 99)))
                        .put("readings", readings)
                        .put("readingsSeries", SIZE_SERIES)
                        .put("readingsFrom", "2024-01-01T00:00+08:00 less " + hours + " h")
                        .put("ruleHits", hits)
                        .put("alerts", hits / 10)
                        .put("fillSeconds", round(fill))
                        .put("alertsP99Millis", round(pct(alerts, 99)))
                        .put("ruleHitsP99Millis", round(pct(ruleHits, 99))));
        say(String.format(
                "size: %d readings, %d rule hits, %d alerts added in %.0f s", readings, hits, hits / 10, fill));
        say(String.format(
                "size: GET /api/v1/alerts?status=&subject= p99 %.1f ms; GET /api/v1/rule-hits?rule=&subject=&from=&to="
                        + " p99 %.1f ms (goal ≤ 50 ms)",
                pct(alerts, 99), pct(ruleHits, 99)));
        say(String.format(
                "size: GET /api/v1/readings?subject=&indicator=&from=&to= (a station's month, 720 readings) p99 %.1f ms"
                        + " (goal ≤ 50 ms)",
                pct(month, 99)));
        say(String.format(
                "size: GET /api/v1/air/summary?subject=&year= (a district's year: its days, the year before, the"
                        + " annual statistics) p99 %.1f ms (goal ≤ 50 ms)",
                pct(summary, 99)));
    }

    // ---- 6. backtest ----

    /**
     * A backtest of the current ruleset against itself, through the job API, over {@code --backtest-from} to
     * {@code --backtest-to} (default 2023-11-01 to 2023-12-31: the size phase's last 61 days of 600 series, 878,400
     * readings, about the count of the year of one pollutant it backtested before; the size phase's data is filled
     * when that phase did not run). A year of the 600 series (5.3 M readings) takes about 9 minutes here.
     */
    private void backtest(String jdbc) throws Exception {
        String from = options.getOrDefault("backtest-from", "2023-11-01");
        String to = options.getOrDefault("backtest-to", "2023-12-31");
        if (!phase("size")) {
            // the size phase's last 61 days (Asia/Shanghai) of the 600 series: 878,400 readings
            options.put("size-readings", String.valueOf(SIZE_SERIES * 24 * 61));
            options.put("size-hits", "1000");
            size(jdbc);
        }
        String supervisor = token("supervisor");
        HttpResponse<String> started = post(
                "/api/v1/rulesets/backtest",
                supervisor,
                new JsonObject().put("from", from).put("to", to).encode());
        check(started, 202);
        String id = new JsonObject(started.body()).getString("id");
        JsonObject job;
        while (true) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + id))
                            .header("Authorization", "Bearer " + supervisor)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            job = new JsonObject(r.body());
            if (!job.getString("status").equals("queued")
                    && !job.getString("status").equals("running")) {
                break;
            }
            Thread.sleep(500);
        }
        if (!job.getString("status").equals("done")) {
            throw new IllegalStateException("backtest failed: " + job.encode());
        }
        JsonObject result = job.getJsonObject("result");
        results.put(
                "backtest",
                new JsonObject()
                        .put("from", from)
                        .put("to", to)
                        .put("readingsEvaluated", result.getLong("readingsEvaluated"))
                        .put("seconds", result.getDouble("seconds"))
                        .put("readingsPerSecond", result.getLong("readingsPerSecond")));
        JsonObject bulk = results.getJsonObject("bulk");
        String vsBulk = bulk == null
                ? ""
                : String.format(
                        "; %.2f × bulk ingest (goal ≥ 0.25 × the import rate; bulk ingest stands in until imports"
                                + " exist)",
                        result.getLong("readingsPerSecond") / bulk.getDouble("readingsPerSecond"));
        say(String.format(
                "backtest: %s to %s, %d stored readings, each evaluated under both rulesets, in %.1f s:"
                        + " %d readings/s%s",
                from,
                to,
                result.getLong("readingsEvaluated"),
                result.getDouble("seconds"),
                result.getLong("readingsPerSecond"),
                vsBulk));
    }

    private List<Double> timeQueries(String pathFormat, String token) throws Exception {
        return timeQueries(pathFormat, token, 100);
    }

    /** 300 requests, the {@code %d} of the path going round {@code 0 .. subjects - 1}; the first 50 not counted. */
    private List<Double> timeQueries(String pathFormat, String token, int subjects) throws Exception {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long t0 = System.nanoTime();
            check(get(String.format(pathFormat, i % subjects), token), 200);
            if (i >= 50) {
                out.add((System.nanoTime() - t0) / 1e6);
            }
        }
        out.sort(Double::compare);
        return out;
    }

    // ---- 3. rule evaluation (JMH) ----

    private void jmh() throws Exception {
        Collection<RunResult> runs = new Runner(new OptionsBuilder()
                        .include(RuleEvaluationBenchmark.class.getName())
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                        .measurementIterations(5)
                        .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                        .jvmArgsAppend("-Dtargetwatch.rules=" + Path.of("rules").toAbsolutePath())
                        .build())
                .run();
        Map<String, Double> micros = new java.util.HashMap<>();
        for (RunResult r : runs) {
            String name = r.getParams().getBenchmark();
            micros.put(
                    name.substring(name.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore());
        }
        double drools = micros.get("drools");
        double java = micros.get("handWritten");
        double smallReused = micros.get("droolsSmallBatch");
        double smallNew = micros.get("droolsSmallBatchNewSession");
        double nsDrools = drools * 1000 / RuleEvaluationBenchmark.BATCH;
        double nsJava = java * 1000 / RuleEvaluationBenchmark.BATCH;
        results.put(
                "ruleEvaluation",
                new JsonObject()
                        .put("batch", RuleEvaluationBenchmark.BATCH)
                        .put("droolsNsPerFact", round(nsDrools))
                        .put("handWrittenNsPerFact", round(nsJava))
                        .put("ratio", round(nsDrools / nsJava))
                        .put("smallBatch", RuleEvaluationBenchmark.SMALL_BATCH)
                        .put("smallBatchReusedSessionMicros", round(smallReused))
                        .put("smallBatchNewSessionMicros", round(smallNew)));
        say(String.format(
                "rule evaluation (JMH, batches of %d facts, full rulebook): Drools %.0f ns/fact,"
                        + " hand-written Java %.1f ns/fact, ratio %.1f× (goal ≤ 20×)",
                RuleEvaluationBenchmark.BATCH, nsDrools, nsJava, nsDrools / nsJava));
        say(String.format(
                "rule evaluation (JMH, a batch of %d facts, as for a single reading): %.1f µs in a reused"
                        + " primed session, %.1f µs in a new session",
                RuleEvaluationBenchmark.SMALL_BATCH, smallReused, smallNew));
    }

    // ---- plumbing ----

    private void startServer(Map<String, String> env) throws Exception {
        Path jar = Path.of("target/targetwatch.jar");
        port = freePort();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        if (options.containsKey("server-jvm")) {
            // e.g. --server-jvm -XX:StartFlightRecording=filename=target/server.jfr to profile the server
            command.addAll(List.of(options.get("server-jvm").split(" ")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("TARGETWATCH_"));
        pb.environment().putAll(env);
        pb.environment().put("TARGETWATCH_HTTP_PORT", String.valueOf(port));
        pb.environment().put("TARGETWATCH_HJ212_PORT", "-1");
        pb.environment().put("TARGETWATCH_HTTP_HOST", "127.0.0.1");
        pb.environment().put("TARGETWATCH_ADMIN_TOKEN", ADMIN);
        pb.environment().put("TARGETWATCH_DB_POOL_SIZE", "16");
        pb.environment().put("TARGETWATCH_INGEST_LOG_LEVEL", options.getOrDefault("ingest-log", "INFO"));
        if (options.containsKey("server-env")) {
            // e.g. --server-env TARGETWATCH_INGEST_CONCURRENCY=2,TARGETWATCH_DB_POOL_SIZE=8
            for (String kv : options.get("server-env").split(",")) {
                String[] p = kv.split("=", 2);
                pb.environment().put(p[0], p[1]);
            }
        }
        pb.redirectErrorStream(true)
                .redirectOutput(Path.of("target/bench-server.log").toFile());
        Files.createDirectories(Path.of("target"));
        server = pb.start();
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            try {
                HttpResponse<String> ready = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                .timeout(java.time.Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet, or a connection accepted in the first milliseconds that never answered (seen
                // once: Vert.x 5.0.10's Micrometer metrics threw "socketMetric is null" on it): try again
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("server did not become ready; see target/bench-server.log");
    }

    private void stopServer() throws Exception {
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(
                    "expected " + status + " from " + r.uri() + ", got " + r.statusCode() + ": " + r.body());
        }
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void say(String line) {
        System.out.println(line);
    }

    /** Process id of the PostgreSQL server (postmaster) the driver started; its children are the backends. */
    private long postmasterPid = -1;

    /** Parent process id, from Linux /proc; -1 if the process is gone. */
    private static long parentOf(long pid) {
        String[] f = procStat(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    /** The fields of /proc/PID/stat after the command name (state is [0], ppid [1]), or null. */
    private static String[] procStat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU time (user + system, ms) used so far by the server process and by PostgreSQL (the postmaster and its
     * children), from Linux /proc: {@code [server user, server system, postgres user, postgres system]}. Steadier than latency on a shared machine; a
     * PostgreSQL process that has exited no longer counts.
     */
    private long[] cpuMillis() throws IOException {
        long serverPid = server.pid();
        long[] out = new long[4];
        try (var dirs = Files.list(Path.of("/proc"))) {
            dirs.map(d -> d.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> {
                        long pid = Long.parseLong(n);
                        String[] f = procStat(pid);
                        if (f == null) {
                            return;
                        }
                        long ppid = Long.parseLong(f[1]);
                        int at = pid == serverPid ? 0 : pid == postmasterPid || ppid == postmasterPid ? 2 : -1;
                        if (at >= 0) {
                            out[at] += Long.parseLong(f[11]) * 10; // utime, ticks of 10 ms (USER_HZ 100)
                            out[at + 1] += Long.parseLong(f[12]) * 10; // stime
                        }
                    });
        }
        return out;
    }

    /** CPU time (ms) of each of the server's threads so far, by thread name with digits folded (Linux /proc). */
    private Map<String, Long> serverThreadCpu() throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + server.pid() + "/task"))) {
            tasks.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // thread ended meanwhile
                }
            });
        }
        return out;
    }

    /** Samples the server process's resident memory every 100 ms (Linux /proc). */
    private static final class RssSampler {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong peakKb = new AtomicLong();

        RssSampler(long pid) {
            timer.scheduleAtFixedRate(
                    () -> {
                        try {
                            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                                if (line.startsWith("VmRSS:")) {
                                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                                    peakKb.accumulateAndGet(kb, Math::max);
                                }
                            }
                        } catch (IOException | RuntimeException ignored) {
                            // the process is gone
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
        }

        void stop() {
            timer.shutdownNow();
        }

        long peakMb() {
            return peakKb.get() / 1024;
        }
    }

    /** A minimal SSE client: calls back with (subject, period) of each event's alert. */
    private static final class SseListener {
        private final java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

        SseListener(URI uri, String token, java.util.function.BiConsumer<String, String> onEvent) {
            response = HTTP.sendAsync(
                    HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> {
                try {
                    r.body().forEach(line -> {
                        if (line.startsWith("data: ")) {
                            JsonObject a = new JsonObject(line.substring(6)).getJsonObject("alert");
                            onEvent.accept(a.getString("subject"), a.getString("period"));
                        }
                    });
                } catch (RuntimeException ignored) {
                    // closed
                }
            });
        }

        void close() {
            response.thenAccept(r -> r.body().close());
            response.cancel(true);
        }
    }
}
