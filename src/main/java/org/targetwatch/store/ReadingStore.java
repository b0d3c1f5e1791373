package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.targetwatch.common.Times;
import org.targetwatch.facts.Reading;

/**
 * Readings in PostgreSQL. Every method that takes a {@link SqlConnection} runs inside the caller's transaction;
 * each issues exactly one statement whatever the batch size.
 */
public final class ReadingStore {
    /** Advisory-lock namespace for "one writer per subject" (first key of the two-int lock). */
    public static final int SUBJECT_LOCK_NAMESPACE = 0x54570001;
    /** Advisory-lock namespace for "one writer per region's drinking-water compliance". */
    private static final int REGION_LOCK_NAMESPACE = 0x54570002;

    /** Locks are taken in the order of their keys (the hashes), so two batches that share keys never deadlock, even
     *  when two subjects' names hash alike. */
    static final String LOCK_SUBJECTS = """
            SELECT count(pg_advisory_xact_lock($1, h))
            FROM (SELECT DISTINCT hashtext(s) AS h FROM unnest($2::text[]) AS s ORDER BY h) AS sorted""";

    /** {@link SubjectStore#FIND} and the locks of the subjects found that are not districts, in key order as in
     *  {@link #LOCK_SUBJECTS}: every lock is taken (the aggregate consumes the sorted keys) before a row returns. */
    static final String FIND_AND_LOCK_SUBJECTS = """
            WITH locked AS (
                SELECT count(pg_advisory_xact_lock($2, h)) AS n
                FROM (SELECT DISTINCT hashtext(id) AS h FROM subjects
                      WHERE id = ANY($1::text[]) AND kind <> 'district' ORDER BY h) AS sorted)
            SELECT s.* FROM locked, subjects s WHERE s.id = ANY($1::text[])""";

    static final String LATEST_REVISIONS = """
            SELECT DISTINCT ON (k.subject, k.indicator, k.observed_at)
                   k.subject, k.indicator, k.observed_at, r.revision, r.value, r.flag
            FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(subject, indicator, observed_at)
            JOIN series s ON s.subject = k.subject AND s.indicator = k.indicator
            JOIN readings r ON r.series = s.id AND r.observed_at = k.observed_at
            ORDER BY k.subject, k.indicator, k.observed_at, r.revision DESC""";

    /**
     * Inserts rows given by series ($1), observation time, value, revision and batch, and records the latest
     * observation of each (subject, indicator) in {@code reporting_state} ($8 = now, $6/$7 = each row's subject
     * and indicator, $9 = each row's data flag or null), in one statement; returns the rows inserted with their ids.
     */
    private static String insertRows(String onConflict) {
        return """
                WITH u AS (
                    SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::int[], $5::bigint[],
                                         $6::text[], $7::text[], $9::text[])
                         AS u(series, observed_at, value, revision, batch, subject, indicator, flag)
                ), ins AS (
                    INSERT INTO readings (observed_at, value, batch, series, revision, flag)
                    SELECT observed_at, value, batch, series, revision, flag FROM u
                """ + onConflict + """
                    RETURNING series, observed_at, value, revision, flag
                ), reported AS (
                    INSERT INTO reporting_state (subject, indicator, last_observed_at, last_received_at)
                    SELECT k.subject, k.indicator, max(ins.observed_at), $8::timestamptz
                    FROM ins JOIN (SELECT DISTINCT series, subject, indicator FROM u) AS k ON k.series = ins.series
                    GROUP BY k.subject, k.indicator
                    ON CONFLICT (subject, indicator) DO UPDATE SET
                        last_observed_at = GREATEST(reporting_state.last_observed_at, EXCLUDED.last_observed_at),
                        last_received_at = EXCLUDED.last_received_at
                )
                SELECT reading_id(series, observed_at, revision) AS id, series, observed_at, value, revision, flag
                FROM ins""";
    }

    static final String INSERT = insertRows("");

    /** First revisions of keys never stored; a key already stored has its revision 1 and is skipped. */
    static final String INSERT_NEW = insertRows(" ON CONFLICT DO NOTHING");

    /**
     * The series of the given (subject, indicator, unit), created when missing for subjects that are registered.
     * Series of unregistered subjects are absent from the answer (their readings are refused anyway).
     */
    static final String SERIES = """
            WITH k AS (
                SELECT DISTINCT ON (subject, indicator) subject, indicator, unit
                FROM unnest($1::text[], $2::text[], $3::text[]) AS k(subject, indicator, unit)
            ), known AS (
                SELECT s.id, s.subject, s.indicator, s.unit FROM series s JOIN k USING (subject, indicator)
            ), added AS (
                INSERT INTO series (subject, indicator, unit)
                SELECT k.subject, k.indicator, k.unit FROM k
                WHERE EXISTS (SELECT 1 FROM subjects WHERE subjects.id = k.subject)
                  AND NOT EXISTS (SELECT 1 FROM known WHERE known.subject = k.subject AND known.indicator = k.indicator)
                ON CONFLICT (subject, indicator) DO NOTHING
                RETURNING id, subject, indicator, unit
            )
            SELECT * FROM known UNION ALL SELECT * FROM added""";

    /** The batch of each (submitter, source) received at $1 (a whole second), created when missing. */
    static final String BATCHES = """
            WITH k AS (
                SELECT DISTINCT submitted_by, source FROM unnest($2::bigint[], $3::text[]) AS k(submitted_by, source)
            ), added AS (
                INSERT INTO ingest_batches (received_at, submitted_by, source)
                SELECT $1::timestamptz, submitted_by, source FROM k
                ON CONFLICT (received_at, submitted_by, source) DO NOTHING
                RETURNING id, submitted_by, source
            )
            SELECT id, submitted_by, source FROM added
            UNION ALL
            SELECT b.id, b.submitted_by, b.source FROM ingest_batches b JOIN k
              ON b.received_at = $1::timestamptz AND b.submitted_by IS NOT DISTINCT FROM k.submitted_by
             AND b.source IS NOT DISTINCT FROM k.source""";

    /** The latest observation (revision in force) of each (subject, indicator) within a time range. */
    static final String LATEST_IN_RANGE = """
            SELECT DISTINCT ON (k.subject, k.indicator) k.subject, k.indicator,
                   reading_id(r.series, r.observed_at, r.revision) AS id, r.value, r.observed_at
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
                 AS k(subject, indicator, from_t, to_t)
            JOIN series s ON s.subject = k.subject AND s.indicator = k.indicator
            JOIN readings r ON r.series = s.id AND r.observed_at >= k.from_t AND r.observed_at < k.to_t
            ORDER BY k.subject, k.indicator, r.observed_at DESC, r.revision DESC""";

    /**
     * (subject, indicator) whose latest observation is older than the indicator's allowance and which sent nothing
     * for that long either (a fresh backfill of old data is not "missing" until the allowance has passed), without
     * an active no-data alert.
     */
    static final String OVERDUE = """
            SELECT rs.subject, rs.indicator, rs.last_observed_at, k.minutes
            FROM reporting_state rs
            JOIN unnest($1::text[], $2::int[]) AS k(indicator, minutes) ON rs.indicator = k.indicator
            WHERE rs.last_observed_at < $3::timestamptz - make_interval(mins => k.minutes)
              AND rs.last_received_at < $3::timestamptz - make_interval(mins => k.minutes)
              AND rs.last_received_at - rs.last_observed_at <= make_interval(hours => $4) + make_interval(mins => k.minutes)
              AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.resolved_at IS NULL AND a.subject = rs.subject
                              AND a.indicator = rs.indicator AND a.period = 'no-data')
            ORDER BY rs.subject, rs.indicator LIMIT 1000""";

    /**
     * Revisions in force observed in [$1, $2) that are valid values: one key range per series (the key leads with
     * the series). An observation whose revision in force carries a data flag is no fact.
     */
    static final String IN_FORCE_BETWEEN = """
            SELECT reading_id(r.series, r.observed_at, r.revision) AS id, s.indicator, s.subject, r.observed_at,
                   r.value, s.unit, r.revision, r.flag
            FROM series s CROSS JOIN LATERAL (
                SELECT DISTINCT ON (x.observed_at) x.* FROM readings x
                WHERE x.series = s.id AND x.observed_at >= $1 AND x.observed_at < $2
                ORDER BY x.observed_at, x.revision DESC) AS r
            WHERE r.flag IS NULL
            ORDER BY s.subject, s.indicator, r.observed_at""";

    /** The highest revision a reading keeps (its id holds 8 bits of revision; see reading_id() in V13). */
    public static final int MAX_REVISION = 255;

    /** Revision in force of one stored observation, with its data flag (null when valid). */
    public record Latest(int revision, double value, String flag) {}

    /** Reading filter of {@code GET /api/v1/readings}; null fields do not filter. */
    public record Filter(
            String indicator, String subject, Instant from, Instant to, int limit, boolean allRevisions, After after) {
        public Filter(String indicator, String subject, Instant from, Instant to, int limit, boolean allRevisions) {
            this(indicator, subject, from, to, limit, allRevisions, null);
        }
    }

    /**
     * Where a page of {@link #list} ended: the key of its last row in the list's order (observed_at, subject,
     * indicator, revision). The next page holds the rows after it, so a page boundary never repeats or skips a row
     * however many rows share an instant.
     */
    public record After(Instant observedAt, String subject, String indicator, int revision) {}

    /** A series' identity. */
    record SeriesKey(String subject, String indicator) {}

    /** A batch's identity: readings of one submitter and source received in one second share it. */
    record BatchKey(Instant receivedAt, Long submittedBy, String source) {}

    private final Pool pool;
    /** Series ids never change and series are never deleted, so this cache is never stale. */
    private final Map<SeriesKey, Integer> series = new java.util.concurrent.ConcurrentHashMap<>();
    /** Batches of recent seconds (committed rows). */
    private final Map<BatchKey, Long> batches = new java.util.concurrent.ConcurrentHashMap<>();

    private final Partitions partitions;

    public ReadingStore(Pool pool, Partitions partitions) {
        this.pool = pool;
        this.partitions = partitions;
    }

    /**
     * A store that only reads ({@link #list}, {@link #overdue}) from {@code pool}, e.g. the {@link ReadPool}: it has
     * no partitions to create, so it must never be asked to store a reading.
     */
    public static ReadingStore forReads(Pool pool) {
        return new ReadingStore(pool, null);
    }

    /**
     * Takes the transaction-scoped advisory lock of every subject, in sorted order (so two transactions never
     * deadlock on each other). Held until commit or rollback.
     */
    public Future<Void> lockSubjects(SqlConnection conn, Collection<String> subjects) {
        return lock(conn, SUBJECT_LOCK_NAMESPACE, subjects);
    }

    /**
     * The registered subjects among {@code ids}, by id, with the lock of each of them that is not a district taken
     * as {@link #lockSubjects} takes it: an ingest transaction's lookup and first locks in one round trip. Districts
     * are locked later (see IngestService), so the global lock order holds.
     */
    public Future<Map<String, org.targetwatch.facts.Subject>> findAndLockSubjects(
            SqlConnection conn, Collection<String> ids) {
        return conn.preparedQuery(FIND_AND_LOCK_SUBJECTS)
                .execute(Tuple.of(ids.toArray(new String[0]), SUBJECT_LOCK_NAMESPACE))
                .map(SubjectStore::byId);
    }

    /** Like {@link #lockSubjects}, for regions (a namespace of their own: a region may share a subject's name). */
    public Future<Void> lockRegions(SqlConnection conn, Collection<String> regions) {
        return lock(conn, REGION_LOCK_NAMESPACE, regions);
    }

    private static Future<Void> lock(SqlConnection conn, int namespace, Collection<String> keys) {
        String[] sorted = new TreeSet<>(keys).toArray(new String[0]);
        return conn.preparedQuery(LOCK_SUBJECTS)
                .execute(Tuple.tuple(List.of(namespace, sorted)))
                .mapEmpty();
    }

    /** The revision in force for each key that is already stored; keys never seen are absent from the map. */
    public Future<Map<ReadingInput.Key, Latest>> latestRevisions(
            SqlConnection conn, Collection<ReadingInput.Key> keys) {
        int n = keys.size();
        String[] subjects = new String[n];
        String[] indicators = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        int i = 0;
        for (ReadingInput.Key k : keys) {
            subjects[i] = k.subject();
            indicators[i] = k.indicator();
            times[i] = utc(k.observedAt());
            i++;
        }
        return conn.preparedQuery(LATEST_REVISIONS)
                .execute(Tuple.tuple(List.of(subjects, indicators, times)))
                .map(rows -> {
                    Map<ReadingInput.Key, Latest> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(
                                new ReadingInput.Key(
                                        r.getString("indicator"),
                                        r.getString("subject"),
                                        r.getOffsetDateTime("observed_at").toInstant()),
                                new Latest(r.getInteger("revision"), r.getDouble("value"), r.getString("flag")));
                    }
                    return out;
                });
    }

    /**
     * Resolves, outside any transaction, the month partitions of the inputs, their series and the batch of each (submitter, source)
     * received at {@code now}, creating those missing, and keeps them for {@link #insert}: an ingest transaction
     * then needs no round trip for them and never waits on another transaction's new batch row. Rows created here
     * are committed at once; a series is created only for a registered subject, and an unused batch row is harmless.
     */
    public Future<Void> prepare(
            List<ReadingInput> inputs, java.util.function.Function<ReadingInput, Long> submitter, Instant now) {
        List<ReadingInput> unknown =
                inputs.stream().filter(in -> !series.containsKey(seriesKey(in))).toList();
        Future<Void> months = partitions.ensureReadingMonths(
                inputs.stream().map(ReadingInput::observedAt).toList());
        Future<Map<SeriesKey, Integer>> s = unknown.isEmpty()
                ? months.map(Map.of())
                : months.compose(v -> resolveSeries(pool, unknown))
                        .onSuccess(series::putAll)
                        .compose(found -> {
                            // a series another transaction created at the same moment is skipped by ON CONFLICT
                            // and not yet visible to the statement: a second look, in a new snapshot, finds it
                            List<ReadingInput> racing = unknown.stream()
                                    .filter(in -> !series.containsKey(seriesKey(in)))
                                    .toList();
                            return racing.isEmpty()
                                    ? Future.succeededFuture(found)
                                    : resolveSeries(pool, racing).onSuccess(series::putAll);
                        });
        Instant second = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<BatchKey> missing = inputs.stream()
                .map(in -> new BatchKey(second, submitter.apply(in), in.source()))
                .distinct()
                .filter(k -> !batches.containsKey(k))
                .toList();
        if (missing.isEmpty()) {
            return s.mapEmpty();
        }
        if (batches.size() > 10_000) {
            batches.keySet().removeIf(k -> k.receivedAt().isBefore(second));
        }
        return s.compose(x -> resolveBatches(pool, second, missing).onSuccess(batches::putAll))
                .compose(found -> {
                    // the same second look as for series
                    List<BatchKey> racing = missing.stream()
                            .filter(k -> !batches.containsKey(k))
                            .toList();
                    return racing.isEmpty()
                            ? Future.succeededFuture(found)
                            : resolveBatches(pool, second, racing).onSuccess(batches::putAll);
                })
                .mapEmpty();
    }

    /**
     * Whether {@link #insert} of these inputs must first resolve a series or batch in the caller's transaction (a
     * round trip before its insert statement is sent), i.e. {@link #prepare} did not resolve them all.
     */
    public boolean mustResolve(
            List<ReadingInput> inputs, java.util.function.Function<ReadingInput, Long> submitter, Instant now) {
        Instant second = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (ReadingInput in : inputs) {
            if (!series.containsKey(seriesKey(in))
                    || !batches.containsKey(new BatchKey(second, submitter.apply(in), in.source()))) {
                return true;
            }
        }
        return false;
    }

    /** The series of (subject, indicator) pairs, created when missing, as id by key. */
    private static Future<Map<SeriesKey, Integer>> resolveSeries(SqlClient client, List<ReadingInput> inputs) {
        String[] subjects = inputs.stream().map(ReadingInput::subject).toArray(String[]::new);
        String[] indicators = inputs.stream().map(in -> in.indicator().code()).toArray(String[]::new);
        String[] units = inputs.stream().map(ReadingInput::unit).toArray(String[]::new);
        return client.preparedQuery(SERIES)
                .execute(Tuple.tuple(List.of(subjects, indicators, units)))
                .map(rows -> {
                    Map<SeriesKey, Integer> out = new HashMap<>();
                    rows.forEach(r -> out.put(
                            new SeriesKey(r.getString("subject"), r.getString("indicator")), r.getInteger("id")));
                    return out;
                });
    }

    private static Future<Map<BatchKey, Long>> resolveBatches(SqlClient client, Instant second, List<BatchKey> keys) {
        Long[] submitters = keys.stream().map(BatchKey::submittedBy).toArray(Long[]::new);
        String[] sources = keys.stream().map(BatchKey::source).toArray(String[]::new);
        return client.preparedQuery(BATCHES)
                .execute(Tuple.tuple(List.of(utc(second), submitters, sources)))
                .map(rows -> {
                    Map<BatchKey, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(
                            new BatchKey(second, r.getLong("submitted_by"), r.getString("source")), r.getLong("id")));
                    return out;
                });
    }

    private static SeriesKey seriesKey(ReadingInput in) {
        return new SeriesKey(in.subject(), in.indicator().code());
    }

    /**
     * Inserts the rows (each with its revision) in one statement, recording them in {@code reporting_state} as
     * received at {@code now}, and returns them as facts.
     */
    public Future<List<Reading>> insert(
            SqlConnection conn,
            List<ReadingInput> inputs,
            List<Integer> revisions,
            java.util.function.Function<ReadingInput, Long> submitter,
            Instant now) {
        return insert(conn, INSERT, inputs, revisions, submitter, now);
    }

    /**
     * Inserts revision 1 of every input whose key was never stored, in one statement, and returns those rows as
     * facts (recorded in {@code reporting_state} as received at {@code now}); inputs whose key is stored already
     * (repeats and corrections) are absent from the result. The caller holds the subjects' locks, so "never
     * stored" cannot change before commit.
     */
    public Future<List<Reading>> insertNew(
            SqlConnection conn,
            List<ReadingInput> inputs,
            java.util.function.Function<ReadingInput, Long> submitter,
            Instant now) {
        return insert(conn, INSERT_NEW, inputs, java.util.Collections.nCopies(inputs.size(), 1), submitter, now);
    }

    /**
     * @param submitter the token that sent each input (a group-commit transaction holds several requests)
     * Series and batches that {@link #prepare} did not resolve (it was not called, or a subject was registered
     * since) are resolved here, in the caller's transaction, and not kept: they vanish if it rolls back.
     */
    private Future<List<Reading>> insert(
            SqlConnection conn,
            String sql,
            List<ReadingInput> inputs,
            List<Integer> revisions,
            java.util.function.Function<ReadingInput, Long> submitter,
            Instant now) {
        Instant second = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Map<SeriesKey, Integer> seriesOf = new HashMap<>();
        List<ReadingInput> unknownSeries = new ArrayList<>();
        Map<BatchKey, Long> batchOf = new HashMap<>();
        List<BatchKey> unknownBatches = new ArrayList<>();
        for (ReadingInput in : inputs) {
            SeriesKey sk = seriesKey(in);
            Integer id = series.get(sk);
            if (id != null) {
                seriesOf.put(sk, id);
            } else {
                unknownSeries.add(in);
            }
            BatchKey bk = new BatchKey(second, submitter.apply(in), in.source());
            Long b = batches.get(bk);
            if (b != null) {
                batchOf.put(bk, b);
            } else if (!batchOf.containsKey(bk)) {
                batchOf.put(bk, null);
                unknownBatches.add(bk);
            }
        }
        Future<Void> resolved = Future.succeededFuture();
        if (!unknownSeries.isEmpty()) {
            resolved = resolved.compose(x -> resolveSeries(conn, unknownSeries).map(found -> {
                seriesOf.putAll(found);
                return null;
            }));
        }
        if (!unknownBatches.isEmpty()) {
            resolved = resolved.compose(
                    x -> resolveBatches(conn, second, unknownBatches).map(found -> {
                        batchOf.putAll(found);
                        return null;
                    }));
        }
        return resolved.compose(x -> {
            int n = inputs.size();
            Integer[] seriesIds = new Integer[n];
            OffsetDateTime[] times = new OffsetDateTime[n];
            Double[] values = new Double[n];
            Long[] batchIds = new Long[n];
            String[] subjects = new String[n];
            String[] indicators = new String[n];
            String[] flags = new String[n];
            Integer[] revs = revisions.toArray(new Integer[0]);
            Map<Integer, ReadingInput> bySeries = new HashMap<>();
            for (int i = 0; i < n; i++) {
                ReadingInput in = inputs.get(i);
                seriesIds[i] = seriesOf.get(seriesKey(in));
                if (seriesIds[i] == null) {
                    throw new IllegalStateException("no series for unregistered subject " + in.subject());
                }
                bySeries.putIfAbsent(seriesIds[i], in);
                batchIds[i] = batchOf.get(new BatchKey(second, submitter.apply(in), in.source()));
                times[i] = utc(in.observedAt());
                values[i] = in.value();
                subjects[i] = in.subject();
                indicators[i] = in.indicator().code();
                flags[i] = in.flag();
            }
            Tuple params = Tuple.tuple(
                    Arrays.asList(seriesIds, times, values, revs, batchIds, subjects, indicators, utc(now), flags));
            return conn.preparedQuery(sql).execute(params).map(rows -> {
                List<Reading> out = new ArrayList<>(n);
                for (Row r : rows) {
                    ReadingInput of = bySeries.get(r.getInteger("series"));
                    Instant at = r.getOffsetDateTime("observed_at").toInstant();
                    out.add(new Reading(
                            r.getLong("id"),
                            of.indicator().code(),
                            of.subject(),
                            at,
                            at.atZone(Times.ZONE).toLocalDate(),
                            r.getDouble("value"),
                            of.unit(),
                            r.getInteger("revision"),
                            r.getString("flag")));
                }
                return out;
            });
        });
    }

    /** A subject overdue for an indicator: its latest observation and the allowance in minutes. */
    public record Overdue(String subject, String indicator, Instant lastObservedAt, int allowanceMinutes) {}

    /**
     * The (subject, indicator) pairs overdue at {@code now}: no observation and nothing received for longer than
     * the indicator's allowance, with no open no-data alert. A pair whose latest reading arrived more than
     * {@code liveWindow} plus the allowance after it was observed was back-filled, not reported live: it is not
     * overdue (history does not raise no-data alerts).
     */
    public Future<List<Overdue>> overdue(Map<String, Integer> allowances, java.time.Duration liveWindow, Instant now) {
        String[] indicators = allowances.keySet().toArray(new String[0]);
        Integer[] minutes = allowances.values().toArray(new Integer[0]);
        return pool.preparedQuery(OVERDUE)
                .execute(Tuple.tuple(List.of(indicators, minutes, utc(now), (int) liveWindow.toHours())))
                .map(rs -> {
                    List<Overdue> out = new ArrayList<>();
                    rs.forEach(r -> out.add(new Overdue(
                            r.getString("subject"),
                            r.getString("indicator"),
                            r.getOffsetDateTime("last_observed_at").toInstant(),
                            r.getInteger("minutes"))));
                    return out;
                });
    }

    /** The revisions in force of every reading observed in [from, to) that are valid values, as facts. */
    public Future<List<Reading>> inForceBetween(SqlConnection conn, Instant from, Instant to) {
        return conn.preparedQuery(IN_FORCE_BETWEEN)
                .execute(Tuple.of(utc(from), utc(to)))
                .map(rows -> {
                    List<Reading> out = new ArrayList<>();
                    rows.forEach(r -> out.add(toReading(r)));
                    return out;
                });
    }

    /** A (subject, indicator) and a time range [from, to). */
    public record RangeKey(String subject, String indicator, Instant from, Instant to) {}

    /** A stored observation: the id and value of the revision in force. */
    public record Observed(long id, double value) {}

    /** The latest observation of each key's range; keys with none are absent. */
    public Future<Map<RangeKey, Observed>> latestInRange(SqlConnection conn, List<RangeKey> keys) {
        int n = keys.size();
        String[] subjects = new String[n];
        String[] indicators = new String[n];
        OffsetDateTime[] from = new OffsetDateTime[n];
        OffsetDateTime[] to = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            subjects[i] = keys.get(i).subject();
            indicators[i] = keys.get(i).indicator();
            from[i] = utc(keys.get(i).from());
            to[i] = utc(keys.get(i).to());
        }
        return conn.preparedQuery(LATEST_IN_RANGE)
                .execute(Tuple.tuple(List.of(subjects, indicators, from, to)))
                .map(rows -> {
                    Map<RangeKey, Observed> out = new HashMap<>();
                    for (Row r : rows) {
                        for (RangeKey k : keys) {
                            if (k.subject().equals(r.getString("subject"))
                                    && k.indicator().equals(r.getString("indicator"))) {
                                out.put(k, new Observed(r.getLong("id"), r.getDouble("value")));
                            }
                        }
                    }
                    return out;
                });
    }

    /** Readings matching the filter, oldest first. */
    public Future<List<JsonObject>> list(Filter f) {
        Filters.Query q = listQuery(f);
        return pool.preparedQuery(q.sql()).execute(q.params()).map(rows -> {
            List<JsonObject> out = new ArrayList<>();
            rows.forEach(r -> out.add(toJson(r)));
            return out;
        });
    }

    /**
     * Every revision, or only the revision in force of each observation, oldest first. The series that match the
     * subject and indicator filters each give at most {@code limit} rows by a range of their key (LATERAL), and
     * the earliest of those are the answer: the work is bounded by series × limit, never by the table's size.
     */
    static Filters.Query listQuery(Filter f) {
        Filters q = new Filters();
        StringBuilder range = new StringBuilder();
        if (f.from() != null) {
            range.append(" AND r.observed_at >= ").append(q.bind(utc(f.from())));
        }
        if (f.to() != null) {
            range.append(" AND r.observed_at < ").append(q.bind(utc(f.to())));
        }
        if (f.after() != null) {
            // the first condition is the index's range; the row comparison drops what the last page already held
            String at = q.bind(utc(f.after().observedAt()));
            range.append(" AND r.observed_at >= ")
                    .append(at)
                    .append(" AND (r.observed_at, s.subject, s.indicator, r.revision) > (")
                    .append(at)
                    .append(", ")
                    .append(q.bind(f.after().subject()))
                    .append("::text, ")
                    .append(q.bind(f.after().indicator()))
                    .append("::text, ")
                    .append(q.bind(f.after().revision()))
                    .append("::int)");
        }
        String limit = q.bind(f.limit());
        q.add("s.indicator =", f.indicator()).add("s.subject =", f.subject());
        String perSeries = f.allRevisions()
                ? "SELECT r.* FROM readings r WHERE r.series = s.id" + range
                        + " ORDER BY r.observed_at, r.revision LIMIT " + limit
                : "SELECT DISTINCT ON (r.observed_at) r.* FROM readings r WHERE r.series = s.id" + range
                        + " ORDER BY r.observed_at, r.revision DESC LIMIT " + limit;
        String sql = "SELECT reading_id(x.series, x.observed_at, x.revision) AS id, s.indicator, s.subject,"
                + " x.observed_at, x.value, s.unit, b.source, x.revision, b.received_at, x.flag"
                + " FROM series s CROSS JOIN LATERAL (" + perSeries + ") AS x"
                + " LEFT JOIN ingest_batches b ON b.id = x.batch "
                + q.where()
                + " ORDER BY x.observed_at, s.subject, s.indicator, x.revision LIMIT " + limit;
        return new Filters.Query(sql, q.tuple());
    }

    /** A row with id, indicator, subject, observed_at, value, unit, revision and flag as a {@link Reading} fact. */
    public static Reading toReading(Row r) {
        Instant at = r.getOffsetDateTime("observed_at").toInstant();
        return new Reading(
                r.getLong("id"),
                r.getString("indicator"),
                r.getString("subject"),
                at,
                at.atZone(Times.ZONE).toLocalDate(),
                r.getDouble("value"),
                r.getString("unit"),
                r.getInteger("revision"),
                r.getString("flag"));
    }

    static JsonObject toJson(Row r) {
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("indicator", r.getString("indicator"))
                .put("subject", r.getString("subject"))
                .put("observedAt", Times.format(r.getOffsetDateTime("observed_at")))
                .put("value", r.getDouble("value"))
                .put("unit", r.getString("unit"))
                .put("source", r.getString("source"))
                .put("revision", r.getInteger("revision"))
                .put("flag", r.getString("flag"))
                .put("receivedAt", Times.format(r.getOffsetDateTime("received_at")));
    }

    static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
