package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.common.Times;

/**
 * The monthly partitions of {@code readings}, {@code rule_hits} and {@code alert_events} (V13): months in the
 * Asia/Shanghai calendar, named {@code <table>_pYYYY_MM}, each table with a default partition for rows of a month
 * without its own. Retention months come from {@code AppConfig.retentionMonths}.
 *
 * <p>Contracts: a row never fails for want of a partition (the default takes it); {@link #ensureReadingMonths}
 * creates the months of readings before they are inserted, so the default stays empty in practice;
 * {@link #maintain} (at start and every hour, on one instance at a time) creates the current month and the next
 * {@link #AHEAD} of every table, moves rows out of the defaults, compacts the key index of readings months that
 * are over, and applies {@code retentionMonths}: whole partitions are detached and dropped, never single rows,
 * and never a partition holding evidence (readings, rule hits, events) of an alert that is not resolved.
 */
public final class Partitions {
    private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);

    /** Months created ahead of the current one. */
    public static final int AHEAD = 2;

    /** The partitioned tables and their retention families (AppConfig.retentionMonths keys). */
    static final Map<String, String> FAMILIES =
            Map.of("readings", "readings", "rule_hits", "ruleHits", "alert_events", "alertEvents");

    private static final Pattern NAME = Pattern.compile("^(readings|rule_hits|alert_events)_p(\\d{4})_(\\d{2})$");

    /** Session lock key: one maintaining instance at a time. */
    private static final long MAINTENANCE_LOCK = 0x5457_0003L;

    static final String ENSURE = "SELECT m, tw_ensure_partition($1, m) AS created FROM unnest($2::date[]) AS m";

    static final String LIST = """
            SELECT c.relname AS name, p.relname AS parent,
                   (SELECT i.indexrelid::regclass::text FROM pg_index i
                    WHERE i.indrelid = c.oid AND i.indisprimary) AS key_index,
                   obj_description(c.oid, 'pg_class') AS note
            FROM pg_inherits h
            JOIN pg_class c ON c.oid = h.inhrelid
            JOIN pg_class p ON p.oid = h.inhparent
            WHERE p.relname IN ('readings', 'rule_hits', 'alert_events')
            ORDER BY c.relname""";

    /**
     * The months (local first days) holding evidence of an alert that is not resolved, per table: the readings its
     * reading ids name (the observation time is bits 8–40 of an id, see reading_id()), its rule hits, its events.
     */
    static final String PROTECTED = """
            SELECT
              ARRAY(SELECT DISTINCT date_trunc('month', to_timestamp((x.id >> 8) & 8589934591)
                                               AT TIME ZONE 'Asia/Shanghai')::date
                    FROM alerts a, unnest(a.reading_ids || coalesce(a.clearing_reading_ids, '{}')) AS x(id)
                    WHERE a.resolved_at IS NULL) AS readings,
              ARRAY(SELECT DISTINCT date_trunc('month', h.at AT TIME ZONE 'Asia/Shanghai')::date
                    FROM rule_hits h JOIN alerts a ON a.id = h.alert_id WHERE a.resolved_at IS NULL) AS rule_hits,
              ARRAY(SELECT DISTINCT date_trunc('month', e.at AT TIME ZONE 'Asia/Shanghai')::date
                    FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.resolved_at IS NULL)
                AS alert_events""";

    private final Pool pool;
    private final Clock clock;
    private final Map<String, Integer> retentionMonths;
    private final Set<LocalDate> readingMonths = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public Partitions(Pool pool, Clock clock, Map<String, Integer> retentionMonths) {
        this.pool = pool;
        this.clock = clock;
        this.retentionMonths = retentionMonths;
    }

    /** The local month (first day) an instant falls in. */
    public static LocalDate monthOf(Instant t) {
        return t.atZone(Times.ZONE).toLocalDate().withDayOfMonth(1);
    }

    /**
     * Makes sure the month partition of each observation time exists (a round trip only for months this instance
     * has not seen yet). Runs outside any transaction; the creation commits on its own.
     */
    public Future<Void> ensureReadingMonths(Collection<Instant> observedAt) {
        Set<LocalDate> missing = new TreeSet<>();
        for (Instant t : observedAt) {
            LocalDate m = monthOf(t);
            if (!readingMonths.contains(m)) {
                missing.add(m);
            }
        }
        if (missing.isEmpty()) {
            return Future.succeededFuture();
        }
        // a partition that cannot be created now is not an error: the rows go to the default partition, and
        // maintenance moves them into their month
        return ensure(pool, "readings", missing)
                .<Void>map(created -> {
                    created.forEach(name -> LOG.info("created partition {}", name));
                    readingMonths.addAll(missing);
                    return null;
                })
                .recover(e -> {
                    if (DatabaseHealth.isUnavailable(e)) {
                        return Future.failedFuture(e);
                    }
                    LOG.warn(
                            "partitions {} not created now ({}{}); their readings go to readings_default",
                            missing,
                            e.toString(),
                            e instanceof io.vertx.pgclient.PgException pg && pg.getDetail() != null
                                    ? ": " + pg.getDetail()
                                    : "");
                    return Future.succeededFuture();
                });
    }

    /** Creates the month partitions of the table that are missing; the names of those it created. */
    private static Future<List<String>> ensure(
            io.vertx.sqlclient.SqlClient client, String table, Collection<LocalDate> months) {
        return client.preparedQuery(ENSURE)
                .execute(Tuple.tuple(List.of(table, months.toArray(new LocalDate[0]))))
                .map(rows -> {
                    List<String> created = new ArrayList<>();
                    rows.forEach(r -> {
                        if (r.getBoolean("created")) {
                            created.add(name(table, r.getLocalDate("m")));
                        }
                    });
                    return created;
                });
    }

    /** Runs {@link #maintain} now and then every hour; a pass that failed is retried a minute later. */
    public void start(Vertx vertx) {
        timer = vertx.setPeriodic(3_600_000, id -> maintainOrRetry(vertx));
        maintainOrRetry(vertx);
    }

    private void maintainOrRetry(Vertx vertx) {
        maintain().onFailure(e -> {
            if (timer >= 0) {
                LOG.warn("partition maintenance failed, retried in a minute: {}", e.toString());
                vertx.setTimer(60_000, id -> maintainOrRetry(vertx));
            }
        });
    }

    public void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -2;
        }
    }

    /**
     * One maintenance pass, on one instance at a time (the others skip it): see the class comment.
     *
     * @return what it did: {@code created}, {@code moved} (rows out of the defaults), {@code compacted},
     *     {@code dropped} (partition names) and {@code kept} (partitions past retention kept for open alerts)
     */
    public Future<JsonObject> maintain() {
        JsonObject report = new JsonObject()
                .put("created", new JsonArray())
                .put("moved", 0L)
                .put("compacted", new JsonArray())
                .put("dropped", new JsonArray())
                .put("kept", new JsonArray());
        return pool.getConnection()
                .compose(conn -> conn.query("SELECT pg_try_advisory_lock(" + MAINTENANCE_LOCK + ")")
                        .execute()
                        .compose(rows -> {
                            if (!rows.iterator().next().getBoolean(0)) {
                                return Future.succeededFuture(report.put("skipped", "another instance is maintaining"));
                            }
                            // no statement of the pass waits long for a lock that others queue behind (a detach
                            // locks the whole table): it fails instead, and the pass is retried
                            return conn.query("SET lock_timeout = '1s'")
                                    .execute()
                                    .compose(x -> pass(conn, report))
                                    .eventually(() -> conn.query("RESET lock_timeout; SELECT pg_advisory_unlock("
                                                    + MAINTENANCE_LOCK + ")")
                                            .execute());
                        })
                        .eventually(conn::close));
    }

    private Future<JsonObject> pass(SqlConnection conn, JsonObject report) {
        LocalDate current = monthOf(clock.instant());
        List<LocalDate> ahead = new ArrayList<>();
        for (int i = 0; i <= AHEAD; i++) {
            ahead.add(current.plusMonths(i));
        }
        Future<Void> f = Future.succeededFuture();
        for (String table : FAMILIES.keySet().stream().sorted().toList()) {
            f = f.compose(v -> ensure(conn, table, ahead).map(created -> {
                created.forEach(report.getJsonArray("created")::add);
                return null;
            }));
            f = f.compose(v -> conn.preparedQuery("SELECT tw_split_default($1) AS n")
                    .execute(Tuple.of(table))
                    .map(rows -> {
                        report.put(
                                "moved",
                                report.getLong("moved") + rows.iterator().next().getLong("n"));
                        return null;
                    }));
        }
        return f.compose(v -> partitions(conn))
                .compose(parts -> compact(conn, parts, current, report).map(parts))
                .compose(parts -> retain(conn, parts, current, report))
                .map(v -> {
                    readingMonths.clear();
                    if (!report.getJsonArray("created").isEmpty()
                            || !report.getJsonArray("dropped").isEmpty()
                            || report.getLong("moved") > 0) {
                        LOG.info("partition maintenance: {}", report.encode());
                    }
                    return report;
                });
    }

    /** A month partition: its table, month, key index and whether its key index was compacted. */
    record Part(String name, String table, LocalDate month, String keyIndex, boolean compacted) {}

    private static Future<List<Part>> partitions(SqlConnection conn) {
        return conn.query(LIST).execute().map(rows -> {
            List<Part> out = new ArrayList<>();
            for (Row r : rows) {
                Matcher m = NAME.matcher(r.getString("name"));
                if (m.matches()) {
                    out.add(new Part(
                            r.getString("name"),
                            m.group(1),
                            LocalDate.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), 1),
                            r.getString("key_index"),
                            "compacted".equals(r.getString("note"))));
                }
            }
            return out;
        });
    }

    static String name(String table, LocalDate month) {
        return table + "_p" + String.format("%04d_%02d", month.getYear(), month.getMonthValue());
    }

    /**
     * Rebuilds the key index of readings months that are over (online, REINDEX CONCURRENTLY, fill factor 100):
     * while a month is live its readings arrive for every series at once, each series' index pages split in the
     * middle and stay about half full; rebuilt, the index is about a third smaller. Done once per month (marked by
     * a comment on the partition); a correction arriving later splits a page again, which is harmless.
     */
    private static Future<Void> compact(SqlConnection conn, List<Part> parts, LocalDate current, JsonObject report) {
        Future<Void> f = Future.succeededFuture();
        for (Part p : parts) {
            if (p.table().equals("readings") && p.month().isBefore(current) && !p.compacted() && p.keyIndex() != null) {
                f = f.compose(v -> conn.query("REINDEX INDEX CONCURRENTLY " + p.keyIndex())
                        .execute()
                        .compose(x -> conn.query("COMMENT ON TABLE " + p.name() + " IS 'compacted'")
                                .execute())
                        .map(x -> {
                            report.getJsonArray("compacted").add(p.name());
                            return null;
                        }));
            }
        }
        return f;
    }

    private Future<Void> retain(SqlConnection conn, List<Part> parts, LocalDate current, JsonObject report) {
        if (retentionMonths.isEmpty()) {
            return Future.succeededFuture();
        }
        return conn.query(PROTECTED).execute().compose(rows -> {
            Row guard = rows.iterator().next();
            Future<Void> f = Future.succeededFuture();
            for (Part p : parts) {
                Integer months = retentionMonths.get(FAMILIES.get(p.table()));
                if (months == null || !p.month().isBefore(current.minusMonths(months - 1))) {
                    continue;
                }
                if (java.util.Arrays.asList(guard.getArrayOfLocalDates(p.table()))
                        .contains(p.month())) {
                    report.getJsonArray("kept").add(p.name());
                    continue;
                }
                f = f.compose(v -> conn.query("ALTER TABLE " + p.table() + " DETACH PARTITION " + p.name())
                        .execute()
                        .compose(x -> conn.query("DROP TABLE " + p.name()).execute())
                        .map(x -> {
                            report.getJsonArray("dropped").add(p.name());
                            LOG.info("retention: dropped {} (older than {} months)", p.name(), months);
                            return null;
                        }));
            }
            return f;
        });
    }
}
