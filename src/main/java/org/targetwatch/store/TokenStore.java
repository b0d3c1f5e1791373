package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** API tokens. Secrets are 32 random bytes; only their SHA-256 is stored. */
public final class TokenStore {
    static final String INSERT = """
            INSERT INTO api_tokens (name, role, token_hash, created_by) VALUES ($1, $2, $3, $4)
            RETURNING id, created_at""";
    static final String FIND_ACTIVE = """
            WITH t AS (SELECT id, name, role, last_used_at FROM api_tokens
                       WHERE token_hash = $1 AND revoked_at IS NULL),
                 touched AS (UPDATE api_tokens a SET last_used_at = now() FROM t
                             WHERE a.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
            SELECT id, name, role FROM t""";
    /** Who may be assigned an alert: the holders of active risk-office and supervisor tokens, and past assignees. */
    static final String PEOPLE = """
            SELECT name, role FROM api_tokens WHERE revoked_at IS NULL AND role IN ('risk-office', 'supervisor')
            UNION
            SELECT DISTINCT assignee, NULL FROM (SELECT assignee FROM alerts WHERE assignee IS NOT NULL
                                                 ORDER BY id DESC LIMIT 5000) recent
            ORDER BY 1""";

    static final String LIST = """
            SELECT t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at, c.name AS created_by
            FROM api_tokens t LEFT JOIN api_tokens c ON c.id = t.created_by ORDER BY t.id""";
    static final String REVOKE =
            "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id";
    static final String EXISTS = "SELECT 1 FROM api_tokens WHERE id = $1";
    static final String ACTIVE_BY_ID = "SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL";
    static final String ANY_ACTIVE_ADMIN =
            "SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored token's identity. {@code id} is null for the configured TARGETWATCH_ADMIN_TOKEN. */
    public record Principal(Long id, String name, String role) {}

    /** A freshly created token, the only moment its secret is known. */
    public record Created(long id, String name, String role, String secret) {}

    /**
     * How long a successful lookup is trusted without asking the database again. A token revoked through this
     * server is refused at once; one revoked through another server sharing the database, within this time.
     */
    public static final java.time.Duration CACHE_TTL = java.time.Duration.ofSeconds(5);

    private static final int CACHE_MAX = 10_000;

    private record Cached(Principal principal, long expiresNanos) {}

    private final Pool pool;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Bumped by every revocation: a lookup that overlapped one is not cached (it may have read the old row). */
    private final java.util.concurrent.atomic.AtomicLong revocations = new java.util.concurrent.atomic.AtomicLong();

    public TokenStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Created> create(String name, String role, Long createdBy) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = "tw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(name, role, Buffer.buffer(hash(secret)), createdBy))
                .map(rs -> new Created(rs.iterator().next().getLong("id"), name, role, secret));
    }

    /** The active token with this secret, from the cache when looked up less than {@link #CACHE_TTL} ago. */
    public Future<Optional<Principal>> find(String secret) {
        byte[] hash = hash(secret);
        String key = Base64.getEncoder().encodeToString(hash);
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresNanos() - now > 0) {
            return Future.succeededFuture(Optional.of(cached.principal()));
        }
        long generation = revocations.get();
        return pool.preparedQuery(FIND_ACTIVE)
                .execute(Tuple.of(Buffer.buffer(hash)))
                .map(rs -> {
                    var it = rs.iterator();
                    if (!it.hasNext()) {
                        cache.remove(key);
                        return Optional.empty();
                    }
                    Row r = it.next();
                    Principal p = new Principal(r.getLong("id"), r.getString("name"), r.getString("role"));
                    if (cache.size() >= CACHE_MAX) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(p, now + CACHE_TTL.toNanos()));
                    if (revocations.get() != generation) {
                        cache.remove(key);
                    }
                    return Optional.of(p);
                });
    }

    /** Revokes the token; the result says whether it existed (revoking twice is not an error). */
    public Future<Boolean> revoke(long id) {
        return pool.preparedQuery(REVOKE)
                .execute(Tuple.of(id))
                .andThen(ar -> {
                    revocations.incrementAndGet();
                    cache.values()
                            .removeIf(c -> Long.valueOf(id).equals(c.principal().id()));
                })
                .compose(rs -> rs.size() > 0
                        ? Future.succeededFuture(true)
                        : pool.preparedQuery(EXISTS).execute(Tuple.of(id)).map(e -> e.size() > 0));
    }

    /** True if the token with this id exists and is not revoked (read from the database, never cached). */
    public Future<Boolean> active(long id) {
        return pool.preparedQuery(ACTIVE_BY_ID).execute(Tuple.of(id)).map(rs -> rs.size() > 0);
    }

    /** A token as the admin's list shows it: never its secret or hash. */
    public record Listed(
            long id,
            String name,
            String role,
            java.time.OffsetDateTime createdAt,
            String createdBy,
            java.time.OffsetDateTime lastUsedAt,
            java.time.OffsetDateTime revokedAt) {}

    /** The people an alert may be assigned to, by name ({@link #PEOPLE}); a name twice is listed once. */
    public Future<io.vertx.core.json.JsonArray> people() {
        return pool.query(PEOPLE).execute().map(rs -> {
            java.util.Map<String, io.vertx.core.json.JsonObject> byName = new java.util.LinkedHashMap<>();
            for (Row r : rs) {
                String name = r.getString("name");
                io.vertx.core.json.JsonObject known = byName.get(name);
                if (known == null || known.getString("role") == null) {
                    byName.put(
                            name,
                            new io.vertx.core.json.JsonObject()
                                    .put("name", name)
                                    .put("role", r.getString("role")));
                }
            }
            return new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(byName.values()));
        });
    }

    /** Every token, revoked ones included, oldest first. */
    public Future<java.util.List<Listed>> list() {
        return pool.query(LIST).execute().map(rs -> {
            java.util.List<Listed> out = new java.util.ArrayList<>();
            for (Row r : rs) {
                out.add(new Listed(
                        r.getLong("id"),
                        r.getString("name"),
                        r.getString("role"),
                        r.getOffsetDateTime("created_at"),
                        r.getString("created_by"),
                        r.getOffsetDateTime("last_used_at"),
                        r.getOffsetDateTime("revoked_at")));
            }
            return out;
        });
    }

    public Future<Boolean> anyActiveAdmin() {
        return pool.query(ANY_ACTIVE_ADMIN).execute().map(rs -> rs.size() > 0);
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
