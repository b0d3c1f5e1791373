package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.targetwatch.facts.Silence;

/** Silences in PostgreSQL. */
public final class SilenceStore {
    static final String INSERT = """
            INSERT INTO silences (matchers, starts_at, ends_at, recurrence, created_by, reason)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""";
    static final String CURRENT = """
            SELECT * FROM silences WHERE starts_at <= $1 AND ends_at > $1 AND (expired_at IS NULL OR expired_at > $1)""";
    static final String LIST = "SELECT * FROM silences ORDER BY id DESC LIMIT $1";
    static final String EXPIRE = """
            UPDATE silences SET expired_at = $2, expired_by = $3 WHERE id = $1 AND expired_at IS NULL RETURNING *""";
    static final String GET = "SELECT * FROM silences WHERE id = $1";
    /** The unresolved alerts matching every given matcher (a null list matches all), as Silence.matches reads them. */
    static final String PREVIEW = """
            SELECT id, rule, subject, severity, category, region, period, status, count(*) OVER () AS total
            FROM alerts WHERE resolved_at IS NULL
              AND ($1::text[] IS NULL OR category = ANY($1)) AND ($2::text[] IS NULL OR severity = ANY($2))
              AND ($3::text[] IS NULL OR region = ANY($3)) AND ($4::text[] IS NULL OR subject = ANY($4))
              AND ($5::text[] IS NULL OR rule = ANY($5))
            ORDER BY id DESC LIMIT $6""";

    private final Pool pool;

    public SilenceStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Silence> insert(
            JsonObject matchers, Instant start, Instant end, JsonObject recurrence, String createdBy, String reason) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.tuple(Arrays.asList(
                        matchers, ReadingStore.utc(start), ReadingStore.utc(end), recurrence, createdBy, reason)))
                .map(rs -> toSilence(rs.iterator().next()));
    }

    /** Silences whose [start, end) contains {@code now} (recurrence windows are checked by the caller). */
    public Future<List<Silence>> current(SqlClient client, Instant now) {
        return client.preparedQuery(CURRENT)
                .execute(Tuple.of(ReadingStore.utc(now)))
                .map(SilenceStore::toList);
    }

    /** The silences in force at {@code now}: within their period, unexpired and inside their weekly window. */
    public Future<List<Silence>> inForce(Instant now) {
        return current(pool, now)
                .map(list -> list.stream().filter(s -> s.activeAt(now)).toList());
    }

    /** What a silence with these matchers would match now: {@code {"total", "alerts": [...]}} (at most limit). */
    public Future<io.vertx.core.json.JsonObject> preview(io.vertx.core.json.JsonObject matchers, int limit) {
        java.util.List<Object> params = new java.util.ArrayList<>();
        for (String k : List.of("category", "severity", "region", "subject", "rule")) {
            io.vertx.core.json.JsonArray v = matchers.getJsonArray(k);
            params.add(v == null ? null : v.stream().map(String::valueOf).toArray(String[]::new));
        }
        params.add(limit);
        return pool.preparedQuery(PREVIEW).execute(Tuple.tuple(params)).map(rows -> {
            io.vertx.core.json.JsonArray alerts = new io.vertx.core.json.JsonArray();
            long total = 0;
            for (var r : rows) {
                total = r.getLong("total");
                alerts.add(new io.vertx.core.json.JsonObject()
                        .put("id", r.getLong("id"))
                        .put("rule", r.getString("rule"))
                        .put("subject", r.getString("subject"))
                        .put("severity", r.getString("severity"))
                        .put("category", r.getString("category"))
                        .put("region", r.getString("region"))
                        .put("period", r.getString("period"))
                        .put("status", r.getString("status")));
            }
            return new io.vertx.core.json.JsonObject().put("total", total).put("alerts", alerts);
        });
    }

    public Future<List<Silence>> list(int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(limit)).map(SilenceStore::toList);
    }

    /** Expires a silence early; empty if it does not exist, the silence unchanged if it had already expired. */
    public Future<Optional<Silence>> expire(long id, Instant now, String by) {
        return pool.preparedQuery(EXPIRE)
                .execute(Tuple.of(id, ReadingStore.utc(now), by))
                .compose(rs -> rs.size() > 0
                        ? Future.succeededFuture(
                                Optional.of(toSilence(rs.iterator().next())))
                        : pool.preparedQuery(GET)
                                .execute(Tuple.of(id))
                                .map(g -> g.size() > 0
                                        ? Optional.of(toSilence(g.iterator().next()))
                                        : Optional.empty()));
    }

    private static List<Silence> toList(Iterable<Row> rows) {
        List<Silence> out = new ArrayList<>();
        rows.forEach(r -> out.add(toSilence(r)));
        return out;
    }

    static Silence toSilence(Row r) {
        JsonObject m = (JsonObject) r.getJson("matchers");
        Map<String, List<String>> matchers = new LinkedHashMap<>();
        for (String k : m.fieldNames()) {
            List<String> values = new ArrayList<>();
            m.getJsonArray(k).forEach(v -> values.add(String.valueOf(v)));
            matchers.put(k, values);
        }
        JsonObject rec = (JsonObject) r.getJson("recurrence");
        Set<Integer> days = new HashSet<>();
        LocalTime start = null;
        LocalTime end = null;
        if (rec != null) {
            JsonArray d = rec.getJsonArray("daysOfWeek", new JsonArray());
            d.forEach(x -> days.add(((Number) x).intValue()));
            start = LocalTime.parse(rec.getString("startTime"));
            end = LocalTime.parse(rec.getString("endTime"));
        }
        var expired = r.getOffsetDateTime("expired_at");
        return new Silence(
                r.getLong("id"),
                matchers,
                r.getOffsetDateTime("starts_at").toInstant(),
                r.getOffsetDateTime("ends_at").toInstant(),
                days,
                start,
                end,
                r.getString("created_by"),
                r.getString("reason"),
                expired == null ? null : expired.toInstant());
    }
}
