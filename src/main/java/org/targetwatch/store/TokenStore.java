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
    static final String FIND_ACTIVE = "SELECT id, name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
    static final String REVOKE = "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id";
    static final String EXISTS = "SELECT 1 FROM api_tokens WHERE id = $1";
    static final String ANY_ACTIVE_ADMIN = "SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored token's identity. {@code id} is null for the configured TARGETWATCH_ADMIN_TOKEN. */
    public record Principal(Long id, String name, String role) {
    }

    /** A freshly created token, the only moment its secret is known. */
    public record Created(long id, String name, String role, String secret) {
    }

    private final Pool pool;

    public TokenStore(Pool pool) {
        this.pool = pool;
    }

    public Future<Created> create(String name, String role, Long createdBy) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = "tw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return pool.preparedQuery(INSERT).execute(Tuple.of(name, role, Buffer.buffer(hash(secret)), createdBy))
                .map(rs -> new Created(rs.iterator().next().getLong("id"), name, role, secret));
    }

    public Future<Optional<Principal>> find(String secret) {
        return pool.preparedQuery(FIND_ACTIVE).execute(Tuple.of(Buffer.buffer(hash(secret)))).map(rs -> {
            var it = rs.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row r = it.next();
            return Optional.of(new Principal(r.getLong("id"), r.getString("name"), r.getString("role")));
        });
    }

    /** Revokes the token; the result says whether it existed (revoking twice is not an error). */
    public Future<Boolean> revoke(long id) {
        return pool.preparedQuery(REVOKE).execute(Tuple.of(id)).compose(rs -> rs.size() > 0
                ? Future.succeededFuture(true)
                : pool.preparedQuery(EXISTS).execute(Tuple.of(id)).map(e -> e.size() > 0));
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
