package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.targetwatch.common.Times;

/**
 * The imports, import_rows and import_errors tables (V17): an import's progress, its staged readings (validated,
 * one row per reading, keyed by station-day) and its refused rows. See {@code org.targetwatch.ingest.imports}.
 */
public final class ImportStore {
    /** A staged reading: where it came from in the file ({@code row}) and what it says. */
    public record Staged(
            String subject,
            LocalDate day,
            String indicator,
            Instant observedAt,
            double value,
            String flag,
            String source,
            long row) {}

    /** A refused row of the file: its data row (null: the file as a whole), the field and the reason. */
    public record Refused(Long row, String field, String reason) {}

    /** One station-day staged, with its number of readings. */
    public record Day(String subject, LocalDate day, long readings) {}

    static final String INSERT = """
            INSERT INTO imports (id, file_name, content_type, params, path, bytes, created_by, submitted_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())""";
    static final String STAGE = """
            INSERT INTO import_rows (import, subject, day, indicator, observed_at, value, flag, source, row)
            SELECT $1, * FROM unnest($2::text[], $3::date[], $4::text[], $5::timestamptz[], $6::float8[], $7::text[],
                                     $8::text[], $9::bigint[])
            ON CONFLICT DO NOTHING RETURNING subject, indicator, observed_at""";
    /** For rows that were not staged (their key was): the earlier row of the same key and its value. */
    static final String EARLIER = """
            SELECT r.row, r.value, r.flag, u.ord FROM unnest($2::text[], $3::date[], $4::text[], $5::timestamptz[])
                   WITH ORDINALITY AS u(subject, day, indicator, observed_at, ord)
            JOIN import_rows r ON r.import = $1 AND r.subject = u.subject AND r.day = u.day
                              AND r.indicator = u.indicator AND r.observed_at = u.observed_at""";

    static final String REFUSE = """
            INSERT INTO import_errors (import, row, field, reason)
            SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])""";
    static final String DAYS = """
            SELECT subject, day, count(*) AS n FROM import_rows
            WHERE import = $1 AND (subject, day) > ($2, $3)
            GROUP BY subject, day ORDER BY subject, day LIMIT $4""";
    static final String ROWS = """
            SELECT subject, day, indicator, observed_at, value, flag, source, row FROM import_rows
            WHERE import = $1 AND (subject, day) > ($2, $3) AND (subject, day) <= ($4, $5)
            ORDER BY subject, day, indicator, observed_at""";
    static final String GET = "SELECT * FROM imports WHERE id = $1";
    static final String LIST = "SELECT * FROM imports ORDER BY created_at DESC LIMIT $1";

    private final Pool pool;

    public ImportStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> insert(
            UUID id,
            String fileName,
            String contentType,
            JsonObject params,
            String path,
            long bytes,
            String createdBy,
            Long submittedBy) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.tuple(
                        Arrays.asList(id, fileName, contentType, params, path, bytes, createdBy, submittedBy)))
                .mapEmpty();
    }

    /** Deletes the import with its staged rows (import_rows has no foreign key: see V24) and refused rows. */
    public Future<Void> delete(UUID id) {
        return pool.withTransaction(c -> c.preparedQuery("DELETE FROM import_rows WHERE import = $1")
                .execute(Tuple.of(id))
                .compose(x ->
                        c.preparedQuery("DELETE FROM imports WHERE id = $1").execute(Tuple.of(id)))
                .mapEmpty());
    }

    /** Starts (or restarts) the reading phase: whatever an interrupted reading staged or refused is dropped. */
    public Future<Void> startReading(UUID id) {
        return pool.withTransaction(c -> c.preparedQuery("DELETE FROM import_rows WHERE import = $1")
                .execute(Tuple.of(id))
                .compose(x -> c.preparedQuery("DELETE FROM import_errors WHERE import = $1")
                        .execute(Tuple.of(id)))
                .compose(x -> c.preparedQuery("""
                                UPDATE imports SET phase = 'reading', phase_started_at = now(), bytes_read = 0,
                                       rows_read = 0, readings = 0, refused = 0, skipped = 0, applied = 0, stored = 0,
                                       corrections = 0, unchanged = 0, cursor_subject = NULL, cursor_day = NULL,
                                       alerts = '{}', error = NULL, finished_at = NULL
                                WHERE id = $1""").execute(Tuple.of(id)))
                .mapEmpty());
    }

    /** The reading phase's progress: bytes read, rows read, readings staged, rows refused and rows skipped. */
    public Future<Void> readProgress(
            UUID id, long bytesRead, long rowsRead, long readings, long refused, long skipped) {
        return pool.preparedQuery("""
                        UPDATE imports SET bytes_read = $2, rows_read = $3, readings = $4, refused = $5, skipped = $6
                        WHERE id = $1""")
                .execute(Tuple.of(id, bytesRead, rowsRead, readings, refused, skipped))
                .mapEmpty();
    }

    /** The file has been read whole: the applying phase starts at the first station-day. */
    public Future<Void> startApplying(UUID id, List<String> ignoredColumns) {
        return pool.preparedQuery("""
                        UPDATE imports SET phase = 'applying', phase_started_at = now(), ignored_columns = $2
                        WHERE id = $1""")
                .execute(Tuple.of(id, new JsonArray(ignoredColumns)))
                .mapEmpty();
    }

    /**
     * Analyses import_rows, before an import's staged rows are applied. Until autovacuum comes by, its statistics
     * describe the table before the import staged its rows, and with them the planner sorts every row after the
     * cursor for each page of {@link #days} and {@link #rows} (a bitmap scan and a sort: 98 ms a page at 150,000
     * rows, growing with the import) instead of reading the key index in order and stopping at the page's end.
     */
    public Future<Void> analyze() {
        return pool.query("ANALYZE import_rows").execute().mapEmpty();
    }

    /**
     * Stages readings; rows whose key (subject, indicator, observedAt) an earlier row of the file already staged
     * are not: each comes back as {@code -1} (the same value: a repeat, nothing to do) or as the earlier row's
     * number (another value or flag: a conflict).
     *
     * @return per given reading, in order: {@code null} staged, {@code -1L} a repeat, else the conflicting row
     */
    public Future<List<Long>> stage(UUID id, List<Staged> rows) {
        int n = rows.size();
        String[] subject = new String[n];
        LocalDate[] day = new LocalDate[n];
        String[] indicator = new String[n];
        java.time.OffsetDateTime[] at = new java.time.OffsetDateTime[n];
        Double[] value = new Double[n];
        String[] flag = new String[n];
        String[] source = new String[n];
        Long[] row = new Long[n];
        for (int i = 0; i < n; i++) {
            Staged s = rows.get(i);
            subject[i] = s.subject();
            day[i] = s.day();
            indicator[i] = s.indicator();
            at[i] = ReadingStore.utc(s.observedAt());
            value[i] = s.value();
            flag[i] = s.flag();
            source[i] = s.source();
            row[i] = s.row();
        }
        return pool.preparedQuery(STAGE)
                .execute(Tuple.tuple(Arrays.asList(id, subject, day, indicator, at, value, flag, source, row)))
                .compose(rs -> {
                    Set<String> staged = new HashSet<>();
                    rs.forEach(r -> staged.add(key(
                            r.getString("subject"),
                            r.getString("indicator"),
                            r.getOffsetDateTime("observed_at").toInstant())));
                    List<Long> out = new ArrayList<>(n);
                    List<Integer> missing = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        out.add(null);
                        if (!staged.contains(
                                key(subject[i], indicator[i], rows.get(i).observedAt()))) {
                            missing.add(i);
                        }
                    }
                    if (missing.isEmpty()) {
                        return Future.succeededFuture(out);
                    }
                    int m = missing.size();
                    String[] ms = new String[m];
                    LocalDate[] md = new LocalDate[m];
                    String[] mi = new String[m];
                    java.time.OffsetDateTime[] ma = new java.time.OffsetDateTime[m];
                    for (int k = 0; k < m; k++) {
                        int i = missing.get(k);
                        ms[k] = subject[i];
                        md[k] = day[i];
                        mi[k] = indicator[i];
                        ma[k] = at[i];
                    }
                    return pool.preparedQuery(EARLIER)
                            .execute(Tuple.tuple(Arrays.asList(id, ms, md, mi, ma)))
                            .map(found -> {
                                for (Row r : found) {
                                    int i = missing.get(r.getLong("ord").intValue() - 1);
                                    boolean same = Double.compare(r.getDouble("value"), value[i]) == 0
                                            && java.util.Objects.equals(r.getString("flag"), flag[i]);
                                    out.set(i, same ? -1L : r.getLong("row"));
                                }
                                return out;
                            });
                });
    }

    private static String key(String subject, String indicator, Instant at) {
        return subject + '\u0000' + indicator + '\u0000' + at.toEpochMilli();
    }

    public Future<Void> refuse(UUID id, List<Refused> refused) {
        if (refused.isEmpty()) {
            return Future.succeededFuture();
        }
        int n = refused.size();
        Long[] row = new Long[n];
        String[] field = new String[n];
        String[] reason = new String[n];
        for (int i = 0; i < n; i++) {
            row[i] = refused.get(i).row();
            field[i] = refused.get(i).field();
            reason[i] = refused.get(i).reason();
        }
        return pool.preparedQuery(REFUSE)
                .execute(Tuple.tuple(Arrays.asList(id, row, field, reason)))
                .mapEmpty();
    }

    /** A cursor's subject; before any (null) is the empty string, below every subject id (never empty). */
    private static String cursorSubject(String afterSubject) {
        return afterSubject == null ? "" : afterSubject;
    }

    private static LocalDate cursorDay(LocalDate afterDay) {
        return afterDay == null ? LocalDate.of(1, 1, 1) : afterDay;
    }

    /** The next station-days after the cursor (null: from the first), at most {@code limit}. */
    public Future<List<Day>> days(UUID id, String afterSubject, LocalDate afterDay, int limit) {
        return pool.preparedQuery(DAYS)
                .execute(Tuple.of(id, cursorSubject(afterSubject), cursorDay(afterDay), limit))
                .map(rs -> {
                    List<Day> out = new ArrayList<>();
                    rs.forEach(r -> out.add(new Day(r.getString("subject"), r.getLocalDate("day"), r.getLong("n"))));
                    return out;
                });
    }

    /** The staged readings of the station-days after the cursor up to and including {@code last}. */
    public Future<List<Staged>> rows(UUID id, String afterSubject, LocalDate afterDay, Day last) {
        return pool.preparedQuery(ROWS)
                .execute(Tuple.of(id, cursorSubject(afterSubject), cursorDay(afterDay), last.subject(), last.day()))
                .map(rs -> {
                    List<Staged> out = new ArrayList<>(rs.size());
                    for (Row r : rs) {
                        out.add(new Staged(
                                r.getString("subject"),
                                r.getLocalDate("day"),
                                r.getString("indicator"),
                                r.getOffsetDateTime("observed_at").toInstant(),
                                r.getDouble("value"),
                                r.getString("flag"),
                                r.getString("source"),
                                r.getLong("row")));
                    }
                    return out;
                });
    }

    /**
     * Records the station-days up to {@code last} as applied, with what the ingest path did with them and the alerts
     * they touched (alert id → rule, severity, status, historical).
     */
    public Future<Void> applied(
            UUID id,
            Day last,
            long applied,
            long stored,
            long corrections,
            long unchanged,
            long refused,
            JsonObject alerts) {
        return pool.preparedQuery("""
                        UPDATE imports SET cursor_subject = $2, cursor_day = $3, applied = applied + $4,
                               stored = stored + $5, corrections = corrections + $6, unchanged = unchanged + $7,
                               refused = refused + $8, alerts = alerts || $9
                        WHERE id = $1""")
                .execute(Tuple.tuple(Arrays.asList(
                        id, last.subject(), last.day(), applied, stored, corrections, unchanged, refused, alerts)))
                .mapEmpty();
    }

    /** Ends the import; its staged readings are dropped (the refused rows are kept with it). */
    public Future<Void> finish(UUID id, String error) {
        return pool.withTransaction(c -> c.preparedQuery("""
                                UPDATE imports SET phase = $2, error = $3, finished_at = now() WHERE id = $1""")
                .execute(Tuple.of(id, error == null ? "done" : "failed", error))
                .compose(x -> error != null
                        ? Future.succeededFuture()
                        : c.preparedQuery("DELETE FROM import_rows WHERE import = $1")
                                .execute(Tuple.of(id))
                                .mapEmpty())
                .mapEmpty());
    }

    /** The import's row, raw (for the job that runs it). */
    public Future<Optional<Row>> row(UUID id) {
        return pool.preparedQuery(GET)
                .execute(Tuple.of(id))
                .map(rs -> rs.size() == 0
                        ? Optional.empty()
                        : Optional.of(rs.iterator().next()));
    }

    /** The import as the API shows it. */
    public Future<Optional<JsonObject>> get(UUID id, Instant now) {
        return row(id).map(r -> r.map(x -> toJson(x, now)));
    }

    public Future<List<JsonObject>> list(int limit, Instant now) {
        return pool.preparedQuery(LIST).execute(Tuple.of(limit)).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(toJson(r, now)));
            return out;
        });
    }

    /** One page of refused rows after {@code afterSeq}, in file order of refusal: seq, row, field, reason. */
    public Future<List<Row>> errors(UUID id, long afterSeq, int limit) {
        return pool.preparedQuery("""
                        SELECT seq, row, field, reason FROM import_errors WHERE import = $1 AND seq > $2
                        ORDER BY seq LIMIT $3""").execute(Tuple.of(id, afterSeq, limit)).map(rs -> {
            List<Row> out = new ArrayList<>();
            rs.forEach(out::add);
            return out;
        });
    }

    /**
     * An import as the API shows it. {@code rate} is the current phase's rate (rows read per second while reading,
     * readings applied per second while applying) and {@code etaSeconds} the time that phase still needs at that
     * rate; {@code progress} is the share of the whole import done (reading counts for its first 20 %, by bytes).
     */
    static JsonObject toJson(Row r, Instant now) {
        String phase = r.getString("phase");
        long bytes = r.getLong("bytes");
        long bytesRead = r.getLong("bytes_read");
        long rowsRead = r.getLong("rows_read");
        long readings = r.getLong("readings");
        long applied = r.getLong("applied");
        java.time.OffsetDateTime started = r.getOffsetDateTime("phase_started_at");
        double seconds = started == null
                ? 0
                : Math.max(0.001, (now.toEpochMilli() - started.toInstant().toEpochMilli()) / 1000.0);
        Double rate = null;
        Long eta = null;
        double progress;
        switch (phase) {
            case "reading" -> {
                double share = bytes == 0 ? 0 : (double) bytesRead / bytes;
                progress = 0.2 * share;
                if (seconds > 0 && rowsRead > 0) {
                    rate = rowsRead / seconds;
                    eta = share <= 0 ? null : Math.round(seconds * (1 - share) / share);
                }
            }
            case "applying" -> {
                double share = readings == 0 ? 1 : (double) applied / readings;
                progress = 0.2 + 0.8 * share;
                if (seconds > 0 && applied > 0) {
                    rate = applied / seconds;
                    eta = Math.round((readings - applied) / rate);
                }
            }
            case "done" -> progress = 1;
            default -> progress = 0;
        }
        JsonObject alerts = (JsonObject) r.getJson("alerts");
        String id = r.getUUID("id").toString();
        return new JsonObject()
                .put("id", id)
                .put("status", phase)
                .put("fileName", r.getString("file_name"))
                .put("contentType", r.getString("content_type"))
                .put("params", r.getJson("params"))
                .put("bytes", bytes)
                .put("bytesRead", bytesRead)
                .put("rowsRead", rowsRead)
                .put("readings", readings)
                .put("applied", applied)
                .put("stored", r.getLong("stored"))
                .put("corrections", r.getLong("corrections"))
                .put("unchanged", r.getLong("unchanged"))
                .put("refused", r.getLong("refused"))
                .put("skipped", r.getLong("skipped"))
                .put("progress", Math.round(progress * 1000) / 1000.0)
                .put("rate", rate == null ? null : Math.round(rate * 10) / 10.0)
                .put("etaSeconds", eta)
                .put("alerts", summary(alerts))
                .put("ignoredColumns", r.getJson("ignored_columns"))
                .put(
                        "cursor",
                        r.getString("cursor_subject") == null
                                ? null
                                : new JsonObject()
                                        .put("subject", r.getString("cursor_subject"))
                                        .put("day", r.getLocalDate("cursor_day").toString()))
                .put("error", r.getString("error"))
                .put("createdBy", r.getString("created_by"))
                .put("createdAt", Times.format(r.getOffsetDateTime("created_at")))
                .put(
                        "finishedAt",
                        r.getOffsetDateTime("finished_at") == null
                                ? null
                                : Times.format(r.getOffsetDateTime("finished_at")))
                .put(
                        "links",
                        new JsonObject()
                                .put("self", "/api/v1/imports/" + id)
                                .put("errors", "/api/v1/imports/" + id + "/errors")
                                .put("job", "/api/v1/jobs/" + id));
    }

    /**
     * The alerts an import touched, counted: {@code total}, {@code historical}, {@code bySeverity} and
     * {@code byRule} (rule → severity → count), from the stored map alert id → {rule, severity, status, historical}.
     */
    public static JsonObject summary(JsonObject alerts) {
        JsonObject bySeverity = new JsonObject();
        java.util.TreeMap<String, java.util.TreeMap<String, Integer>> byRule = new java.util.TreeMap<>();
        int historical = 0;
        int open = 0;
        for (String alertId : alerts.fieldNames()) {
            JsonObject a = alerts.getJsonObject(alertId);
            String severity = a.getString("severity");
            bySeverity.put(severity, bySeverity.getInteger(severity, 0) + 1);
            byRule.computeIfAbsent(a.getString("rule"), k -> new java.util.TreeMap<>())
                    .merge(severity, 1, Integer::sum);
            if (Boolean.TRUE.equals(a.getBoolean("historical"))) {
                historical++;
            }
            if (!"resolved".equals(a.getString("status")) && !"withdrawn".equals(a.getString("status"))) {
                open++;
            }
        }
        JsonArray rules = new JsonArray();
        byRule.forEach((rule, counts) -> {
            JsonObject c = new JsonObject();
            counts.forEach(c::put);
            rules.add(new JsonObject().put("rule", rule).put("bySeverity", c));
        });
        return new JsonObject()
                .put("total", alerts.size())
                .put("historical", historical)
                .put("open", open)
                .put("bySeverity", bySeverity)
                .put("byRule", rules);
    }
}
