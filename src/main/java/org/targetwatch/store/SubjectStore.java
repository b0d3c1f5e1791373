package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.facts.Subject;

/** Registered subjects in PostgreSQL. */
public final class SubjectStore {
    static final String INSERT = """
            INSERT INTO subjects (id, kind, name, region, settings)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])""";
    static final String UPDATE = """
            UPDATE subjects SET kind = $2, name = $3, region = $4, settings = $5, updated_at = now()
            WHERE id = $1 RETURNING id""";
    static final String FIND = "SELECT * FROM subjects WHERE id = ANY($1::text[])";
    static final String LIST = """
            SELECT * FROM subjects WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR region = $2)
            ORDER BY id""";
    static final String STATIONS_OF_DISTRICT = """
            SELECT * FROM subjects WHERE kind = 'air-station' AND settings->>'district' = $1 ORDER BY id""";

    static final String BY_HJ212_MN =
            "SELECT * FROM subjects WHERE settings ? 'hj212' AND settings -> 'hj212' ->> 'mn' = $1";

    private final Pool pool;

    public SubjectStore(Pool pool) {
        this.pool = pool;
    }

    /** Inserts all subjects in one statement; a duplicate id fails with SQLSTATE 23505 (mapped to 409). */
    public Future<Void> insert(List<Subject> subjects) {
        int n = subjects.size();
        String[][] cols = new String[4][n];
        JsonObject[] settings = new JsonObject[n];
        for (int i = 0; i < n; i++) {
            Subject s = subjects.get(i);
            cols[0][i] = s.id();
            cols[1][i] = s.kind();
            cols[2][i] = s.name();
            cols[3][i] = s.region();
            settings[i] = new JsonObject(new java.util.LinkedHashMap<>(s.settings()));
        }
        return pool.preparedQuery(INSERT)
                .execute(Tuple.tuple(List.of(cols[0], cols[1], cols[2], cols[3], settings)))
                .mapEmpty();
    }

    /** Replaces a subject; the result says whether it existed. */
    public Future<Boolean> update(Subject s) {
        return pool.preparedQuery(UPDATE)
                .execute(Tuple.of(
                        s.id(),
                        s.kind(),
                        s.name(),
                        s.region(),
                        new JsonObject(new java.util.LinkedHashMap<>(s.settings()))))
                .map(rs -> rs.size() > 0);
    }

    /** The registered subjects among {@code ids}, by id. */
    public Future<Map<String, Subject>> find(SqlClient client, Collection<String> ids) {
        return client.preparedQuery(FIND)
                .execute(Tuple.of((Object) ids.toArray(new String[0])))
                .map(SubjectStore::byId);
    }

    /** Rows of {@code subjects} as subjects, by id. */
    static Map<String, Subject> byId(Iterable<Row> rows) {
        Map<String, Subject> out = new HashMap<>();
        rows.forEach(r -> out.put(r.getString("id"), toSubject(r)));
        return out;
    }

    public Future<Map<String, Subject>> find(Collection<String> ids) {
        return find(pool, ids);
    }

    public Future<List<Subject>> list(String kind, String region) {
        return list(pool, kind, region);
    }

    public Future<List<Subject>> list(SqlClient client, String kind, String region) {
        return client.preparedQuery(LIST).execute(Tuple.of(kind, region)).map(SubjectStore::toList);
    }

    /** The subject whose data logger has this HJ 212 MN (setting {@code hj212.mn}; unique, see V15), if any. */
    public Future<java.util.Optional<Subject>> findByHj212Mn(String mn) {
        return pool.preparedQuery(BY_HJ212_MN).execute(Tuple.of(mn)).map(rows -> {
            java.util.Iterator<Row> it = rows.iterator();
            return it.hasNext() ? java.util.Optional.of(toSubject(it.next())) : java.util.Optional.empty();
        });
    }

    /** Air stations whose {@code district} setting names the given district. */
    public Future<List<Subject>> stationsOf(SqlClient client, String district) {
        return client.preparedQuery(STATIONS_OF_DISTRICT)
                .execute(Tuple.of(district))
                .map(SubjectStore::toList);
    }

    private static List<Subject> toList(Iterable<Row> rows) {
        List<Subject> out = new ArrayList<>();
        rows.forEach(r -> out.add(toSubject(r)));
        return out;
    }

    static Subject toSubject(Row r) {
        JsonObject settings = (JsonObject) r.getJson("settings");
        return new Subject(
                r.getString("id"),
                r.getString("kind"),
                r.getString("name"),
                r.getString("region"),
                settings == null ? Map.of() : settings.getMap());
    }

    /** The names of the subjects {@code ids} (unknown ids are absent). */
    public Future<java.util.Map<String, String>> names(SqlClient client, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(java.util.Map.of());
        }
        return client.preparedQuery("SELECT id, name FROM subjects WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(new String[0])))
                .map(rs -> {
                    java.util.Map<String, String> out = new java.util.HashMap<>();
                    rs.forEach(r -> out.put(r.getString("id"), r.getString("name")));
                    return out;
                });
    }
}
