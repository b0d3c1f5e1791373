package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.targetwatch.common.Times;

/** Alerts in PostgreSQL. Methods taking a {@link SqlConnection} run inside the caller's transaction. */
public final class AlertStore {
    /**
     * Opens an alert per fingerprint, or updates the active one (count, value, readings, last seen). The partial
     * unique index on active fingerprints makes a second concurrent opener update instead of duplicating.
     */
    static final String UPSERT = """
            INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period, observed_value,
                                threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                                source, description, reading_ids, threshold_recovery, pending_evaluations,
                                pending_seconds, ruleset_version, first_seen, last_seen, status, opened_at, region,
                                historical)
            SELECT u.fingerprint, u.rule, u.category, u.severity, u.subject, u.indicator, u.period, u.observed_value,
                   u.threshold_id, u.threshold_op, u.threshold_value, u.threshold_unit, u.threshold_status,
                   u.source, u.description, u.reading_ids::bigint[], u.recovery, u.pending_evaluations,
                   u.pending_seconds, $20::text, $21::timestamptz, $21::timestamptz,
                   CASE WHEN u.pending_evaluations > 1 OR u.pending_seconds > 0 THEN 'pending' ELSE 'open' END,
                   CASE WHEN u.pending_evaluations > 1 OR u.pending_seconds > 0 THEN NULL ELSE $21::timestamptz END,
                   COALESCE((SELECT s.region FROM subjects s WHERE s.id = u.subject), ''), u.historical
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::float8[], $9::text[], $10::text[], $11::float8[], $12::text[], $13::text[], $14::text[],
                        $15::text[], $16::text[], $17::float8[], $18::int[], $19::int[], $22::bool[])
                 AS u(fingerprint, rule, category, severity, subject, indicator, period, observed_value,
                      threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status, source,
                      description, reading_ids, recovery, pending_evaluations, pending_seconds, historical)
            ON CONFLICT (fingerprint) WHERE resolved_at IS NULL DO UPDATE SET
                severity = EXCLUDED.severity,
                observed_value = EXCLUDED.observed_value,
                threshold_id = EXCLUDED.threshold_id,
                threshold_op = EXCLUDED.threshold_op,
                threshold_value = EXCLUDED.threshold_value,
                threshold_unit = EXCLUDED.threshold_unit,
                threshold_status = EXCLUDED.threshold_status,
                threshold_recovery = EXCLUDED.threshold_recovery,
                source = EXCLUDED.source,
                description = EXCLUDED.description,
                reading_ids = EXCLUDED.reading_ids,
                ruleset_version = EXCLUDED.ruleset_version,
                hit_count = alerts.hit_count + 1,
                historical = alerts.historical AND EXCLUDED.historical,
                last_seen = EXCLUDED.last_seen,
                version = alerts.version + 1,
                status = CASE WHEN alerts.status = 'pending' AND alerts.hit_count + 1 >= alerts.pending_evaluations
                                   AND EXCLUDED.last_seen >= alerts.first_seen + make_interval(secs => alerts.pending_seconds)
                              THEN 'open' ELSE alerts.status END,
                opened_at = CASE WHEN alerts.status = 'pending' AND alerts.hit_count + 1 >= alerts.pending_evaluations
                                   AND EXCLUDED.last_seen >= alerts.first_seen + make_interval(secs => alerts.pending_seconds)
                              THEN EXCLUDED.last_seen ELSE alerts.opened_at END
            RETURNING *, (xmax = 0) AS created""";

    /** The latest alert of each fingerprint, if it is resolved: it opens again (history keeps the earlier life). */
    static final String REOPEN = """
            UPDATE alerts a SET status = 'open', resolved_at = NULL, resolution = NULL, resolved_by = NULL,
                   resolve_reason = NULL, clearing_value = NULL, clearing_reading_ids = NULL, acknowledged_at = NULL,
                   acknowledged_by = NULL, opened_at = $2::timestamptz, version = a.version + 1
            WHERE a.id IN (SELECT DISTINCT ON (fingerprint) id FROM alerts WHERE fingerprint = ANY($1::text[])
                           ORDER BY fingerprint, id DESC)
              AND a.resolved_at IS NOT NULL
            RETURNING a.id, a.resolution""";

    static final String ACTIVE_IN_SCOPES = """
            SELECT a.* FROM alerts a
            JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(subject, indicator, period)
              ON a.subject = k.subject AND a.indicator = k.indicator AND a.period = k.period
            WHERE a.resolved_at IS NULL
            FOR UPDATE OF a""";

    static final String RESOLVE = """
            UPDATE alerts SET status = 'resolved', resolved_at = $2::timestamptz, resolution = $3::text,
                   resolved_by = $4::text, resolve_reason = $5::text, clearing_value = $6::float8,
                   clearing_reading_ids = $7::bigint[],
                   version = version + 1
            WHERE id = $1 AND resolved_at IS NULL
            RETURNING *""";

    static final String INSERT_EVENTS = """
            INSERT INTO alert_events (alert_id, at, actor, kind, from_status, to_status, comment, value, reading_ids)
            SELECT u.alert_id, $1::timestamptz, u.actor, u.kind, u.from_status, u.to_status, u.comment, u.value, u.reading_ids::bigint[]
            FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[],
                        $9::text[]) AS u(alert_id, actor, kind, from_status, to_status, comment, value, reading_ids)
            RETURNING id, alert_id, kind""";

    static final String HISTORY = "SELECT * FROM alert_events WHERE alert_id = $1 ORDER BY id";

    /** The channel that wakes up the alert streams of every instance after a commit with new events. */
    public static final String EVENTS_CHANNEL = "targetwatch_events";

    static final String NOTIFY = "NOTIFY " + EVENTS_CHANNEL;

    /** Open, unacknowledged live alerts opened at or before $1 below escalation level $2. */
    static final String ESCALATION_CANDIDATES = """
            SELECT * FROM alerts WHERE status = 'open' AND escalation_level < $2 AND opened_at IS NOT NULL
              AND opened_at <= $1 AND NOT historical ORDER BY id LIMIT 500""";

    /** One level up the chain, if the alert is still open at level $3. */
    static final String ESCALATE = """
            UPDATE alerts SET escalation_level = $3 + 1, escalated_at = $2, version = version + 1
            WHERE id = $1 AND status = 'open' AND escalation_level = $3 RETURNING *""";

    /** Open, unacknowledged live alerts opened at or before $1: candidates for a reminder. */
    static final String REPEAT_CANDIDATES = """
            SELECT a.*, (SELECT jsonb_object_agg(r.office, r.last_at) FROM alert_reminders r WHERE r.alert_id = a.id)
                   AS reminded
            FROM alerts a WHERE a.status = 'open' AND a.opened_at IS NOT NULL AND a.opened_at <= $1 AND NOT a.historical
            ORDER BY a.id LIMIT 1000""";

    /**
     * Records a reminder of alert $1 to office $2 at $3 unless one was recorded after $4 (another instance was
     * first); returns a row only if this call recorded it.
     */
    static final String REMIND = """
            INSERT INTO alert_reminders AS r (alert_id, office, last_at) VALUES ($1, $2, $3)
            ON CONFLICT (alert_id, office) DO UPDATE SET last_at = EXCLUDED.last_at WHERE r.last_at <= $4
            RETURNING last_at""";

    /** Open or acknowledged live alerts of the rules $1 (all rules if empty): what may inhibit notifications. */
    static final String ACTIVE_OF_RULES = """
            SELECT * FROM alerts WHERE resolved_at IS NULL AND status IN ('open', 'acknowledged') AND NOT historical
              AND (cardinality($1::text[]) = 0 OR rule = ANY($1::text[])) ORDER BY id LIMIT 10000""";

    static final String LOCK_ONE = "SELECT * FROM alerts WHERE id = $1 FOR UPDATE";

    static final String ACKNOWLEDGE = """
            UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
                   version = version + 1 WHERE id = $1 RETURNING *""";

    static final String ASSIGN = "UPDATE alerts SET assignee = $2, version = version + 1 WHERE id = $1 RETURNING *";

    static final String TOUCH = "UPDATE alerts SET version = version + 1 WHERE id = $1 RETURNING *";

    static final String REQUEST_RESOLVE = """
            UPDATE alerts SET resolve_requested_by = $2, resolve_requested_by_id = $3, resolve_requested_reason = $4,
                   resolve_requested_at = $5, version = version + 1 WHERE id = $1 RETURNING *""";

    static final String GET = "SELECT * FROM alerts WHERE id = $1";

    /** One alert to open or update; {@code readingIds} are the readings behind {@code observedValue}. */
    public record Upsert(
            String fingerprint,
            String rule,
            String category,
            String severity,
            String subject,
            String indicator,
            String period,
            double observedValue,
            String thresholdId,
            String thresholdOp,
            double thresholdValue,
            String thresholdUnit,
            String thresholdStatus,
            String source,
            String description,
            List<Long> readingIds,
            Double recovery,
            int pendingEvaluations,
            int pendingSeconds,
            boolean historical) {}

    private final Pool pool;

    public AlertStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Reopens the latest alert of each fingerprint if it is resolved, then upserts every row in one statement.
     * Returns the alerts with {@code change}: opened (a new open alert, or pending → open), pending (new, waiting
     * for its pending period), reopened, or updated.
     */
    public Future<List<JsonObject>> upsert(SqlConnection conn, List<Upsert> rows, String rulesetVersion, Instant at) {
        Instant now = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        int n = rows.size();
        String[] fingerprints = rows.stream().map(Upsert::fingerprint).toArray(String[]::new);
        return conn.preparedQuery(REOPEN)
                .execute(Tuple.of(fingerprints, ReadingStore.utc(now)))
                .compose(reopened -> {
                    java.util.Set<Long> reopenedIds = new java.util.HashSet<>();
                    reopened.forEach(r -> reopenedIds.add(r.getLong("id")));
                    Object[][] cols = new Object[19][];
                    for (int c = 0; c < 19; c++) {
                        cols[c] = (c == 7 || c == 10 || c == 16)
                                ? new Double[n]
                                : (c == 17 || c == 18) ? new Integer[n] : new String[n];
                    }
                    for (int i = 0; i < n; i++) {
                        Upsert u = rows.get(i);
                        Object[] v = {
                            u.fingerprint(),
                            u.rule(),
                            u.category(),
                            u.severity(),
                            u.subject(),
                            u.indicator(),
                            u.period(),
                            u.observedValue(),
                            u.thresholdId(),
                            u.thresholdOp(),
                            u.thresholdValue(),
                            u.thresholdUnit(),
                            u.thresholdStatus(),
                            u.source(),
                            u.description(),
                            idArray(u.readingIds()),
                            u.recovery(),
                            u.pendingEvaluations(),
                            u.pendingSeconds()
                        };
                        for (int c = 0; c < 19; c++) {
                            cols[c][i] = v[c];
                        }
                    }
                    List<Object> params = new ArrayList<>(Arrays.asList((Object[]) cols));
                    params.add(rulesetVersion);
                    params.add(ReadingStore.utc(now));
                    params.add(rows.stream().map(Upsert::historical).toArray(Boolean[]::new));
                    return conn.preparedQuery(UPSERT)
                            .execute(Tuple.tuple(params))
                            .map(rs -> {
                                List<JsonObject> out = new ArrayList<>();
                                for (Row r : rs) {
                                    JsonObject a = toJson(r);
                                    String change;
                                    if (reopenedIds.contains(a.getLong("id"))) {
                                        change = "reopened";
                                    } else if (r.getBoolean("created")) {
                                        change = a.getString("status").equals("pending") ? "pending" : "opened";
                                    } else if (r.getOffsetDateTime("opened_at") != null
                                            && r.getOffsetDateTime("opened_at")
                                                    .toInstant()
                                                    .equals(now)
                                            && r.getOffsetDateTime("first_seen")
                                                    .toInstant()
                                                    .isBefore(now)) {
                                        change = "opened";
                                    } else {
                                        change = "updated";
                                    }
                                    out.add(a.put("change", change));
                                }
                                return out;
                            });
                });
    }

    /** Active alerts of the given (subject, indicator, period) scopes, locked for update. */
    public Future<List<Row>> activeInScopes(SqlConnection conn, List<org.targetwatch.facts.Scope> scopes) {
        String[] subjects =
                scopes.stream().map(org.targetwatch.facts.Scope::subject).toArray(String[]::new);
        String[] indicators =
                scopes.stream().map(org.targetwatch.facts.Scope::indicator).toArray(String[]::new);
        String[] periods =
                scopes.stream().map(org.targetwatch.facts.Scope::period).toArray(String[]::new);
        return conn.preparedQuery(ACTIVE_IN_SCOPES)
                .execute(Tuple.tuple(List.of(subjects, indicators, periods)))
                .map(rs -> {
                    List<Row> out = new ArrayList<>();
                    rs.forEach(out::add);
                    return out;
                });
    }

    /**
     * Resolves an active alert. {@code resolution}: auto (its condition cleared), withdrawn (a correction removed its
     * cause) or manual. Returns the alert, or empty if it was not active.
     */
    public Future<Optional<JsonObject>> resolve(
            SqlConnection conn,
            long id,
            String resolution,
            String actor,
            String reason,
            Double clearingValue,
            List<Long> clearingReadingIds,
            Instant now) {
        return conn.preparedQuery(RESOLVE)
                .execute(Tuple.tuple(Arrays.asList(
                        id,
                        ReadingStore.utc(now),
                        resolution,
                        actor,
                        reason,
                        clearingValue,
                        clearingReadingIds == null ? null : clearingReadingIds.toArray(new Long[0]))))
                .map(AlertStore::first);
    }

    /** One transition of an alert, for {@link #insertEvents}. */
    public record Event(
            long alertId,
            String actor,
            String kind,
            String fromStatus,
            String toStatus,
            String comment,
            Double value,
            List<Long> readingIds) {}

    /** Writes the events in one statement; returns their ids in order. */
    public Future<List<Long>> insertEvents(SqlConnection conn, List<Event> events, Instant now) {
        if (events.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        int n = events.size();
        Long[] alertIds = new Long[n];
        String[][] text = new String[6][n];
        Double[] values = new Double[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            alertIds[i] = e.alertId();
            text[0][i] = e.actor();
            text[1][i] = e.kind();
            text[2][i] = e.fromStatus();
            text[3][i] = e.toStatus();
            text[4][i] = e.comment();
            values[i] = e.value();
            ids[i] = e.readingIds() == null ? null : idArray(e.readingIds());
        }
        return conn.preparedQuery(INSERT_EVENTS)
                .execute(Tuple.tuple(Arrays.asList(
                        ReadingStore.utc(now), alertIds, text[0], text[1], text[2], text[3], text[4], values, ids)))
                .compose(rs -> {
                    List<Long> out = new ArrayList<>();
                    rs.forEach(r -> out.add(r.getLong("id")));
                    // delivered to every instance's listener when (and only if) the transaction commits
                    return conn.query(NOTIFY).execute().map(out);
                });
    }

    /** Open alerts opened at or before {@code openedBefore} that are below escalation level {@code levels}. */
    public Future<List<JsonObject>> escalationCandidates(Instant openedBefore, int levels) {
        return pool.preparedQuery(ESCALATION_CANDIDATES)
                .execute(Tuple.of(ReadingStore.utc(openedBefore), levels))
                .map(rs -> {
                    List<JsonObject> out = new ArrayList<>();
                    rs.forEach(r -> out.add(toJson(r)));
                    return out;
                });
    }

    /** Open or acknowledged live alerts of {@code rules} (all rules if empty), as the API shows them. */
    public Future<List<JsonObject>> activeOfRules(java.util.Collection<String> rules) {
        return pool.preparedQuery(ACTIVE_OF_RULES)
                .execute(Tuple.of(rules.toArray(new String[0])))
                .map(rs -> {
                    List<JsonObject> out = new ArrayList<>();
                    rs.forEach(r -> out.add(toJson(r)));
                    return out;
                });
    }

    /**
     * Raises the alert from escalation level {@code level} to the next if it is still open at that level; empty
     * otherwise (someone acted first).
     */
    public Future<Optional<JsonObject>> escalate(SqlConnection conn, long id, int level, Instant now) {
        return conn.preparedQuery(ESCALATE)
                .execute(Tuple.of(id, ReadingStore.utc(now), level))
                .map(AlertStore::first);
    }

    /**
     * Open alerts opened at or before {@code openedBefore}, each with {@code reminded}: office → when it was last
     * reminded (absent: never).
     */
    public Future<List<JsonObject>> repeatCandidates(Instant openedBefore) {
        return pool.preparedQuery(REPEAT_CANDIDATES)
                .execute(Tuple.of(ReadingStore.utc(openedBefore)))
                .map(rs -> {
                    List<JsonObject> out = new ArrayList<>();
                    rs.forEach(r -> {
                        Object reminded = r.getValue("reminded");
                        out.add(toJson(r).put("reminded", reminded instanceof JsonObject j ? j : new JsonObject()));
                    });
                    return out;
                });
    }

    /** Records a reminder at {@code now} unless one was recorded after {@code notAfter}; true if this call did. */
    public Future<Boolean> remind(SqlConnection conn, long id, String office, Instant now, Instant notAfter) {
        return conn.preparedQuery(REMIND)
                .execute(Tuple.of(id, office, ReadingStore.utc(now), ReadingStore.utc(notAfter)))
                .map(rs -> rs.rowCount() > 0);
    }

    public Future<List<JsonObject>> history(long alertId) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(alertId)).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(eventJson(r)));
            return out;
        });
    }

    static JsonObject eventJson(Row r) {
        Long[] ids = r.getArrayOfLongs("reading_ids");
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("alertId", r.getLong("alert_id"))
                .put("at", Times.format(r.getOffsetDateTime("at")))
                .put("actor", r.getString("actor"))
                .put("kind", r.getString("kind"))
                .put("from", r.getString("from_status"))
                .put("to", r.getString("to_status"))
                .put("comment", r.getString("comment"))
                .put("value", r.getDouble("value"))
                .put("readingIds", ids == null ? null : new JsonArray(List.of((Object[]) ids)));
    }

    /** The alert row locked for an action, or empty. */
    public Future<Optional<Row>> lock(SqlConnection conn, long id) {
        return conn.preparedQuery(LOCK_ONE).execute(Tuple.of(id)).map(rs -> {
            var it = rs.iterator();
            return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
        });
    }

    public Future<JsonObject> acknowledge(SqlConnection conn, long id, String actor, Instant now) {
        return conn.preparedQuery(ACKNOWLEDGE)
                .execute(Tuple.of(id, ReadingStore.utc(now), actor))
                .map(rs -> first(rs).orElseThrow());
    }

    public Future<JsonObject> assign(SqlConnection conn, long id, String assignee) {
        return conn.preparedQuery(ASSIGN)
                .execute(Tuple.of(id, assignee))
                .map(rs -> first(rs).orElseThrow());
    }

    /** Records a manual resolution awaiting a second supervisor (four-eyes closing of critical alerts). */
    public Future<JsonObject> requestResolve(
            SqlConnection conn, long id, String by, Long byId, String reason, Instant now) {
        return conn.preparedQuery(REQUEST_RESOLVE)
                .execute(Tuple.tuple(Arrays.asList(id, by, byId, reason, ReadingStore.utc(now))))
                .map(rs -> first(rs).orElseThrow());
    }

    /** Bumps the version (a comment changes nothing else). */
    public Future<JsonObject> touch(SqlConnection conn, long id) {
        return conn.preparedQuery(TOUCH)
                .execute(Tuple.of(id))
                .map(rs -> first(rs).orElseThrow());
    }

    private static Optional<JsonObject> first(io.vertx.sqlclient.RowSet<Row> rs) {
        var it = rs.iterator();
        return it.hasNext() ? Optional.of(toJson(it.next())) : Optional.empty();
    }

    static String idArray(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    /**
     * What the alert board filters by; null fields are not filtered. {@code periodFrom} inclusive and
     * {@code periodTo} exclusive compare periods as text, which orders the periods the domain writes
     * ({@code 2023}, {@code 2023-03}, {@code 2023-03-01}, {@code 2023-03-01T14:30:00+08:00}) as time does.
     */
    public record AlertFilter(
            String status,
            String category,
            String subject,
            String severity,
            String region,
            String rule,
            String periodFrom,
            String periodTo,
            Boolean historical,
            Boolean silenced,
            List<org.targetwatch.facts.Silence> silences) {}

    /** The columns the alert board may sort by (API name → SQL). */
    public static final java.util.Map<String, String> SORTS = java.util.Map.ofEntries(
            java.util.Map.entry("severity", "tw_severity_rank(severity)"),
            java.util.Map.entry("id", "id"),
            java.util.Map.entry("openedAt", "opened_at"),
            java.util.Map.entry("firstSeen", "first_seen"),
            java.util.Map.entry("lastSeen", "last_seen"),
            java.util.Map.entry("status", "status"),
            java.util.Map.entry("category", "category"),
            java.util.Map.entry("rule", "rule"),
            java.util.Map.entry("subject", "subject"),
            java.util.Map.entry("region", "region"),
            java.util.Map.entry("period", "period"),
            java.util.Map.entry("value", "observed_value"));

    private static Filters filters(AlertFilter a) {
        Filters f = new Filters();
        f.add("status =", a.status())
                .add("category =", a.category())
                .add("subject =", a.subject())
                .add("severity =", a.severity())
                .add("region =", a.region())
                .add("rule =", a.rule())
                .add("period >=", a.periodFrom())
                .add("period <", a.periodTo())
                .add("historical =", a.historical());
        if (a.silenced() != null) {
            f.condition(silenced(a.silenced(), a.silences(), f));
        }
        return f;
    }

    /**
     * Whether an alert matches one of {@code silences} (those in force now), as {@link
     * org.targetwatch.facts.Silence#matches} decides it: every non-empty matcher of the silence holds the alert's
     * value (an alert without a region matches no region matcher).
     */
    static String silenced(boolean silenced, List<org.targetwatch.facts.Silence> silences, Filters f) {
        List<String> any = new java.util.ArrayList<>();
        for (org.targetwatch.facts.Silence s : silences) {
            List<String> all = new java.util.ArrayList<>();
            s.matchers().forEach((key, values) -> {
                if (!values.isEmpty() && org.targetwatch.facts.Silence.KEYS.contains(key)) {
                    all.add(key + " = ANY(" + f.bind(values.toArray(String[]::new)) + "::text[])");
                }
            });
            any.add(all.isEmpty() ? "TRUE" : "COALESCE(" + String.join(" AND ", all) + ", FALSE)");
        }
        String matched = any.isEmpty() ? "FALSE" : "(" + String.join(" OR ", any) + ")";
        return silenced ? matched : "NOT " + matched;
    }

    /** A page of alerts in {@code sort} order (ties: newest first), {@code offset} rows in. */
    static Filters.Query pageQuery(AlertFilter a, String sort, boolean ascending, int limit, long offset) {
        Filters f = filters(a);
        String column = SORTS.get(sort);
        String order =
                column + (ascending ? " ASC NULLS LAST" : " DESC NULLS LAST") + (sort.equals("id") ? "" : ", id DESC");
        return new Filters.Query(
                "SELECT * FROM alerts " + f.where() + " ORDER BY " + order + " LIMIT " + f.bind(limit) + " OFFSET "
                        + f.bind(offset),
                f.tuple());
    }

    static Filters.Query countQuery(AlertFilter a) {
        Filters f = filters(a);
        return new Filters.Query("SELECT count(*) AS n FROM alerts " + f.where(), f.tuple());
    }

    /** What the board may group by (API name → column). */
    public static final java.util.Map<String, String> GROUPS =
            java.util.Map.of("rule", "rule", "subject", "subject", "region", "region");
    /** At most this many groups are returned; {@code truncated} says when there were more. */
    public static final int MAX_GROUPS = 500;

    static Filters.Query groupQuery(AlertFilter a, String by) {
        Filters f = filters(a);
        String column = GROUPS.get(by);
        return new Filters.Query(
                "SELECT " + column + " AS key, count(*) AS n,"
                        + " count(*) FILTER (WHERE severity = 'critical') AS critical,"
                        + " count(*) FILTER (WHERE severity = 'major') AS major,"
                        + " count(*) FILTER (WHERE severity = 'warning') AS warning,"
                        + " count(*) FILTER (WHERE severity = 'info') AS info,"
                        + " max(tw_severity_rank(severity)) AS worst, max(last_seen) AS last_seen FROM alerts "
                        + f.where() + " GROUP BY " + column + " ORDER BY worst DESC, n DESC, key LIMIT "
                        + f.bind(MAX_GROUPS + 1),
                f.tuple());
    }

    /**
     * The alerts the filter matches grouped by rule, subject or region: each group's key, count and counts by
     * severity, the most severe groups first, then the largest; the exact total of alerts.
     */
    public Future<JsonObject> groups(AlertFilter a, String by) {
        Filters.Query q = groupQuery(a, by);
        return pool.preparedQuery(q.sql()).execute(q.params()).map(rs -> {
            JsonArray out = new JsonArray();
            long total = 0;
            for (Row r : rs) {
                total += r.getLong("n");
                if (out.size() < MAX_GROUPS) {
                    out.add(new JsonObject()
                            .put("key", r.getString("key"))
                            .put("count", r.getLong("n"))
                            .put(
                                    "bySeverity",
                                    new JsonObject()
                                            .put("critical", r.getLong("critical"))
                                            .put("major", r.getLong("major"))
                                            .put("warning", r.getLong("warning"))
                                            .put("info", r.getLong("info")))
                            .put("lastSeen", org.targetwatch.common.Times.format(r.getOffsetDateTime("last_seen"))));
                }
            }
            return new JsonObject()
                    .put("by", by)
                    .put("groups", out)
                    .put("truncated", rs.size() > MAX_GROUPS)
                    .put("total", rs.size() > MAX_GROUPS ? null : total);
        });
    }

    /** A page of the alert board and the exact number of alerts the filter matches. */
    public Future<JsonObject> page(AlertFilter a, String sort, boolean ascending, int limit, int page) {
        Filters.Query count = countQuery(a);
        Filters.Query rows = pageQuery(a, sort, ascending, limit, (long) (page - 1) * limit);
        return pool.preparedQuery(count.sql())
                .execute(count.params())
                .compose(c -> pool.preparedQuery(rows.sql())
                        .execute(rows.params())
                        .map(rs -> {
                            JsonArray out = new JsonArray();
                            rs.forEach(r -> out.add(toJson(r)));
                            return new JsonObject()
                                    .put("alerts", out)
                                    .put("total", c.iterator().next().getLong("n"))
                                    .put("page", page)
                                    .put("limit", limit)
                                    .put("sort", sort)
                                    .put("order", ascending ? "asc" : "desc");
                        }));
    }

    public Future<Optional<JsonObject>> get(long id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id)).map(rs -> {
            var it = rs.iterator();
            return it.hasNext() ? Optional.of(toJson(it.next())) : Optional.empty();
        });
    }

    /** The API form of an alert row (also used by the event stream). */
    public static JsonObject toJson(Row r) {
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("fingerprint", r.getString("fingerprint"))
                .put("status", r.getString("status"))
                .put("rule", r.getString("rule"))
                .put("category", r.getString("category"))
                .put("severity", r.getString("severity"))
                .put("subject", r.getString("subject"))
                .put("indicator", r.getString("indicator"))
                .put("period", r.getString("period"))
                .put("value", r.getDouble("observed_value"))
                .put(
                        "threshold",
                        new JsonObject()
                                .put("id", r.getString("threshold_id"))
                                .put("op", r.getString("threshold_op"))
                                .put("value", r.getDouble("threshold_value"))
                                .put("unit", r.getString("threshold_unit"))
                                .put("status", r.getString("threshold_status"))
                                .put("recovery", r.getDouble("threshold_recovery")))
                .put("source", r.getString("source"))
                .put("description", r.getString("description"))
                .put("readingIds", new JsonArray(List.of((Object[]) r.getArrayOfLongs("reading_ids"))))
                .put("rulesetVersion", r.getString("ruleset_version"))
                .put("count", r.getInteger("hit_count"))
                .put("firstSeen", Times.format(r.getOffsetDateTime("first_seen")))
                .put("lastSeen", Times.format(r.getOffsetDateTime("last_seen")))
                .put("resolvedAt", Times.format(r.getOffsetDateTime("resolved_at")))
                .put("version", r.getInteger("version"))
                .put("escalationLevel", r.getInteger("escalation_level"))
                .put("escalatedAt", Times.format(r.getOffsetDateTime("escalated_at")))
                .put("region", r.getString("region"))
                .put("historical", r.getBoolean("historical"))
                .put("assignee", r.getString("assignee"))
                .put("openedAt", Times.format(r.getOffsetDateTime("opened_at")))
                .put("acknowledgedAt", Times.format(r.getOffsetDateTime("acknowledged_at")))
                .put("acknowledgedBy", r.getString("acknowledged_by"))
                .put("resolution", r.getString("resolution"))
                .put("resolvedBy", r.getString("resolved_by"))
                .put("resolveReason", r.getString("resolve_reason"))
                .put("resolveRequestedBy", r.getString("resolve_requested_by"))
                .put("resolveRequestedById", r.getLong("resolve_requested_by_id"))
                .put("resolveRequestedReason", r.getString("resolve_requested_reason"))
                .put("clearingValue", r.getDouble("clearing_value"))
                .put(
                        "clearingReadingIds",
                        r.getArrayOfLongs("clearing_reading_ids") == null
                                ? null
                                : new JsonArray(List.of((Object[]) r.getArrayOfLongs("clearing_reading_ids"))));
    }
}
