package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.Scope;
import org.targetwatch.facts.Threshold;
import org.targetwatch.rules.RuleInfo;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.RuleHitStore;

/**
 * Turns breaches into alerts. An alert's identity is its fingerprint: rule + subject + indicator + period (the
 * indicator is part of it because one rule covers several pollutants). A breach whose fingerprint has an active
 * alert updates that alert; otherwise it opens one.
 */
public final class AlertService {
    private static final List<String> SEVERITY_ORDER = List.of("info", "warning", "major", "critical");

    private final AlertStore store;
    private final Notifier notifier;
    private final RuleHitStore hits;
    private final int maxAlertsPerRule;
    private final LiveWindow liveWindow;

    /**
     * @param maxAlertsPerRule guardrail: more breaches of one rule in one evaluation become one summary alert
     * @param liveWindow       which alerts are historical: recorded, never notified or escalated
     */
    public AlertService(
            AlertStore store, Notifier notifier, RuleHitStore hits, int maxAlertsPerRule, LiveWindow liveWindow) {
        this.store = store;
        this.notifier = notifier;
        this.hits = hits;
        this.maxAlertsPerRule = maxAlertsPerRule;
        this.liveWindow = liveWindow;
    }

    /** Fingerprint: first 32 hex digits of SHA-256 over the identity fields, NUL-separated. */
    public static String fingerprint(String rule, String subject, String indicator, String period) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {rule, subject, indicator, period}) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one evaluation changed: the alerts (each with {@code change}) and the events written. */
    public record Changes(List<JsonObject> alerts, List<Long> eventIds) {}

    /**
     * Applies one evaluation inside the caller's transaction: opens, updates or reopens an alert per breached
     * fingerprint, and resolves every active alert of an evaluated scope that no rule breached again — unless its
     * threshold's recovery value is still crossed (hysteresis). A scope of a subject that this batch corrected is
     * resolved as {@code withdrawn}, otherwise as {@code auto}, with the clearing value and readings. When several
     * breaches share a fingerprint (several thresholds of one rule, such as debt-ratio bands), the most severe one
     * is kept, and among equally severe ones the strictest.
     *
     * @param evaluated          {@link #lockActiveInScopes} of every fact of the evaluation, on the same connection,
     *                           started before the evaluation so that the lookup overlaps it (the breaches' upserts
     *                           leave every alert they do not touch as it found them, so looking up first changes
     *                           nothing); the facts covering scopes decide resolutions
     * @param correctedSubjects  subjects of which the batch stored corrections
     */
    public Future<Changes> apply(
            SqlConnection conn,
            List<Breach> breaches,
            Evaluated evaluated,
            RuleSet ruleSet,
            Instant now,
            java.util.Set<String> correctedSubjects) {
        Map<String, Breach> byFingerprint = dedupe(breaches);
        List<AlertStore.Upsert> rows = new ArrayList<>(byFingerprint.size());
        Map<String, Integer> perRule = new LinkedHashMap<>();
        byFingerprint.values().forEach(b -> perRule.merge(b.rule(), 1, Integer::sum));
        java.util.Set<String> guardrailed = new java.util.HashSet<>();
        perRule.forEach((rule, count) -> {
            if (count > maxAlertsPerRule) {
                byFingerprint.values().removeIf(b -> b.rule().equals(rule));
                rows.add(guardrail(rule, count, ruleSet, now));
                guardrailed.add(rule);
            }
        });
        byFingerprint.forEach((fp, b) -> {
            Threshold t = b.threshold();
            RuleInfo info = ruleSet.rule(b.rule()).orElse(new RuleInfo(b.rule(), "?", "", "", "", ""));
            String source = t.source()
                    + (info.source().isEmpty() || info.source().equals(t.source()) ? "" : " | rule: " + info.source());
            rows.add(new AlertStore.Upsert(
                    fp,
                    b.rule(),
                    info.category(),
                    t.severity(),
                    b.subject(),
                    b.indicator(),
                    b.period(),
                    b.value(),
                    t.id(),
                    t.op(),
                    t.value(),
                    t.unit(),
                    t.status(),
                    source,
                    (b.note().isEmpty() ? "" : b.note() + " — ")
                            + (t.description().isEmpty() ? info.description() : t.description()),
                    b.readingIds(),
                    t.recovery(),
                    t.pendingEvaluations(),
                    t.pendingSeconds(),
                    liveWindow.historical(b.indicator(), b.period(), now)));
        });
        Map<String, Scope> scopes = evaluated.scopes();
        Map<String, Object> factOfScope = evaluated.factOfScope();
        List<JsonObject> changed = new ArrayList<>();
        Map<String, JsonObject> alertByFingerprint = new java.util.HashMap<>();
        List<AlertStore.Event> events = new ArrayList<>();
        Future<Void> upserted = rows.isEmpty()
                ? Future.succeededFuture()
                : store.upsert(conn, rows, ruleSet.version(), now).map(alerts -> {
                    for (JsonObject a : alerts) {
                        String change = a.getString("change");
                        if (!change.equals("updated")) {
                            String from = change.equals("opened") && a.getInteger("count") > 1
                                    ? "pending"
                                    : change.equals("reopened") ? "resolved" : null;
                            events.add(new AlertStore.Event(
                                    a.getLong("id"),
                                    "rules",
                                    change,
                                    from,
                                    a.getString("status"),
                                    a.getString("rule"),
                                    a.getDouble("value"),
                                    ids(a.getJsonArray("readingIds"))));
                        }
                        changed.add(a);
                        alertByFingerprint.put(a.getString("fingerprint"), a);
                    }
                    return null;
                });
        upserted = upserted.compose(v -> hits.insert(
                conn,
                hitsOf(breaches, byFingerprint, guardrailed, alertByFingerprint, factOfScope),
                ruleSet.version(),
                now));
        return upserted.compose(v -> evaluated.active())
                .compose(active -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (io.vertx.sqlclient.Row row : active) {
                        if (byFingerprint.containsKey(row.getString("fingerprint"))) {
                            continue;
                        }
                        Scope sc = scopes.get(row.getString("subject") + "\u0000" + row.getString("indicator")
                                + "\u0000" + row.getString("period"));
                        if (sc == null || stillBeyondRecovery(row, sc.value())) {
                            continue;
                        }
                        String resolution = correctedSubjects.contains(row.getString("subject")) ? "withdrawn" : "auto";
                        long id = row.getLong("id");
                        String from = row.getString("status");
                        chain = chain.compose(x -> store.resolve(
                                        conn, id, resolution, "rules", null, sc.value(), sc.readingIds(), now)
                                .map(resolved -> {
                                    resolved.ifPresent(a -> {
                                        changed.add(
                                                a.put("change", resolution.equals("auto") ? "resolved" : "withdrawn"));
                                        events.add(new AlertStore.Event(
                                                id,
                                                "rules",
                                                resolution.equals("auto") ? "resolved" : "withdrawn",
                                                from,
                                                "resolved",
                                                resolution.equals("auto")
                                                        ? "condition cleared"
                                                        : "a correction removed the cause",
                                                sc.value(),
                                                sc.readingIds()));
                                    });
                                    return null;
                                }));
                    }
                    return chain;
                })
                .compose(v -> store.insertEvents(conn, events, now))
                .compose(eventIds -> {
                    Map<Long, JsonObject> byId = new java.util.HashMap<>();
                    changed.forEach(a -> byId.put(a.getLong("id"), a));
                    List<Notifier.Event> notify = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        AlertStore.Event e = events.get(i);
                        JsonObject alert = byId.get(e.alertId());
                        if (alert.getBoolean("historical", false)) {
                            continue; // recorded in its history, notified to no one
                        }
                        notify.add(new Notifier.Event(eventIds.get(i), e.kind(), alert, e.actor(), e.comment(), null));
                    }
                    return notifier.notify(conn, notify, now).map(new Changes(changed, eventIds));
                });
    }

    /**
     * The scopes an evaluation's facts cover, by key, the fact covering each, and the active alerts of those scopes
     * (looked up and locked).
     */
    public record Evaluated(
            Map<String, Scope> scopes, Map<String, Object> factOfScope, Future<List<io.vertx.sqlclient.Row>> active) {}

    /**
     * Looks up and locks (FOR UPDATE) the active alerts of the scopes the facts cover: the alerts an evaluation of
     * these facts may resolve. In the caller's transaction, after the locks of the facts' subjects.
     */
    public Evaluated lockActiveInScopes(SqlConnection conn, List<?> facts) {
        Map<String, Scope> scopes = new LinkedHashMap<>();
        Map<String, Object> factOfScope = new java.util.HashMap<>();
        scopesOf(facts, scopes, factOfScope);
        return new Evaluated(
                scopes,
                factOfScope,
                scopes.isEmpty()
                        ? Future.succeededFuture(List.of())
                        : store.activeInScopes(conn, new ArrayList<>(scopes.values())));
    }

    /** The scopes the facts cover, by key, and the fact covering each (a derived fact before a reading). */
    private static void scopesOf(List<?> facts, Map<String, Scope> scopes, Map<String, Object> factOfScope) {
        for (Object f : facts) {
            if (f instanceof Scope.Covered c && !(f instanceof org.targetwatch.facts.Reading)) {
                c.scopes().forEach(sc -> {
                    scopes.put(sc.key(), sc);
                    factOfScope.put(sc.key(), f);
                });
            }
        }
        for (Object f : facts) {
            if (f instanceof org.targetwatch.facts.Reading r) {
                r.scopes().forEach(sc -> {
                    scopes.putIfAbsent(sc.key(), sc);
                    factOfScope.putIfAbsent(sc.key(), f);
                });
            }
        }
    }

    /**
     * One audit row per rule firing: the facts it matched (the fact of its scope), the threshold in force and
     * what it caused — the change of its alert, {@code superseded} when a more severe breach of the same
     * fingerprint was kept, or {@code guardrail} when the rule was cut off.
     */
    private static List<RuleHitStore.Hit> hitsOf(
            List<Breach> breaches,
            Map<String, Breach> kept,
            java.util.Set<String> guardrailed,
            Map<String, JsonObject> alerts,
            Map<String, Object> factOfScope) {
        return breaches.stream()
                .map(b -> {
                    String fp = fingerprint(b.rule(), b.subject(), b.indicator(), b.period());
                    JsonObject alert = alerts.get(fp);
                    String caused = guardrailed.contains(b.rule())
                            ? "guardrail"
                            : kept.get(fp) != b ? "superseded" : alert == null ? "none" : alert.getString("change");
                    Threshold t = b.threshold();
                    JsonObject threshold = new JsonObject()
                            .put("id", t.id())
                            .put("kind", t.kind())
                            .put("op", t.op())
                            .put("value", t.value())
                            .put("unit", t.unit())
                            .put("severity", t.severity())
                            .put("strength", t.strength())
                            .put("status", t.status())
                            .put("source", t.source())
                            .put("effectiveFrom", t.effectiveFrom().toString())
                            .put(
                                    "effectiveTo",
                                    t.effectiveTo() == null
                                            ? null
                                            : t.effectiveTo().toString())
                            .put("decimals", t.decimals())
                            .put("fromSetting", t.fromSetting())
                            .put("recovery", t.recovery());
                    Object fact = factOfScope.get(b.subject() + "\u0000" + b.indicator() + "\u0000" + b.period());
                    JsonObject facts = new JsonObject()
                            .put("note", b.note())
                            .put("matched", fact == null ? null : org.targetwatch.facts.FactJson.of(fact));
                    return new RuleHitStore.Hit(
                            b.rule(),
                            b.subject(),
                            b.indicator(),
                            b.period(),
                            b.value(),
                            threshold,
                            facts,
                            b.readingIds(),
                            caused,
                            alert == null ? null : alert.getLong("id"));
                })
                .toList();
    }

    /**
     * The one alert that replaces the breaches of a rule that produced more than {@code maxAlertsPerRule} in one
     * evaluation (a wrong rule or threshold must not flood the risk offices). Identified by rule and day.
     */
    private AlertStore.Upsert guardrail(String rule, int count, RuleSet ruleSet, Instant now) {
        String day = now.atZone(org.targetwatch.common.Times.ZONE).toLocalDate().toString();
        RuleInfo info = ruleSet.rule(rule).orElse(new RuleInfo(rule, "?", "", "", "", ""));
        return new AlertStore.Upsert(
                fingerprint(rule, "*", "*", "guardrail:" + day),
                rule,
                info.category(),
                "major",
                "*",
                "*",
                "guardrail:" + day,
                count,
                "GUARDRAIL/maxAlertsPerRule",
                ">",
                maxAlertsPerRule,
                "alerts",
                "CONFIGURED",
                "TargetWatch guardrail (maxAlertsPerRule)",
                "规则 " + rule + " 一次评估产生 " + count + " 条告警, 超过上限 " + maxAlertsPerRule
                        + ", 已截断为本条汇总告警, 请检查规则与阈值 / rule produced " + count
                        + " alerts in one evaluation, more than maxAlertsPerRule; cut off to this summary",
                List.of(),
                null,
                1,
                0,
                false);
    }

    /** Hysteresis: the value still crosses the threshold's recovery line, so the alert stays active. */
    private static boolean stillBeyondRecovery(io.vertx.sqlclient.Row row, double value) {
        Double recovery = row.getDouble("threshold_recovery");
        if (recovery == null) {
            return false;
        }
        return switch (row.getString("threshold_op")) {
            case ">" -> value > recovery;
            case ">=" -> value >= recovery;
            case "<" -> value < recovery;
            case "<=" -> value <= recovery;
            default -> false;
        };
    }

    private static List<Long> ids(io.vertx.core.json.JsonArray a) {
        List<Long> out = new ArrayList<>();
        if (a != null) {
            a.forEach(o -> out.add(((Number) o).longValue()));
        }
        return out;
    }

    /** The breaches that alerts would be made of: per fingerprint the most severe, then the strictest. */
    public static Map<String, Breach> dedupe(List<Breach> breaches) {
        Map<String, Breach> byFingerprint = new LinkedHashMap<>();
        for (Breach b : breaches) {
            byFingerprint.merge(
                    fingerprint(b.rule(), b.subject(), b.indicator(), b.period()), b, AlertService::moreSevere);
        }
        return byFingerprint;
    }

    private static Breach moreSevere(Breach a, Breach b) {
        int sa = SEVERITY_ORDER.indexOf(a.threshold().severity());
        int sb = SEVERITY_ORDER.indexOf(b.threshold().severity());
        if (sa != sb) {
            return sa > sb ? a : b;
        }
        // same severity: the stricter threshold (the higher band for upper limits, the lower for lower limits)
        boolean upper = a.threshold().op().startsWith(">");
        double ta = a.threshold().value();
        double tb = b.threshold().value();
        return (upper ? ta >= tb : ta <= tb) ? a : b;
    }
}
