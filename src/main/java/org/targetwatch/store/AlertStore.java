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

/** Alerts in PostgreSQL. Methods taking a {@link SqlConnection} run inside the caller's transaction. */
public final class AlertStore {
    /**
     * Opens an alert per fingerprint, or updates the active one (count, value, readings, last seen). The partial
     * unique index on active fingerprints makes a second concurrent opener update instead of duplicating.
     */
    static final String UPSERT = """
            INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period, observed_value,
                                threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                                source, description, reading_ids, ruleset_version, first_seen, last_seen)
            SELECT u.fingerprint, u.rule, u.category, u.severity, u.subject, u.indicator, u.period, u.observed_value,
                   u.threshold_id, u.threshold_op, u.threshold_value, u.threshold_unit, u.threshold_status,
                   u.source, u.description, u.reading_ids::bigint[], $17, $18, $18
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::float8[], $9::text[], $10::text[], $11::float8[], $12::text[], $13::text[], $14::text[],
                        $15::text[], $16::text[])
                 AS u(fingerprint, rule, category, severity, subject, indicator, period, observed_value,
                      threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status, source,
                      description, reading_ids)
            ON CONFLICT (fingerprint) WHERE resolved_at IS NULL DO UPDATE SET
                severity = EXCLUDED.severity,
                observed_value = EXCLUDED.observed_value,
                threshold_id = EXCLUDED.threshold_id,
                threshold_op = EXCLUDED.threshold_op,
                threshold_value = EXCLUDED.threshold_value,
                threshold_unit = EXCLUDED.threshold_unit,
                threshold_status = EXCLUDED.threshold_status,
                source = EXCLUDED.source,
                description = EXCLUDED.description,
                reading_ids = EXCLUDED.reading_ids,
                ruleset_version = EXCLUDED.ruleset_version,
                hit_count = alerts.hit_count + 1,
                last_seen = EXCLUDED.last_seen
            RETURNING *, (xmax = 0) AS created""";

    static final String LIST = """
            SELECT * FROM alerts
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR category = $2)
              AND ($3::text IS NULL OR subject = $3)
            ORDER BY id DESC
            LIMIT $4""";

    static final String GET = "SELECT * FROM alerts WHERE id = $1";

    /** One alert to open or update; {@code readingIds} are the readings behind {@code observedValue}. */
    public record Upsert(String fingerprint, String rule, String category, String severity, String subject,
                         String indicator, String period, double observedValue, String thresholdId,
                         String thresholdOp, double thresholdValue, String thresholdUnit, String thresholdStatus,
                         String source, String description, List<Long> readingIds) {
    }

    private final Pool pool;

    public AlertStore(Pool pool) {
        this.pool = pool;
    }

    /** Upserts every row in one statement; returns the alerts with {@code change} = opened or updated. */
    public Future<List<JsonObject>> upsert(SqlConnection conn, List<Upsert> rows, String rulesetVersion,
                                           Instant now) {
        int n = rows.size();
        Object[][] cols = new Object[16][];
        for (int c = 0; c < 16; c++) {
            cols[c] = (c == 7 || c == 10) ? new Double[n] : new String[n];
        }
        for (int i = 0; i < n; i++) {
            Upsert u = rows.get(i);
            cols[0][i] = u.fingerprint();
            cols[1][i] = u.rule();
            cols[2][i] = u.category();
            cols[3][i] = u.severity();
            cols[4][i] = u.subject();
            cols[5][i] = u.indicator();
            cols[6][i] = u.period();
            cols[7][i] = u.observedValue();
            cols[8][i] = u.thresholdId();
            cols[9][i] = u.thresholdOp();
            cols[10][i] = u.thresholdValue();
            cols[11][i] = u.thresholdUnit();
            cols[12][i] = u.thresholdStatus();
            cols[13][i] = u.source();
            cols[14][i] = u.description();
            cols[15][i] = u.readingIds().stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        }
        List<Object> params = new ArrayList<>(Arrays.asList((Object[]) cols));
        params.add(rulesetVersion);
        params.add(ReadingStore.utc(now));
        return conn.preparedQuery(UPSERT).execute(Tuple.tuple(params)).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            for (Row r : rs) {
                out.add(toJson(r).put("change", r.getBoolean("created") ? "opened" : "updated"));
            }
            return out;
        });
    }

    public Future<List<JsonObject>> list(String status, String category, String subject, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(status, category, subject, limit)).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(toJson(r)));
            return out;
        });
    }

    public Future<Optional<JsonObject>> get(long id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id)).map(rs -> {
            var it = rs.iterator();
            return it.hasNext() ? Optional.of(toJson(it.next())) : Optional.empty();
        });
    }

    static JsonObject toJson(Row r) {
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
                .put("threshold", new JsonObject()
                        .put("id", r.getString("threshold_id"))
                        .put("op", r.getString("threshold_op"))
                        .put("value", r.getDouble("threshold_value"))
                        .put("unit", r.getString("threshold_unit"))
                        .put("status", r.getString("threshold_status")))
                .put("source", r.getString("source"))
                .put("description", r.getString("description"))
                .put("readingIds", new JsonArray(List.of((Object[]) r.getArrayOfLongs("reading_ids"))))
                .put("rulesetVersion", r.getString("ruleset_version"))
                .put("count", r.getInteger("hit_count"))
                .put("firstSeen", Times.format(r.getOffsetDateTime("first_seen")))
                .put("lastSeen", Times.format(r.getOffsetDateTime("last_seen")))
                .put("resolvedAt", Times.format(r.getOffsetDateTime("resolved_at")));
    }
}
