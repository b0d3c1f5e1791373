package org.targetwatch.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.targetwatch.config.InvalidConfigException;

/**
 * The risk offices of {@code config/routing.json}: which alerts each receives (matchers on category, severity,
 * region, subject; an empty list matches anything), its webhook receivers, and its escalation deadlines. Immutable;
 * read once at startup.
 */
public final class Routing {
    private static final Set<String> MATCH_KEYS = Set.of("category", "severity", "region", "subject");

    /** A webhook: where to POST and the HMAC-SHA256 secret to sign with. */
    public record Receiver(String id, String url, String secret) {}

    /** An office's escalation rule: alerts of {@code severity} unacknowledged after {@code afterMinutes}. */
    public record Escalation(String severity, long afterMinutes, String to) {}

    public record Office(
            String id,
            String name,
            Map<String, List<String>> match,
            List<Receiver> receivers,
            List<Escalation> escalation) {
        public boolean matches(JsonObject alert) {
            for (Map.Entry<String, List<String>> m : match.entrySet()) {
                if (!m.getValue().isEmpty() && !m.getValue().contains(String.valueOf(alert.getValue(m.getKey())))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Office> offices;

    public Routing(List<Office> offices) {
        this.offices = List.copyOf(offices);
    }

    public static Routing none() {
        return new Routing(List.of());
    }

    /** Reads and validates the routing file; a defect throws {@link InvalidConfigException} naming the entry. */
    public static Routing load(Path file, Map<String, String> env) {
        String key = "routingFile";
        if (!Files.exists(file)) {
            throw new InvalidConfigException(key, "routing file not found: " + file);
        }
        JsonObject root;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            org.targetwatch.config.ConfigSchemas.check(key, file, "routing.json", text);
            root = new JsonObject(text);
        } catch (IOException | io.vertx.core.json.DecodeException e) {
            throw new InvalidConfigException(key, "cannot read " + file + ": " + e.getMessage());
        }
        List<Office> out = new ArrayList<>();
        JsonArray list = root.getJsonArray("offices", new JsonArray());
        for (int i = 0; i < list.size(); i++) {
            String where = file + " offices[" + i + "]";
            try {
                JsonObject o = list.getJsonObject(i);
                String id = o.getString("id");
                if (id == null || id.isBlank()) {
                    throw new IllegalArgumentException("missing 'id'");
                }
                Map<String, List<String>> match = new java.util.LinkedHashMap<>();
                JsonObject m = o.getJsonObject("match", new JsonObject());
                for (String k : m.fieldNames()) {
                    if (!MATCH_KEYS.contains(k)) {
                        throw new IllegalArgumentException("match key '" + k + "' is not one of " + MATCH_KEYS);
                    }
                    List<String> values = new ArrayList<>();
                    m.getJsonArray(k).forEach(v -> values.add(String.valueOf(v)));
                    match.put(k, values);
                }
                List<Receiver> receivers = new ArrayList<>();
                JsonArray rs = o.getJsonArray("receivers", new JsonArray());
                for (int j = 0; j < rs.size(); j++) {
                    JsonObject r = rs.getJsonObject(j);
                    String url = r.getString("url");
                    URI uri = URI.create(url == null ? "" : url);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new IllegalArgumentException("receivers[" + j + "].url must be an http(s) URL");
                    }
                    String secret = r.getString("secret");
                    String secretEnv = r.getString("secretEnv");
                    if (secretEnv != null) {
                        secret = env.get(secretEnv);
                        if (secret == null || secret.isBlank()) {
                            throw new IllegalArgumentException("receivers[" + j + "]: environment variable " + secretEnv
                                    + " (secretEnv) is not set");
                        }
                    }
                    if (secret == null || secret.length() < 16) {
                        throw new IllegalArgumentException("receivers[" + j + "]: a secret of at least 16 characters"
                                + " is required (secret or secretEnv)");
                    }
                    receivers.add(new Receiver(r.getString("id", id + "-" + j), url, secret));
                }
                List<Escalation> esc = new ArrayList<>();
                JsonArray es = o.getJsonArray("escalation", new JsonArray());
                for (int j = 0; j < es.size(); j++) {
                    JsonObject e = es.getJsonObject(j);
                    esc.add(new Escalation(e.getString("severity"), e.getLong("afterMinutes"), e.getString("to")));
                }
                out.add(new Office(id, o.getString("name", id), match, receivers, esc));
            } catch (RuntimeException e) {
                throw new InvalidConfigException(key, where + ": " + e.getMessage());
            }
        }
        java.util.Set<String> receiverIds = new java.util.HashSet<>();
        for (Office o : out) {
            for (Receiver r : o.receivers()) {
                if (!receiverIds.add(r.id())) {
                    throw new InvalidConfigException(
                            key,
                            "receiver id " + r.id() + " is used twice; give each"
                                    + " receiver its own id (it identifies its secret and its deliveries)");
                }
            }
            for (Escalation e : o.escalation()) {
                if (out.stream().noneMatch(x -> x.id().equals(e.to()))) {
                    throw new InvalidConfigException(
                            key, "office " + o.id() + " escalates to unknown office " + e.to());
                }
            }
        }
        return new Routing(out);
    }

    public List<Office> offices() {
        return offices;
    }

    public List<Office> officesFor(JsonObject alert) {
        return offices.stream().filter(o -> o.matches(alert)).toList();
    }

    public Optional<Office> office(String id) {
        return offices.stream().filter(o -> o.id().equals(id)).findFirst();
    }
}
