package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.targetwatch.facts.Silence;
import org.targetwatch.store.OutboxStore;
import org.targetwatch.store.SilenceStore;

/**
 * Turns alert events into outbox rows, inside the transaction of the alert change: one row per event and receiver
 * of every matching office (and, for an escalation, of the office escalated to). Only events that notify get rows:
 * opened, reopened, escalated, acknowledged, resolved, withdrawn. The payload is what receivers get.
 */
public final class Notifier {
    static final Set<String> NOTIFY =
            Set.of("opened", "reopened", "escalated", "acknowledged", "resolved", "withdrawn");

    /** An event to notify: its id and kind, the alert after it, and who did it with what comment. */
    public record Event(long eventId, String kind, JsonObject alert, String actor, String comment, String toOffice) {}

    private final Routing routing;
    private final OutboxStore outbox;
    private final SilenceStore silences;

    public Notifier(Routing routing, OutboxStore outbox, SilenceStore silences) {
        this.routing = routing;
        this.outbox = outbox;
        this.silences = silences;
    }

    /** Writes outbox rows for the events that notify, except those of alerts silenced at {@code now}. */
    public Future<Void> notify(SqlClient client, List<Event> events, Instant now) {
        if (events.stream().noneMatch(e -> NOTIFY.contains(e.kind()))
                || routing.offices().isEmpty()) {
            return Future.succeededFuture();
        }
        return silences.current(client, now).compose(current -> {
            List<Silence> active = current.stream().filter(s -> s.activeAt(now)).toList();
            return write(
                    client,
                    events.stream()
                            .filter(e -> active.stream().noneMatch(s -> s.matches(e.alert())))
                            .toList(),
                    now);
        });
    }

    private Future<Void> write(SqlClient client, List<Event> events, Instant now) {
        List<OutboxStore.Notification> rows = new ArrayList<>();
        for (Event e : events) {
            if (!NOTIFY.contains(e.kind())) {
                continue;
            }
            Set<Routing.Office> offices = new LinkedHashSet<>(routing.officesFor(e.alert()));
            if (e.toOffice() != null) {
                routing.office(e.toOffice()).ifPresent(offices::add);
            }
            for (Routing.Office office : offices) {
                for (Routing.Receiver r : office.receivers()) {
                    String key = "tw-" + e.eventId() + "-" + office.id() + "-" + r.id();
                    rows.add(new OutboxStore.Notification(
                            e.eventId(),
                            e.alert().getLong("id"),
                            office.id(),
                            r.id(),
                            r.url(),
                            key,
                            payload(e, office, r, key, now)));
                }
            }
        }
        return outbox.insert(client, rows, now);
    }

    static JsonObject payload(Event e, Routing.Office office, Routing.Receiver r, String key, Instant now) {
        JsonObject a = e.alert();
        long id = a.getLong("id");
        return new JsonObject()
                .put("idempotencyKey", key)
                .put(
                        "event",
                        new JsonObject()
                                .put("id", e.eventId())
                                .put("kind", e.kind())
                                .put("actor", e.actor())
                                .put("comment", e.comment())
                                .put("at", now.toString()))
                .put("office", new JsonObject().put("id", office.id()).put("name", office.name()))
                .put("receiver", r.id())
                .put(
                        "alert",
                        new JsonObject()
                                .put("id", id)
                                .put("fingerprint", a.getString("fingerprint"))
                                .put("status", a.getString("status"))
                                .put("severity", a.getString("severity"))
                                .put("category", a.getString("category"))
                                .put("rule", a.getString("rule"))
                                .put("subject", a.getString("subject"))
                                .put("region", a.getString("region"))
                                .put("indicator", a.getString("indicator"))
                                .put("period", a.getString("period"))
                                .put("value", a.getValue("value"))
                                .put("threshold", a.getJsonObject("threshold"))
                                .put("provenance", a.getString("source"))
                                .put("description", a.getString("description"))
                                .put("readingIds", a.getJsonArray("readingIds"))
                                .put("clearingValue", a.getValue("clearingValue"))
                                .put("rulesetVersion", a.getString("rulesetVersion")))
                .put(
                        "links",
                        new JsonObject()
                                .put("alert", "/api/v1/alerts/" + id)
                                .put("history", "/api/v1/alerts/" + id + "/history")
                                .put("deliveries", "/api/v1/alerts/" + id + "/deliveries"));
    }
}
