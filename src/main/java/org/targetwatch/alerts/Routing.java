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
 * region, subject, rule; an empty list matches anything), its receivers, how its notifications are grouped
 * ({@code groupBy}, {@code groupWait}, {@code groupInterval}) and repeated until acknowledged
 * ({@code repeatInterval} per severity), its escalation chain (steps per severity, in order of {@code afterMinutes}),
 * and the file's inhibition rules. Immutable; read once at startup.
 */
public final class Routing {
    private static final Set<String> MATCH_KEYS = Set.of("category", "severity", "region", "subject", "rule");

    /** Alert severities, least urgent first. */
    public static final List<String> SEVERITIES = List.of("info", "warning", "major", "critical");

    /** Alert fields notifications may be grouped by and inhibition rules may require equal. */
    public static final List<String> LABELS =
            List.of("rule", "category", "severity", "region", "subject", "indicator", "period");

    /** Receiver types: how a notification is rendered, signed and judged delivered ({@link Channels}). */
    public static final List<String> TYPES = List.of("webhook", "wecom", "dingtalk", "feishu", "sms");

    /** What an SMS template's parameters may be filled with, in the template's order ({@link Channels#scope}). */
    public static final List<String> SMS_PARAMS = List.of(
            "kindZh",
            "severityZh",
            "categoryZh",
            "rule",
            "subject",
            "subjectName",
            "region",
            "indicator",
            "period",
            "value",
            "unit",
            "threshold",
            "time",
            "id",
            "count");

    /**
     * An SMS gateway's settings: messages are pre-approved templates with parameters (Tencent Cloud SMS
     * {@code SendSms}, API 3.0, signed TC3-HMAC-SHA256).
     *
     * @param secretId     the API key's SecretId (the SecretKey is the receiver's {@code secret})
     * @param templateParams what fills the template's parameters, in order (names of {@link #SMS_PARAMS})
     * @param phoneNumbers per severity, the numbers (E.164, {@code +86...}) to send to
     */
    public record Sms(
            String provider,
            String secretId,
            String region,
            String sdkAppId,
            String signName,
            String templateId,
            List<String> templateParams,
            Map<String, List<String>> phoneNumbers) {}

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
     * @param ratePerSecond messages per second the service takes (0: no limit; Feishu: 5), likewise
     * @param maxFailures   failed attempts after which a notification is marked failed with its last reason (0:
     *                      retried until delivered)
     * @param quietHours    when non-critical notifications wait (null: never)
     */
    public record Receiver(
            String id,
            String type,
            String url,
            String secret,
            Map<String, List<String>> mentions,
            int ratePerMinute,
            int ratePerSecond,
            int maxFailures,
            QuietHours quietHours,
            Sms sms) {
        /** A plain webhook (as before receiver types). */
        public Receiver(String id, String url, String secret) {
            this(id, "webhook", url, secret, Map.of(), 0, 0, 0, null, null);
        }

        /**
         * The URL as stored and shown (deliveries, logs): a webhook's as configured; a chat robot's without its
         * query (WeCom's key, DingTalk's access_token) and, for Feishu, without its hook id.
         */
        public String displayUrl() {
            if (type.equals("webhook") || type.equals("sms")) {
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

    /**
     * A step of an office's escalation chain: alerts of {@code severity} still unacknowledged {@code afterMinutes}
     * after opening escalate to office {@code to}. An office's steps for one severity apply in order of
     * {@code afterMinutes}, one level each.
     */
    public record Escalation(String severity, long afterMinutes, String to) {}

    /**
     * Daily quiet hours of a receiver, from {@code from} to {@code to} (local times; {@code to} before {@code from}
     * spans midnight) in {@code zone}: non-critical notifications due in them wait for their end.
     */
    public record QuietHours(java.time.LocalTime from, java.time.LocalTime to, java.time.ZoneId zone) {
        /** {@code t} if it is outside the quiet hours, else the end of the quiet hours it falls in. */
        public java.time.Instant release(java.time.Instant t) {
            java.time.ZonedDateTime z = t.atZone(zone);
            java.time.LocalTime time = z.toLocalTime();
            boolean wraps = to.isBefore(from);
            boolean quiet =
                    wraps ? !time.isBefore(from) || time.isBefore(to) : !time.isBefore(from) && time.isBefore(to);
            if (!quiet) {
                return t;
            }
            java.time.LocalDate endDay =
                    wraps && !time.isBefore(from) ? z.toLocalDate().plusDays(1) : z.toLocalDate();
            return endDay.atTime(to).atZone(zone).toInstant();
        }
    }

    /**
     * An inhibition rule: while an active alert matches {@code source}, notifications of alerts matching
     * {@code target} with the same values of the {@code equal} labels are not sent (they are recorded as inhibited,
     * naming the inhibiting alert).
     */
    public record Inhibition(Map<String, List<String>> source, Map<String, List<String>> target, List<String> equal) {
        public boolean inhibits(JsonObject sourceAlert, JsonObject targetAlert) {
            if (sourceAlert.getValue("id").equals(targetAlert.getValue("id"))
                    || !matchesAll(source, sourceAlert)
                    || !matchesAll(target, targetAlert)) {
                return false;
            }
            for (String label : equal) {
                if (!String.valueOf(sourceAlert.getValue(label)).equals(String.valueOf(targetAlert.getValue(label)))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A risk office.
     *
     * @param groupBy        alert labels whose equal values put notifications to one receiver into one message
     *                       (empty: a message per notification)
     * @param groupWait      how long a new group waits for more notifications before its first message
     * @param groupInterval  how long after a group's message the next one (with what arrived since) may follow
     * @param repeatInterval per severity: an open alert not acknowledged is notified again this often
     */
    public record Office(
            String id,
            String name,
            Map<String, List<String>> match,
            List<Receiver> receivers,
            List<Escalation> escalation,
            List<String> groupBy,
            java.time.Duration groupWait,
            java.time.Duration groupInterval,
            Map<String, java.time.Duration> repeatInterval) {
        public Office(
                String id,
                String name,
                Map<String, List<String>> match,
                List<Receiver> receivers,
                List<Escalation> escalation) {
            this(
                    id,
                    name,
                    match,
                    receivers,
                    escalation,
                    List.of(),
                    java.time.Duration.ZERO,
                    java.time.Duration.ZERO,
                    Map.of());
        }

        public boolean matches(JsonObject alert) {
            return matchesAll(match, alert);
        }

        /** This office's escalation steps for {@code severity}, in order. */
        public List<Escalation> chain(String severity) {
            return escalation.stream()
                    .filter(e -> e.severity().equals(severity))
                    .sorted(java.util.Comparator.comparingLong(Escalation::afterMinutes))
                    .toList();
        }

        /**
         * The group a notification of {@code alert} to {@code receiver} belongs to, or null when this office does not
         * group: the office, the receiver and the values of the {@code groupBy} labels.
         */
        public String groupKey(Receiver receiver, JsonObject alert) {
            if (groupBy.isEmpty()) {
                return null;
            }
            StringBuilder key = new StringBuilder(id).append('|').append(receiver.id());
            for (String label : groupBy) {
                key.append('|').append(label).append('=').append(alert.getValue(label));
            }
            return key.toString();
        }
    }

    static boolean matchesAll(Map<String, List<String>> match, JsonObject alert) {
        for (Map.Entry<String, List<String>> m : match.entrySet()) {
            if (!m.getValue().isEmpty() && !m.getValue().contains(String.valueOf(alert.getValue(m.getKey())))) {
                return false;
            }
        }
        return true;
    }

    private final List<Office> offices;
    private final List<Inhibition> inhibitions;

    public Routing(List<Office> offices) {
        this(offices, List.of());
    }

    public Routing(List<Office> offices, List<Inhibition> inhibitions) {
        this.offices = List.copyOf(offices);
        this.inhibitions = List.copyOf(inhibitions);
    }

    public static Routing none() {
        return new Routing(List.of());
    }

    public List<Inhibition> inhibitions() {
        return inhibitions;
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
                Map<String, List<String>> match = matcher(o.getJsonObject("match", new JsonObject()));
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
                Map<String, java.time.Duration> repeat = new java.util.LinkedHashMap<>();
                JsonObject ri = o.getJsonObject("repeatInterval", new JsonObject());
                for (String severity : ri.fieldNames()) {
                    java.time.Duration d = duration(ri.getValue(severity), "repeatInterval." + severity);
                    if (d.isZero()) {
                        throw new IllegalArgumentException("repeatInterval." + severity + " must be more than zero");
                    }
                    repeat.put(severity, d);
                }
                List<String> groupBy = new ArrayList<>();
                o.getJsonArray("groupBy", new JsonArray()).forEach(v -> groupBy.add(String.valueOf(v)));
                out.add(new Office(
                        id,
                        o.getString("name", id),
                        match,
                        receivers,
                        esc,
                        List.copyOf(groupBy),
                        duration(o.getValue("groupWait", groupBy.isEmpty() ? 0 : 30), "groupWait"),
                        duration(o.getValue("groupInterval", groupBy.isEmpty() ? 0 : 300), "groupInterval"),
                        Map.copyOf(repeat)));
            } catch (RuntimeException e) {
                throw new InvalidConfigException(key, where + ": " + e.getMessage());
            }
        }
        List<Inhibition> inhibitions = new ArrayList<>();
        JsonArray inh = root.getJsonArray("inhibit", new JsonArray());
        for (int i = 0; i < inh.size(); i++) {
            JsonObject r = inh.getJsonObject(i);
            try {
                List<String> equal = new ArrayList<>();
                r.getJsonArray("equal", new JsonArray()).forEach(v -> equal.add(String.valueOf(v)));
                inhibitions.add(new Inhibition(
                        matcher(r.getJsonObject("source")), matcher(r.getJsonObject("target")), List.copyOf(equal)));
            } catch (RuntimeException e) {
                throw new InvalidConfigException(key, file + " inhibit[" + i + "]: " + e.getMessage());
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
        return new Routing(out, inhibitions);
    }

    private static Map<String, List<String>> matcher(JsonObject m) {
        Map<String, List<String>> match = lists(m);
        for (String k : match.keySet()) {
            if (!MATCH_KEYS.contains(k)) {
                throw new IllegalArgumentException("match key '" + k + "' is not one of " + MATCH_KEYS);
            }
        }
        return match;
    }

    /** An object of string lists (keys starting with {@code _} are comments), each list's values as text. */
    private static Map<String, List<String>> lists(JsonObject o) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String k : o.fieldNames()) {
            if (k.startsWith("_")) {
                continue;
            }
            List<String> values = new ArrayList<>();
            o.getJsonArray(k).forEach(v -> values.add(String.valueOf(v)));
            out.put(k, List.copyOf(values));
        }
        return Map.copyOf(out);
    }

    /** A duration as the file gives it: seconds as a number, or {@code 30s}, {@code 5m}, {@code 4h}, {@code 1h30m}. */
    static java.time.Duration duration(Object v, String field) {
        if (v instanceof Number n) {
            return java.time.Duration.ofSeconds(n.longValue());
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("([0-9]+)([smhd])").matcher(String.valueOf(v));
        java.time.Duration d = java.time.Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "s" -> java.time.Duration.ofSeconds(n);
                        case "m" -> java.time.Duration.ofMinutes(n);
                        case "h" -> java.time.Duration.ofHours(n);
                        default -> java.time.Duration.ofDays(n);
                    });
            end = m.end();
        }
        if (end == 0 || end != String.valueOf(v).length()) {
            throw new IllegalArgumentException(field + " '" + v + "' is no duration (seconds, or like 30s, 5m, 4h)");
        }
        return d;
    }

    /** One receiver of the file, its secrets resolved from the environment where it names them. */
    private static Receiver receiver(JsonObject r, String defaultId, String where, Map<String, String> env) {
        String type = r.getString("type", "webhook");
        String url = fromEnv(r, "url", where, env);
        if (type.equals("sms") && url == null) {
            url = "https://sms.tencentcloudapi.com";
        }
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
            case "sms" -> {
                if (secret == null || secret.isBlank()) {
                    throw new IllegalArgumentException(
                            where + ": an sms gateway needs its API SecretKey as secret or secretEnv");
                }
            }
            default ->
                throw new IllegalArgumentException(
                        where + ".type '" + type + "' is not one of " + String.join(", ", TYPES));
        }
        Map<String, List<String>> mentions = lists(r.getJsonObject("mentions", new JsonObject()));
        int defaultRate = switch (type) {
            case "wecom", "dingtalk" -> 20;
            case "feishu" -> 100;
            case "sms" -> 2; // Tencent Cloud's default: one message per number per 30 s
            default -> 0;
        };
        Sms sms = null;
        if (type.equals("sms")) {
            String secretId = fromEnv(r, "secretId", where, env);
            if (secretId == null || secretId.isBlank()) {
                throw new IllegalArgumentException(where + ": an sms gateway needs its API secretId (or secretIdEnv)");
            }
            for (String required : List.of("sdkAppId", "signName", "templateId")) {
                if (r.getString(required) == null || r.getString(required).isBlank()) {
                    throw new IllegalArgumentException(where + "." + required + " is required for an sms gateway");
                }
            }
            List<String> params = new ArrayList<>();
            r.getJsonArray("templateParams", new JsonArray()).forEach(v -> params.add(String.valueOf(v)));
            Map<String, List<String>> phones = lists(r.getJsonObject("phoneNumbers", new JsonObject()));
            if (phones.isEmpty()) {
                throw new IllegalArgumentException(
                        where + ".phoneNumbers: an sms gateway needs the numbers to send to, per severity");
            }
            sms = new Sms(
                    r.getString("provider", "tencent"),
                    secretId,
                    r.getString("region", "ap-guangzhou"),
                    r.getString("sdkAppId"),
                    r.getString("signName"),
                    r.getString("templateId"),
                    List.copyOf(params),
                    Map.copyOf(phones));
        }
        QuietHours quiet = null;
        JsonObject q = r.getJsonObject("quietHours");
        if (q != null) {
            try {
                quiet = new QuietHours(
                        java.time.LocalTime.parse(q.getString("from")),
                        java.time.LocalTime.parse(q.getString("to")),
                        java.time.ZoneId.of(q.getString("timeZone", "Asia/Shanghai")));
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException(where + ".quietHours: " + e.getMessage());
            }
        }
        return new Receiver(
                r.getString("id", defaultId),
                type,
                url,
                secret,
                Map.copyOf(mentions),
                r.getInteger("ratePerMinute", defaultRate),
                r.getInteger("ratePerSecond", type.equals("feishu") ? 5 : 0),
                r.getInteger("maxFailures", 0),
                quiet,
                sms);
    }

    /**
     * {@code name} inline, from the environment variable {@code <name>Env} names (which must then be set), or from
     * the file {@code <name>File} names (a mounted secret; trailing line breaks dropped).
     */
    private static String fromEnv(JsonObject r, String name, String where, Map<String, String> env) {
        String file = r.getString(name + "File");
        if (file != null) {
            try {
                String v =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(where + "." + name + "File: " + file + " is empty");
                }
                return v;
            } catch (IOException e) {
                throw new IllegalArgumentException(where + "." + name + "File: cannot read " + file + ": " + e);
            }
        }
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
