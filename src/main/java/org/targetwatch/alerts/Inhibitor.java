package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.OutboxStore;

/**
 * The inhibition rules of {@code config/routing.json} ({@code inhibit}), applied when notifications are about to be
 * sent (so that an inhibiting alert committed with, or shortly after, the alerts it inhibits is seen, within the
 * group's wait): a notification whose alert is the target of a rule while an open or acknowledged live alert matches
 * its source with equal {@code equal} labels is not sent. Its outbox row is closed as inhibited, naming the
 * inhibiting alert, and the alert's history records an {@code inhibited} event, once per alert and round.
 */
public final class Inhibitor {
    private final Routing routing;
    private final Pool pool;
    private final AlertStore alerts;
    private final OutboxStore outbox;

    public Inhibitor(Routing routing, Pool pool, AlertStore alerts, OutboxStore outbox) {
        this.routing = routing;
        this.pool = pool;
        this.alerts = alerts;
        this.outbox = outbox;
    }

    /** The rows to send: {@code rows} less those inhibited (which are closed and recorded). */
    Future<List<OutboxStore.Claimed>> apply(List<OutboxStore.Claimed> rows, Instant now) {
        List<Routing.Inhibition> rules = routing.inhibitions();
        if (rules.isEmpty() || rows.isEmpty()) {
            return Future.succeededFuture(rows);
        }
        Map<Long, JsonObject> targets = new LinkedHashMap<>();
        for (OutboxStore.Claimed r : rows) {
            if (r.alertId() == null) {
                continue;
            }
            JsonObject alert = new JsonObject(r.payload()).getJsonObject("alert");
            if (alert != null && rules.stream().anyMatch(i -> Routing.matchesAll(i.target(), alert))) {
                targets.put(r.id(), alert);
            }
        }
        if (targets.isEmpty()) {
            return Future.succeededFuture(rows);
        }
        Set<String> sourceRules = new LinkedHashSet<>();
        for (Routing.Inhibition i : rules) {
            List<String> r = i.source().getOrDefault("rule", List.of());
            if (r.isEmpty()) {
                sourceRules.clear();
                break;
            }
            sourceRules.addAll(r);
        }
        return alerts.activeOfRules(sourceRules).compose(sources -> {
            Map<Long, JsonObject> inhibitedBy = new LinkedHashMap<>();
            targets.forEach((rowId, target) -> {
                for (JsonObject source : sources) {
                    if (rules.stream().anyMatch(i -> i.inhibits(source, target))) {
                        inhibitedBy.put(rowId, source);
                        break;
                    }
                }
            });
            if (inhibitedBy.isEmpty()) {
                return Future.succeededFuture(rows);
            }
            return pool.withTransaction(conn -> {
                        Future<Void> chain = Future.succeededFuture();
                        Map<Long, AlertStore.Event> history = new LinkedHashMap<>();
                        for (Map.Entry<Long, JsonObject> e : inhibitedBy.entrySet()) {
                            JsonObject target = targets.get(e.getKey());
                            JsonObject source = e.getValue();
                            String reason = "被告警 #" + source.getLong("id") + "（" + source.getString("rule") + "，"
                                    + source.getString("subject") + "，" + source.getString("period")
                                    + "）抑制 / inhibited by alert " + source.getLong("id");
                            chain = chain.compose(
                                    x -> outbox.inhibited(conn, e.getKey(), source.getLong("id"), reason, now));
                            String status = target.getString("status", "open");
                            history.putIfAbsent(
                                    target.getLong("id"),
                                    new AlertStore.Event(
                                            target.getLong("id"),
                                            "inhibition",
                                            "inhibited",
                                            status,
                                            status,
                                            reason,
                                            null,
                                            null));
                        }
                        return chain.compose(x -> alerts.insertEvents(conn, new ArrayList<>(history.values()), now));
                    })
                    .map(x -> rows.stream()
                            .filter(r -> !inhibitedBy.containsKey(r.id()))
                            .toList());
        });
    }
}
