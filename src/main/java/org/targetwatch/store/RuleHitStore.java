package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.targetwatch.common.Times;

/** The rule-hit audit trail and supervisors' annotations. */
public final class RuleHitStore {
    static final String INSERT = """
            INSERT INTO rule_hits (at, rule, ruleset_version, subject, indicator, period, value, threshold, facts,
                                   reading_ids, caused, alert_id)
            SELECT $1, u.rule, $2, u.subject, u.indicator, u.period, u.value, u.threshold, u.facts,
                   u.reading_ids::bigint[], u.caused, u.alert_id
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::jsonb[], $9::jsonb[],
                        $10::text[], $11::text[], $12::bigint[])
                 AS u(rule, subject, indicator, period, value, threshold, facts, reading_ids, caused, alert_id)""";

    static final String GET = "SELECT * FROM rule_hits WHERE id = $1";

    static final String TOTALS = "SELECT rule, count(*) AS hits FROM rule_hits GROUP BY rule";

    static final String ANNOTATE = """
            INSERT INTO annotations (target, target_id, verdict, comment, author, at) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING *""";

    static final String ANNOTATIONS = "SELECT * FROM annotations WHERE target = $1 AND target_id = $2 ORDER BY id";

    /** One hit to record. */
    public record Hit(
            String rule,
            String subject,
            String indicator,
            String period,
            double value,
            JsonObject threshold,
            JsonObject facts,
            List<Long> readingIds,
            String caused,
            Long alertId) {}

    private final Pool pool;

    public RuleHitStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> insert(SqlClient client, List<Hit> hits, String rulesetVersion, Instant now) {
        if (hits.isEmpty()) {
            return Future.succeededFuture();
        }
        int n = hits.size();
        String[][] t = new String[4][n];
        Double[] values = new Double[n];
        JsonObject[] thresholds = new JsonObject[n];
        JsonObject[] facts = new JsonObject[n];
        String[] ids = new String[n];
        String[] caused = new String[n];
        Long[] alerts = new Long[n];
        for (int i = 0; i < n; i++) {
            Hit h = hits.get(i);
            t[0][i] = h.rule();
            t[1][i] = h.subject();
            t[2][i] = h.indicator();
            t[3][i] = h.period();
            values[i] = h.value();
            thresholds[i] = h.threshold();
            facts[i] = h.facts();
            ids[i] = AlertStore.idArray(h.readingIds());
            caused[i] = h.caused();
            alerts[i] = h.alertId();
        }
        return client.preparedQuery(INSERT)
                .execute(Tuple.tuple(Arrays.asList(
                        ReadingStore.utc(now),
                        rulesetVersion,
                        t[0],
                        t[1],
                        t[2],
                        t[3],
                        values,
                        thresholds,
                        facts,
                        ids,
                        caused,
                        alerts)))
                .mapEmpty();
    }

    /** The newest hits first; a null filter does not filter ({@code from} inclusive, {@code to} exclusive). */
    public Future<List<JsonObject>> list(String rule, String subject, Instant from, Instant to, int limit) {
        return list(rule, subject, from, to, null, limit);
    }

    /** As {@link #list(String, String, Instant, Instant, int)}, only hits with an id below {@code before}. */
    public Future<List<JsonObject>> list(
            String rule, String subject, Instant from, Instant to, Long before, int limit) {
        Filters f =
                period(from, to).add("rule =", rule).add("subject =", subject).add("id <", before);
        String sql = "SELECT * FROM rule_hits " + f.where() + " ORDER BY id DESC LIMIT " + f.bind(limit);
        return pool.preparedQuery(sql).execute(f.tuple()).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(toJson(r)));
            return out;
        });
    }

    public Future<Optional<JsonObject>> get(long id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id)).compose(rs -> {
            if (rs.size() == 0) {
                return Future.succeededFuture(Optional.empty());
            }
            JsonObject hit = toJson(rs.iterator().next());
            return annotations("rule-hit", id).map(a -> Optional.of(hit.put("annotations", a)));
        });
    }

    private static Filters period(Instant from, Instant to) {
        return new Filters()
                .add("at >=", from == null ? null : ReadingStore.utc(from))
                .add("at <", to == null ? null : ReadingStore.utc(to));
    }

    public Future<List<JsonObject>> counts(Instant from, Instant to) {
        Filters f = period(from, to);
        String sql = "SELECT rule, (at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS hits FROM rule_hits "
                + f.where() + " GROUP BY rule, day ORDER BY day, rule";
        return pool.preparedQuery(sql).execute(f.tuple()).map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(new JsonObject()
                    .put("rule", r.getString("rule"))
                    .put("day", r.getLocalDate("day").toString())
                    .put("hits", r.getLong("hits"))));
            return out;
        });
    }

    public Future<JsonObject> totals() {
        return pool.query(TOTALS).execute().map(rs -> {
            JsonObject out = new JsonObject();
            rs.forEach(r -> out.put(r.getString("rule"), r.getLong("hits")));
            return out;
        });
    }

    public Future<JsonObject> annotate(
            String target, long targetId, String verdict, String comment, String author, Instant now) {
        return pool.preparedQuery(ANNOTATE)
                .execute(Tuple.of(target, targetId, verdict, comment, author, ReadingStore.utc(now)))
                .map(rs -> annotationJson(rs.iterator().next()));
    }

    public Future<JsonArray> annotations(String target, long targetId) {
        return pool.preparedQuery(ANNOTATIONS)
                .execute(Tuple.of(target, targetId))
                .map(rs -> {
                    JsonArray out = new JsonArray();
                    rs.forEach(r -> out.add(annotationJson(r)));
                    return out;
                });
    }

    static JsonObject annotationJson(Row r) {
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("target", r.getString("target"))
                .put("targetId", r.getLong("target_id"))
                .put("verdict", r.getString("verdict"))
                .put("comment", r.getString("comment"))
                .put("author", r.getString("author"))
                .put("at", Times.format(r.getOffsetDateTime("at")));
    }

    static JsonObject toJson(Row r) {
        Long[] ids = r.getArrayOfLongs("reading_ids");
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("at", Times.format(r.getOffsetDateTime("at")))
                .put("rule", r.getString("rule"))
                .put("rulesetVersion", r.getString("ruleset_version"))
                .put("subject", r.getString("subject"))
                .put("indicator", r.getString("indicator"))
                .put("period", r.getString("period"))
                .put("value", r.getDouble("value"))
                .put("threshold", r.getJson("threshold"))
                .put("facts", r.getJson("facts"))
                .put("readingIds", new JsonArray(List.of((Object[]) ids)))
                .put("caused", r.getString("caused"))
                .put("alertId", r.getLong("alert_id"));
    }
}
