package org.targetwatch.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed configuration, read in exactly one place: {@link #load(Map)}. Each key comes from the environment variable
 * if set, else from the JSON file ({@code TARGETWATCH_CONFIG}, default {@code config/application.json}), else from
 * the default below. Every value is validated here; an invalid one throws {@link InvalidConfigException} naming
 * the key, so the server never starts half-configured.
 *
 * @param httpHost        interface to bind
 * @param httpPort        TCP port; 0 picks a free port (used by tests)
 * @param dbUrl           {@code postgresql://user:pass@host:port/db}, or empty for the embedded database
 * @param dataDir         where the embedded database keeps its files
 * @param rulesDir        directory of DRL files and threshold data
 * @param indicatorsFile  the indicator catalog (JSON)
 * @param adminToken      an admin bearer token accepted in addition to stored tokens, or empty
 * @param dbPoolSize      maximum connections in the pool
 * @param maxBodyBytes    largest accepted request body; larger gets 413
 * @param maxBatchReadings largest accepted number of readings in one request; more gets 413
 * @param futureToleranceSeconds how far in the future an observedAt may lie (clock skew allowance)
 * @param routingFile    offices, receivers and escalation (JSON)
 * @param deliveryPollMillis    how often the outbox is scanned for notifications to send
 * @param deliveryBackoffMillis first retry delay of a failed notification (doubles per attempt, at most 1 min)
 * @param watchPollMillis  how often escalation deadlines and missing data are checked
 * @param maxAlertsPerRule guardrail: a rule opening more alerts than this in one evaluation is cut off with one
 *                         summary alert
 * @param ingestConcurrency reading transactions in flight at once per server, 0 = one per CPU core (at least 2);
 *                          requests beyond wait and are committed together (group commit, see
 *                          {@code ingest.IngestQueue})
 * @param ingestGroupReadings most readings one group-commit transaction takes from waiting requests (a larger
 *                            request still runs, alone)
 * @param requestTimeoutSeconds how long a client has to send a request's headers (from the connection's opening
 *                              or the end of the previous response), and how long its body may stall; then the
 *                              connection is closed
 * @param idleTimeoutSeconds  a connection with no bytes either way for this long is closed
 * @param maxConnectionsPerClient connections one client address may hold open at once; more are closed at once
 * @param retentionMonths   months kept per table family ({@code readings}, {@code ruleHits}, {@code alertEvents});
 *                          a family not named keeps everything. Whole monthly partitions older than that are
 *                          dropped (see {@code store.Partitions}), never those holding an open alert's evidence.
 * @param hj212Port         TCP port of the HJ 212-2017 listener for data loggers; 0 picks a free port (the log
 *                          says which), -1 turns the listener off
 * @param hj212File         the HJ 212 pollutant code table (JSON)
 * @param liveWindowHours   readings whose period ended longer ago are historical: their alerts are recorded but not
 *                          notified or escalated, and a back-filled series raises no no-data alert
 * @param maxImportBytes    largest file an import accepts; larger gets 413
 * @param templatesDir      message templates of chat receivers
 * @param publicUrl         the dashboard's address, for links in notifications (no trailing slash)
 * @param deliveryThrottleMillis how long a receiver that answered "throttled" is left alone
 * @param auditRetentionDays     how long audit log entries are kept
 * @param maxExportRows     most rows one export file (format=csv|xlsx of a list) holds; more is refused with 400
 */
public record AppConfig(
        String httpHost,
        int httpPort,
        Optional<String> dbUrl,
        Path dataDir,
        Path rulesDir,
        Path indicatorsFile,
        Optional<String> adminToken,
        int dbPoolSize,
        long maxBodyBytes,
        int maxBatchReadings,
        long futureToleranceSeconds,
        Path routingFile,
        int deliveryPollMillis,
        int deliveryBackoffMillis,
        int watchPollMillis,
        int maxAlertsPerRule,
        int ingestConcurrency,
        int ingestGroupReadings,
        int requestTimeoutSeconds,
        int idleTimeoutSeconds,
        int maxConnectionsPerClient,
        Map<String, Integer> retentionMonths,
        int hj212Port,
        Path hj212File,
        int liveWindowHours,
        long maxImportBytes,
        Path templatesDir,
        String publicUrl,
        int deliveryThrottleMillis,
        int auditRetentionDays,
        int maxExportRows,
        Optional<String> dbReadUrl) {

    /** The table families {@link #retentionMonths} may name. */
    public static final java.util.List<String> RETENTION_FAMILIES =
            java.util.List.of("readings", "ruleHits", "alertEvents");

    /** Configuration keys: JSON key in the file, environment variable that overrides it, default. */
    public enum Key {
        HTTP_HOST("httpHost", "TARGETWATCH_HTTP_HOST", "0.0.0.0"),
        HTTP_PORT("httpPort", "TARGETWATCH_HTTP_PORT", "8080"),
        DB_URL("dbUrl", "TARGETWATCH_DB_URL", ""),
        DATA_DIR("dataDir", "TARGETWATCH_DATA_DIR", "./data"),
        RULES_DIR("rulesDir", "TARGETWATCH_RULES_DIR", "./rules"),
        INDICATORS_FILE("indicatorsFile", "TARGETWATCH_INDICATORS_FILE", "./config/indicators.json"),
        ADMIN_TOKEN("adminToken", "TARGETWATCH_ADMIN_TOKEN", ""),
        DB_POOL_SIZE("dbPoolSize", "TARGETWATCH_DB_POOL_SIZE", "8"),
        MAX_BODY_BYTES("maxBodyBytes", "TARGETWATCH_MAX_BODY_BYTES", "4194304"),
        MAX_BATCH_READINGS("maxBatchReadings", "TARGETWATCH_MAX_BATCH_READINGS", "10000"),
        FUTURE_TOLERANCE_SECONDS("futureToleranceSeconds", "TARGETWATCH_FUTURE_TOLERANCE_SECONDS", "300"),
        ROUTING_FILE("routingFile", "TARGETWATCH_ROUTING_FILE", "./config/routing.json"),
        DELIVERY_POLL_MILLIS("deliveryPollMillis", "TARGETWATCH_DELIVERY_POLL_MILLIS", "500"),
        DELIVERY_BACKOFF_MILLIS("deliveryBackoffMillis", "TARGETWATCH_DELIVERY_BACKOFF_MILLIS", "1000"),
        WATCH_POLL_MILLIS("watchPollMillis", "TARGETWATCH_WATCH_POLL_MILLIS", "15000"),
        MAX_ALERTS_PER_RULE("maxAlertsPerRule", "TARGETWATCH_MAX_ALERTS_PER_RULE", "500"),
        INGEST_CONCURRENCY("ingestConcurrency", "TARGETWATCH_INGEST_CONCURRENCY", "0"),
        INGEST_GROUP_READINGS("ingestGroupReadings", "TARGETWATCH_INGEST_GROUP_READINGS", "1000"),
        REQUEST_TIMEOUT_SECONDS("requestTimeoutSeconds", "TARGETWATCH_REQUEST_TIMEOUT_SECONDS", "30"),
        IDLE_TIMEOUT_SECONDS("idleTimeoutSeconds", "TARGETWATCH_IDLE_TIMEOUT_SECONDS", "120"),
        MAX_CONNECTIONS_PER_CLIENT("maxConnectionsPerClient", "TARGETWATCH_MAX_CONNECTIONS_PER_CLIENT", "256"),
        /** A JSON object, e.g. {@code {"readings": 36, "ruleHits": 24}}; {@code {}} keeps everything. */
        RETENTION_MONTHS("retentionMonths", "TARGETWATCH_RETENTION_MONTHS", "{}"),
        HJ212_PORT("hj212Port", "TARGETWATCH_HJ212_PORT", "9212"),
        HJ212_FILE("hj212File", "TARGETWATCH_HJ212_FILE", "./config/hj212.json"),
        LIVE_WINDOW_HOURS("liveWindowHours", "TARGETWATCH_LIVE_WINDOW_HOURS", "48"),
        /** Largest file {@code POST /api/v1/imports} accepts (default 8 GiB). */
        MAX_IMPORT_BYTES("maxImportBytes", "TARGETWATCH_MAX_IMPORT_BYTES", "8589934592"),
        /** Message templates of chat receivers (WeCom, DingTalk, Feishu): {@code <type>.mustache}. */
        TEMPLATES_DIR("templatesDir", "TARGETWATCH_TEMPLATES_DIR", "./config/templates"),
        /** Where users open the dashboard: links in notifications point there. */
        PUBLIC_URL("publicUrl", "TARGETWATCH_PUBLIC_URL", "http://localhost:8080"),
        /** How long a receiver that answered "too many messages" is left alone (the services' window: 1 minute). */
        DELIVERY_THROTTLE_MILLIS("deliveryThrottleMillis", "TARGETWATCH_DELIVERY_THROTTLE_MILLIS", "60000"),
        /** How long audit log entries are kept (Zabbix keeps its audit log 365 days by default too). */
        AUDIT_RETENTION_DAYS("auditRetentionDays", "TARGETWATCH_AUDIT_RETENTION_DAYS", "365"),
        /** Most rows of one export; an xlsx sheet holds 1,048,576 rows, the header included. */
        MAX_EXPORT_ROWS("maxExportRows", "TARGETWATCH_MAX_EXPORT_ROWS", "1000000"),
        /** A streaming read replica for reports, the air pages and exports; empty: they read the primary. */
        DB_READ_URL("dbReadUrl", "TARGETWATCH_DB_READ_URL", "");

        public final String jsonKey;
        public final String envVar;
        public final String defaultValue;

        Key(String jsonKey, String envVar, String defaultValue) {
            this.jsonKey = jsonKey;
            this.envVar = envVar;
            this.defaultValue = defaultValue;
        }
    }

    public static final String CONFIG_FILE_ENV = "TARGETWATCH_CONFIG";
    public static final String DEFAULT_CONFIG_FILE = "config/application.json";

    /** Loads from the process environment. */
    public static AppConfig load() {
        return load(System.getenv());
    }

    /**
     * Loads from the given environment. A missing file at the default path is not an error (all defaults apply);
     * a missing file named explicitly by {@code TARGETWATCH_CONFIG} is.
     */
    public static AppConfig load(Map<String, String> env) {
        String explicit = env.get(CONFIG_FILE_ENV);
        Path file = Path.of(explicit == null || explicit.isBlank() ? DEFAULT_CONFIG_FILE : explicit);
        JsonObject json = new JsonObject();
        if (Files.exists(file)) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                ConfigSchemas.check(CONFIG_FILE_ENV, file, "application.json", text);
                json = new JsonObject(text);
            } catch (IOException | DecodeException e) {
                throw new InvalidConfigException(CONFIG_FILE_ENV, "cannot read " + file + ": " + e.getMessage());
            }
        } else if (explicit != null && !explicit.isBlank()) {
            throw new InvalidConfigException(CONFIG_FILE_ENV, "file not found: " + file);
        }
        return fromSources(json, env);
    }

    /** Settings that may come from a file named by {@code <variable>_FILE} (a Kubernetes or Docker secret). */
    private static final java.util.Set<Key> SECRET_KEYS =
            java.util.Set.of(Key.ADMIN_TOKEN, Key.DB_URL, Key.DB_READ_URL);

    /**
     * The content of the file named by {@code <variable>_FILE}, without trailing line breaks and spaces, or null
     * when that variable is not set. Refused: the file cannot be read, is empty, or the variable itself is set too.
     */
    private static String secretFile(Map<String, String> env, Key key) {
        String var = key.envVar + "_FILE";
        String name = env.get(var);
        if (name == null || name.isBlank()) {
            return null;
        }
        if (env.get(key.envVar) != null) {
            throw new InvalidConfigException(var, "both " + key.envVar + " and " + var + " are set; set one of them");
        }
        try {
            String v = Files.readString(Path.of(name), StandardCharsets.UTF_8).stripTrailing();
            if (v.isEmpty()) {
                throw new InvalidConfigException(var, "file " + name + " is empty");
            }
            return v;
        } catch (IOException e) {
            throw new InvalidConfigException(var, "cannot read " + name + ": " + e);
        }
    }

    /** Builds the configuration from a parsed file and an environment map (environment wins). */
    public static AppConfig fromSources(JsonObject file, Map<String, String> env) {
        Map<Key, String> raw = new LinkedHashMap<>();
        for (Key key : Key.values()) {
            String value = env.get(key.envVar);
            if (SECRET_KEYS.contains(key)) {
                String fromFile = secretFile(env, key);
                if (fromFile != null) {
                    value = fromFile;
                }
            }
            if (value == null) {
                Object fromFile = file.getValue(key.jsonKey);
                value = fromFile == null ? key.defaultValue : String.valueOf(fromFile);
            }
            raw.put(key, value.trim());
        }
        for (String name : file.fieldNames()) {
            boolean known = false;
            for (Key key : Key.values()) {
                known |= key.jsonKey.equals(name);
            }
            if (!known && !name.startsWith("_")) {
                throw new InvalidConfigException(name, "unknown key in configuration file");
            }
        }
        String dbUrl = raw.get(Key.DB_URL);
        if (!dbUrl.isEmpty()) {
            validateDbUrl(Key.DB_URL, dbUrl);
        }
        String dbReadUrl = raw.get(Key.DB_READ_URL);
        if (!dbReadUrl.isEmpty()) {
            validateDbUrl(Key.DB_READ_URL, dbReadUrl);
        }
        String adminToken = raw.get(Key.ADMIN_TOKEN);
        if (!adminToken.isEmpty() && adminToken.length() < 16) {
            throw new InvalidConfigException(Key.ADMIN_TOKEN.envVar, "must be at least 16 characters long");
        }
        return new AppConfig(
                nonEmpty(raw, Key.HTTP_HOST),
                intIn(raw, Key.HTTP_PORT, 0, 65535),
                dbUrl.isEmpty() ? Optional.empty() : Optional.of(dbUrl),
                Path.of(nonEmpty(raw, Key.DATA_DIR)),
                Path.of(nonEmpty(raw, Key.RULES_DIR)),
                Path.of(nonEmpty(raw, Key.INDICATORS_FILE)),
                adminToken.isEmpty() ? Optional.empty() : Optional.of(adminToken),
                intIn(raw, Key.DB_POOL_SIZE, 1, 200),
                intIn(raw, Key.MAX_BODY_BYTES, 1024, Integer.MAX_VALUE),
                intIn(raw, Key.MAX_BATCH_READINGS, 1, 1_000_000),
                intIn(raw, Key.FUTURE_TOLERANCE_SECONDS, 0, 86_400),
                Path.of(nonEmpty(raw, Key.ROUTING_FILE)),
                intIn(raw, Key.DELIVERY_POLL_MILLIS, 10, 600_000),
                intIn(raw, Key.DELIVERY_BACKOFF_MILLIS, 1, 3_600_000),
                intIn(raw, Key.WATCH_POLL_MILLIS, 10, 3_600_000),
                intIn(raw, Key.MAX_ALERTS_PER_RULE, 1, 1_000_000),
                intIn(raw, Key.INGEST_CONCURRENCY, 0, 200),
                intIn(raw, Key.INGEST_GROUP_READINGS, 1, 1_000_000),
                intIn(raw, Key.REQUEST_TIMEOUT_SECONDS, 1, 3600),
                intIn(raw, Key.IDLE_TIMEOUT_SECONDS, 1, 86_400),
                intIn(raw, Key.MAX_CONNECTIONS_PER_CLIENT, 1, 100_000),
                retention(raw.get(Key.RETENTION_MONTHS)),
                intIn(raw, Key.HJ212_PORT, -1, 65535),
                Path.of(nonEmpty(raw, Key.HJ212_FILE)),
                intIn(raw, Key.LIVE_WINDOW_HOURS, 1, 876_000),
                longIn(raw, Key.MAX_IMPORT_BYTES, 1024, Long.MAX_VALUE),
                Path.of(nonEmpty(raw, Key.TEMPLATES_DIR)),
                publicUrl(nonEmpty(raw, Key.PUBLIC_URL)),
                intIn(raw, Key.DELIVERY_THROTTLE_MILLIS, 1, 3_600_000),
                intIn(raw, Key.AUDIT_RETENTION_DAYS, 1, 36_500),
                intIn(raw, Key.MAX_EXPORT_ROWS, 1, 1_048_575),
                dbReadUrl.isEmpty() ? Optional.empty() : Optional.of(dbReadUrl));
    }

    private static String publicUrl(String v) {
        java.net.URI u;
        try {
            u = java.net.URI.create(v);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            throw new InvalidConfigException(
                    Key.PUBLIC_URL.envVar,
                    "must be an http(s) URL of the dashboard, e.g. https://tw.zengdu.gov.cn, got '" + v + "'");
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    private static Map<String, Integer> retention(String v) {
        JsonObject o;
        try {
            o = new JsonObject(v);
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidConfigException(
                    Key.RETENTION_MONTHS.envVar,
                    "must be a JSON object of months per table family, e.g. {\"readings\": 36}, got '" + v + "'");
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String family : o.fieldNames()) {
            if (!RETENTION_FAMILIES.contains(family)) {
                throw new InvalidConfigException(
                        Key.RETENTION_MONTHS.jsonKey + "." + family,
                        "unknown table family; known: " + String.join(", ", RETENTION_FAMILIES));
            }
            Object m = o.getValue(family);
            if (!(m instanceof Number n)
                    || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.intValue() < 1
                    || n.intValue() > 1200) {
                throw new InvalidConfigException(
                        Key.RETENTION_MONTHS.jsonKey + "." + family,
                        "must be a whole number of months between 1 and 1200, got " + m);
            }
            out.put(family, n.intValue());
        }
        return Map.copyOf(out);
    }

    private static String nonEmpty(Map<Key, String> raw, Key key) {
        String v = raw.get(key);
        if (v.isEmpty()) {
            throw new InvalidConfigException(key.envVar, "must not be empty");
        }
        return v;
    }

    private static long longIn(Map<Key, String> raw, Key key, long min, long max) {
        String v = raw.get(key);
        long parsed;
        try {
            parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key.envVar, "not a whole number: '" + v + "'");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidConfigException(key.envVar, "must be between " + min + " and " + max + ", got " + v);
        }
        return parsed;
    }

    private static int intIn(Map<Key, String> raw, Key key, int min, int max) {
        return (int) longIn(raw, key, min, max);
    }

    private static void validateDbUrl(Key key, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new InvalidConfigException(key.envVar, "not a URL; expected postgresql://user:pass@host:port/db");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new InvalidConfigException(
                    key.envVar, "scheme must be postgresql://, expected postgresql://user:pass@host:port/db");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new InvalidConfigException(
                    key.envVar, "host and database are required, expected postgresql://user:pass@host:port/db");
        }
    }

    /** {@link #ingestConcurrency} with 0 resolved to one per CPU core, at least 2. */
    public int effectiveIngestConcurrency() {
        return ingestConcurrency > 0
                ? ingestConcurrency
                : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** A copy with another HTTP port (tests bind port 0). */
    public AppConfig withHttpPort(int port) {
        return new AppConfig(
                httpHost,
                port,
                dbUrl,
                dataDir,
                rulesDir,
                indicatorsFile,
                adminToken,
                dbPoolSize,
                maxBodyBytes,
                maxBatchReadings,
                futureToleranceSeconds,
                routingFile,
                deliveryPollMillis,
                deliveryBackoffMillis,
                watchPollMillis,
                maxAlertsPerRule,
                ingestConcurrency,
                ingestGroupReadings,
                requestTimeoutSeconds,
                idleTimeoutSeconds,
                maxConnectionsPerClient,
                retentionMonths,
                hj212Port,
                hj212File,
                liveWindowHours,
                maxImportBytes,
                templatesDir,
                publicUrl,
                deliveryThrottleMillis,
                auditRetentionDays,
                maxExportRows,
                dbReadUrl);
    }
}
