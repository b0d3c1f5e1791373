package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
    private static final int SUBJECT_LOCK_NAMESPACE = 0x54570001;
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
            SELECT DISTINCT ON (r.subject, r.indicator, r.observed_at)
                   r.subject, r.indicator, r.observed_at, r.revision, r.value
            FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(subject, indicator, observed_at)
            JOIN readings r ON r.subject = k.subject AND r.indicator = k.indicator AND r.observed_at = k.observed_at
            ORDER BY r.subject, r.indicator, r.observed_at, r.revision DESC""";

    private static final String INSERT_ROWS = """
            INSERT INTO readings (indicator, subject, observed_at, value, unit, source, revision, submitted_by)
            SELECT u.indicator, u.subject, u.observed_at, u.value, u.unit, u.source, u.revision, u.submitted_by
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::text[], $6::text[], $7::int[],
                        $8::bigint[])
                 AS u(indicator, subject, observed_at, value, unit, source, revision, submitted_by)
            """;

    /**
     * The rows inserted (CTE {@code ins}) also record the latest observation of each (subject, indicator) in
     * {@code reporting_state} ($9 = now), in the same statement.
     */
    private static String withReportingState(String insert) {
        return "WITH ins AS (" + insert + """
                 RETURNING id, indicator, subject, observed_at, value, unit, revision
                ), reported AS (
                    INSERT INTO reporting_state (subject, indicator, last_observed_at, last_received_at)
                    SELECT subject, indicator, max(observed_at), $9::timestamptz FROM ins GROUP BY subject, indicator
                    ON CONFLICT (subject, indicator) DO UPDATE SET
                        last_observed_at = GREATEST(reporting_state.last_observed_at, EXCLUDED.last_observed_at),
                        last_received_at = EXCLUDED.last_received_at
                )
                SELECT * FROM ins""";
    }

    static final String INSERT = withReportingState(INSERT_ROWS);

    /** First revisions of keys never stored; a key already stored has its revision 1 and is skipped. */
    static final String INSERT_NEW =
            withReportingState(INSERT_ROWS + " ON CONFLICT ON CONSTRAINT readings_key DO NOTHING");

    /** The latest observation (revision in force) of each (subject, indicator) within a time range. */
    static final String LATEST_IN_RANGE = """
            SELECT DISTINCT ON (k.subject, k.indicator) k.subject, k.indicator, r.id, r.value, r.observed_at
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
                 AS k(subject, indicator, from_t, to_t)
            JOIN readings r ON r.subject = k.subject AND r.indicator = k.indicator
             AND r.observed_at >= k.from_t AND r.observed_at < k.to_t
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
              AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.resolved_at IS NULL AND a.subject = rs.subject
                              AND a.indicator = rs.indicator AND a.period = 'no-data')
            ORDER BY rs.subject, rs.indicator LIMIT 1000""";

    static final String IN_FORCE_BETWEEN = """
            SELECT DISTINCT ON (subject, indicator, observed_at) id, indicator, subject, observed_at, value, unit, revision
            FROM readings WHERE observed_at >= $1 AND observed_at < $2
            ORDER BY subject, indicator, observed_at, revision DESC""";

    /** Revision in force of one stored observation. */
    public record Latest(int revision, double value) {}

    /** Reading filter of {@code GET /api/v1/readings}; null fields do not filter. */
    public record Filter(String indicator, String subject, Instant from, Instant to, int limit, boolean allRevisions) {}

    private final Pool pool;

    public ReadingStore(Pool pool) {
        this.pool = pool;
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
                                new Latest(r.getInteger("revision"), r.getDouble("value")));
                    }
                    return out;
                });
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

    /** @param submitter the token that sent each input (a group-commit transaction holds several requests) */
    private Future<List<Reading>> insert(
            SqlConnection conn,
            String sql,
            List<ReadingInput> inputs,
            List<Integer> revisions,
            java.util.function.Function<ReadingInput, Long> submitter,
            Instant now) {
        int n = inputs.size();
        String[] indicators = new String[n];
        String[] subjects = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        Double[] values = new Double[n];
        String[] units = new String[n];
        String[] sources = new String[n];
        Long[] submitters = new Long[n];
        Integer[] revs = revisions.toArray(new Integer[0]);
        for (int i = 0; i < n; i++) {
            ReadingInput in = inputs.get(i);
            submitters[i] = submitter.apply(in);
            indicators[i] = in.indicator().code();
            subjects[i] = in.subject();
            times[i] = utc(in.observedAt());
            values[i] = in.value();
            units[i] = in.unit();
            sources[i] = in.source();
        }
        Tuple params = Tuple.tuple(
                Arrays.asList(indicators, subjects, times, values, units, sources, revs, submitters, utc(now)));
        return conn.preparedQuery(sql).execute(params).map(rows -> {
            List<Reading> out = new ArrayList<>(n);
            rows.forEach(r -> out.add(toReading(r)));
            return out;
        });
    }

    /** A subject overdue for an indicator: its latest observation and the allowance in minutes. */
    public record Overdue(String subject, String indicator, Instant lastObservedAt, int allowanceMinutes) {}

    public Future<List<Overdue>> overdue(Map<String, Integer> allowances, Instant now) {
        String[] indicators = allowances.keySet().toArray(new String[0]);
        Integer[] minutes = allowances.values().toArray(new Integer[0]);
        return pool.preparedQuery(OVERDUE)
                .execute(Tuple.tuple(List.of(indicators, minutes, utc(now))))
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

    /** The revisions in force of every reading observed in [from, to), as facts. */
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

    /** Every revision, or only the revision in force of each observation, oldest first. */
    static Filters.Query listQuery(Filter f) {
        Filters where = new Filters()
                .add("indicator =", f.indicator())
                .add("subject =", f.subject())
                .add("observed_at >=", f.from() == null ? null : utc(f.from()))
                .add("observed_at <", f.to() == null ? null : utc(f.to()));
        String sql = f.allRevisions()
                ? "SELECT * FROM readings " + where.where()
                        + " ORDER BY observed_at, subject, indicator, revision LIMIT " + where.bind(f.limit())
                : "SELECT * FROM (SELECT DISTINCT ON (subject, indicator, observed_at) * FROM readings " + where.where()
                        + " ORDER BY subject, indicator, observed_at, revision DESC) AS latest"
                        + " ORDER BY observed_at, subject, indicator LIMIT " + where.bind(f.limit());
        return new Filters.Query(sql, where.tuple());
    }

    /** A row with id, indicator, subject, observed_at, value, unit and revision as a {@link Reading} fact. */
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
                r.getInteger("revision"));
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
                .put("receivedAt", Times.format(r.getOffsetDateTime("received_at")));
    }

    static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
