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
import org.targetwatch.common.Times;

/** Ruleset versions: the content hash of rules/ with the text of its files, stored the first time it is loaded. */
public final class RulesetStore {
    static final String RECORD = """
            INSERT INTO rulesets (version, loaded_at, loaded_by, files) VALUES ($1, $2, $3, $4)
            ON CONFLICT (version) DO UPDATE SET origin = 'loaded', loaded_at = EXCLUDED.loaded_at,
                loaded_by = EXCLUDED.loaded_by
            WHERE rulesets.origin = 'staged'""";
    static final String RECORD_STAGED = """
            INSERT INTO rulesets (version, loaded_at, loaded_by, files, origin) VALUES ($1, $2, $3, $4, 'staged')
            ON CONFLICT (version) DO NOTHING""";
    static final String STAGE = """
            INSERT INTO staged_ruleset (slot, version, base_version, staged_by, staged_at) VALUES (1, $1, $2, $3, $4)
            ON CONFLICT (slot) DO UPDATE SET version = $1, base_version = $2, staged_by = $3, staged_at = $4""";
    static final String STAGED = """
            SELECT s.version, s.base_version, s.staged_by, s.staged_at, r.files
            FROM staged_ruleset s JOIN rulesets r ON r.version = s.version""";
    static final String UNSTAGE = "DELETE FROM staged_ruleset";
    static final String LIST = """
            SELECT version, loaded_at, loaded_by, origin, files FROM rulesets ORDER BY loaded_at DESC""";
    static final String FILES = "SELECT files FROM rulesets WHERE version = $1";

    private final Pool pool;

    public RulesetStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> record(String version, Map<String, String> files, String loadedBy, Instant now) {
        JsonObject f = new JsonObject();
        files.forEach(f::put);
        return pool.preparedQuery(RECORD)
                .execute(Tuple.of(version, ReadingStore.utc(now), loadedBy, f))
                .mapEmpty();
    }

    public Future<List<JsonObject>> list() {
        return pool.query(LIST).execute().map(rs -> {
            List<JsonObject> out = new ArrayList<>();
            rs.forEach(r -> out.add(new JsonObject()
                    .put("version", r.getString("version"))
                    .put("loadedAt", Times.format(r.getOffsetDateTime("loaded_at")))
                    .put("loadedBy", r.getString("loaded_by"))
                    .put("origin", r.getString("origin"))
                    .put(
                            "files",
                            new io.vertx.core.json.JsonArray(new ArrayList<>(
                                    new TreeMap<>(((JsonObject) r.getJson("files")).getMap()).keySet())))));
            return out;
        });
    }

    /** The candidate staged by an admin: its version, the live version it was laid over, who, when, its files. */
    public record Staged(
            String version, String baseVersion, String stagedBy, Instant stagedAt, Map<String, String> files) {}

    /**
     * Stores a built candidate as the staged ruleset (replacing any staged before), in one transaction. A version
     * already stored keeps its first record; staging it again only points the staged slot at it.
     */
    public Future<Void> stage(
            String version, String baseVersion, Map<String, String> files, String stagedBy, Instant now) {
        JsonObject f = new JsonObject();
        files.forEach(f::put);
        return pool.withTransaction(conn -> conn.preparedQuery(RECORD_STAGED)
                .execute(Tuple.of(version, ReadingStore.utc(now), stagedBy, f))
                .compose(x -> conn.preparedQuery(STAGE)
                        .execute(Tuple.of(version, baseVersion, stagedBy, ReadingStore.utc(now))))
                .mapEmpty());
    }

    public Future<Optional<Staged>> staged() {
        return pool.query(STAGED).execute().map(rs -> {
            if (rs.size() == 0) {
                return Optional.empty();
            }
            io.vertx.sqlclient.Row r = rs.iterator().next();
            Map<String, String> files = new TreeMap<>();
            ((JsonObject) r.getJson("files")).forEach(e -> files.put(e.getKey(), (String) e.getValue()));
            return Optional.of(new Staged(
                    r.getString("version"),
                    r.getString("base_version"),
                    r.getString("staged_by"),
                    r.getOffsetDateTime("staged_at").toInstant(),
                    files));
        });
    }

    /** Withdraws the staged candidate; false if none was staged. Its files stay in the version history. */
    public Future<Boolean> unstage() {
        return pool.query(UNSTAGE).execute().map(rs -> rs.rowCount() > 0);
    }

    public Future<Optional<Map<String, String>>> files(String version) {
        return pool.preparedQuery(FILES).execute(Tuple.of(version)).map(rs -> {
            if (rs.size() == 0) {
                return Optional.empty();
            }
            Map<String, String> out = new TreeMap<>();
            ((JsonObject) rs.iterator().next().getJson("files"))
                    .forEach(e -> out.put(e.getKey(), (String) e.getValue()));
            return Optional.of(out);
        });
    }
}
