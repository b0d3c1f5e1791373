package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Ruleset versions: the content hash of rules/ with the text of its files, stored the first time it is loaded. */
public final class RulesetStore {
    static final String RECORD = """
            INSERT INTO rulesets (version, loaded_at, loaded_by, files) VALUES ($1, $2, $3, $4)
            ON CONFLICT (version) DO NOTHING""";
    static final String LIST = "SELECT version, loaded_at, loaded_by, files FROM rulesets ORDER BY loaded_at DESC";
    static final String FILES = "SELECT files FROM rulesets WHERE version = $1";

    private final Pool pool;

    public RulesetStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> record(String version, Map<String, String> files, String loadedBy, Instant now) {
        JsonObject f = new JsonObject();
        files.forEach(f::put);
        return pool.preparedQuery(RECORD).execute(Tuple.of(version, ReadingStore.utc(now), loadedBy, f)).mapEmpty();
    }

    public Future<List<JsonObject>> list() {
        return pool.query(LIST).execute().map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(new JsonObject().put("version", r.getString("version"))
                    .put("loadedAt", Times.format(r.getOffsetDateTime("loaded_at")))
                    .put("loadedBy", r.getString("loaded_by"))
                    .put("files", new io.vertx.core.json.JsonArray(new ArrayList<>(
                            new TreeMap<>(((JsonObject) r.getJson("files")).getMap()).keySet())))));
            return out;
        });
    }

    public Future<Optional<Map<String, String>>> files(String version) {
        return pool.preparedQuery(FILES).execute(Tuple.of(version)).map(rs -> {
            if (rs.size() == 0) {
                return Optional.empty();
            }
            Map<String, String> out = new TreeMap<>();
            ((JsonObject) rs.iterator().next().getJson("files")).forEach(e -> out.put(e.getKey(), (String) e.getValue()));
            return Optional.of(out);
        });
    }
}
