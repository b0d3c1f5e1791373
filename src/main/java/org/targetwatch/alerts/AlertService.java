package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.Threshold;
import org.targetwatch.rules.RuleInfo;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.AlertStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns breaches into alerts. An alert's identity is its fingerprint: rule + subject + indicator + period (the
 * indicator is part of it because one rule covers several pollutants). A breach whose fingerprint has an active
 * alert updates that alert; otherwise it opens one.
 */
public final class AlertService {
    private static final List<String> SEVERITY_ORDER = List.of("info", "warning", "major", "critical");

    private final AlertStore store;

    public AlertService(AlertStore store) {
        this.store = store;
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

    /**
     * Applies the breaches of one evaluation inside the caller's transaction. When several breaches share a
     * fingerprint (several thresholds of one rule, such as debt-ratio bands), the most severe one is kept, and
     * among equally severe ones the strictest (the highest band of an upper limit).
     *
     * @return the alerts opened or updated, each with {@code change}
     */
    public Future<List<JsonObject>> apply(SqlConnection conn, List<Breach> breaches, RuleSet ruleSet, Instant now) {
        if (breaches.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Map<String, Breach> byFingerprint = new LinkedHashMap<>();
        for (Breach b : breaches) {
            String fp = fingerprint(b.rule(), b.subject(), b.indicator(), b.period());
            byFingerprint.merge(fp, b, AlertService::moreSevere);
        }
        List<AlertStore.Upsert> rows = new ArrayList<>(byFingerprint.size());
        byFingerprint.forEach((fp, b) -> {
            Threshold t = b.threshold();
            RuleInfo info = ruleSet.rule(b.rule()).orElse(new RuleInfo(b.rule(), "?", "", "", "", ""));
            String source = t.source() + (info.source().isEmpty() || info.source().equals(t.source())
                    ? "" : " | rule: " + info.source());
            rows.add(new AlertStore.Upsert(fp, b.rule(), info.category(), t.severity(), b.subject(),
                    b.indicator(), b.period(), b.value(), t.id(), t.op(), t.value(), t.unit(), t.status(), source,
                    (b.note().isEmpty() ? "" : b.note() + " — ")
                            + (t.description().isEmpty() ? info.description() : t.description()), b.readingIds()));
        });
        return store.upsert(conn, rows, ruleSet.version(), now);
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
