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

    /** Receiver types: how a notification is rendered, signed and judged delivered ({@link Channels}). */
    public static final List<String> TYPES = List.of("webhook", "wecom", "dingtalk", "feishu");

    /**
     * A receiver: where to POST and how.
     *
     * @param type          one of {@link #TYPES}
     * @param url           the address to POST to, secrets included (WeCom's key, DingTalk's access_token, Feishu's
     *                      hook id): never shown; {@link #displayUrl()} is
     * @param secret        webhook: the HMAC-SHA256 secret; dingtalk, feishu: the signing secret (feishu: null when
     *                      the bot does not check signatures); wecom: null (the key is in the URL)
     * @param mentions      dingtalk: mobile numbers to @-mention per severity
     * @param ratePerMinute messages per minute the service takes (0: no limit), enforced across instances
     */
    public record Receiver(
            String id, String type, String url, String secret, Map<String, List<String>> mentions, int ratePerMinute) {
        /** A plain webhook (as before receiver types). */
        public Receiver(String id, String url, String secret) {
            this(id, "webhook", url, secret, Map.of(), 0);
        }

        /**
         * The URL as stored and shown (deliveries, logs): a webhook's as configured; a chat robot's without its
         * query (WeCom's key, DingTalk's access_token) and, for Feishu, without its hook id.
         */
        public String displayUrl() {
            if (type.equals("webhook")) {
                return url;
            }
            URI u = URI.create(url);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            if (type.equals("feishu") && path.lastIndexOf('/') >= 0) {
                path = path.substring(0, path.lastIndexOf('/') + 1) + "***";
            }
            return u.getScheme() + "://" + u.getRawAuthority() + path;
        }
    }

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
                    receivers.add(receiver(rs.getJsonObject(j), id + "-" + j, "receivers[" + j + "]", env));
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

    /** One receiver of the file, its secrets resolved from the environment where it names them. */
    private static Receiver receiver(JsonObject r, String defaultId, String where, Map<String, String> env) {
        String type = r.getString("type", "webhook");
        String url = fromEnv(r, "url", where, env);
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url);
        } catch (IllegalArgumentException e) {
            uri = URI.create("");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(where + ".url must be an http(s) URL (url or urlEnv)");
        }
        String secret = fromEnv(r, "secret", where, env);
        switch (type) {
            case "webhook" -> {
                if (secret == null || secret.length() < 16) {
                    throw new IllegalArgumentException(
                            where + ": a secret of at least 16 characters" + " is required (secret or secretEnv)");
                }
            }
            case "wecom" -> {
                if (secret != null) {
                    // the robot's key given apart from its URL
                    url = url + (url.contains("?") ? "&" : "?") + "key="
                            + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
                    secret = null;
                }
                if (!url.contains("key=")) {
                    throw new IllegalArgumentException(where + ": a wecom robot needs its key, in the url (?key=...) or"
                            + " as secret or secretEnv");
                }
            }
            case "dingtalk" -> {
                if (!url.contains("access_token=")) {
                    throw new IllegalArgumentException(where + ": a dingtalk robot's url carries its access_token"
                            + " (https://oapi.dingtalk.com/robot/send?access_token=...)");
                }
                if (secret == null || secret.isBlank()) {
                    throw new IllegalArgumentException(where
                            + ": a dingtalk robot needs its signing secret (加签, SEC...)" + " as secret or secretEnv");
                }
            }
            case "feishu" -> {
                // the signing secret is optional: a bot may have 签名校验 off
            }
            default ->
                throw new IllegalArgumentException(
                        where + ".type '" + type + "' is not one of " + String.join(", ", TYPES));
        }
        Map<String, List<String>> mentions = new java.util.LinkedHashMap<>();
        JsonObject m = r.getJsonObject("mentions", new JsonObject());
        for (String severity : m.fieldNames()) {
            List<String> mobiles = new ArrayList<>();
            m.getJsonArray(severity).forEach(v -> mobiles.add(String.valueOf(v)));
            mentions.put(severity, List.copyOf(mobiles));
        }
        int defaultRate = switch (type) {
            case "wecom", "dingtalk" -> 20;
            case "feishu" -> 100;
            default -> 0;
        };
        return new Receiver(
                r.getString("id", defaultId),
                type,
                url,
                secret,
                Map.copyOf(mentions),
                r.getInteger("ratePerMinute", defaultRate));
    }

    /** {@code name} inline, or from the environment variable {@code <name>Env} names (which must then be set). */
    private static String fromEnv(JsonObject r, String name, String where, Map<String, String> env) {
        String var = r.getString(name + "Env");
        if (var == null) {
            return r.getString(name);
        }
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(
                    where + ": environment variable " + var + " (" + name + "Env) is not set");
        }
        return v;
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
