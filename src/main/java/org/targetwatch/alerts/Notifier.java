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
 * of every matching office (and, for an escalation, of the office escalated to; a reminder goes to its office only).
 * Only events that notify get rows: opened, reopened, escalated, repeated, acknowledged, resolved, withdrawn. The
 * payload is what receivers get. A row of an office that groups carries its group and waits {@code groupWait}; a
 * non-critical row due in its receiver's quiet hours waits for their end.
 */
public final class Notifier {
    static final Set<String> NOTIFY =
            Set.of("opened", "reopened", "escalated", "repeated", "acknowledged", "resolved", "withdrawn");

    /** An event to notify: its id and kind, the alert after it, and who did it with what comment. */
    public record Event(long eventId, String kind, JsonObject alert, String actor, String comment, String toOffice) {}

    private final Routing routing;
    private final OutboxStore outbox;
    private final SilenceStore silences;
    private final org.targetwatch.store.SubjectStore subjects;

    public Notifier(
            Routing routing, OutboxStore outbox, SilenceStore silences, org.targetwatch.store.SubjectStore subjects) {
        this.routing = routing;
        this.outbox = outbox;
        this.silences = silences;
        this.subjects = subjects;
    }

    public Routing routing() {
        return routing;
    }

    /** Writes outbox rows for the events that notify, except those of alerts silenced at {@code now}. */
    public Future<Void> notify(SqlClient client, List<Event> events, Instant now) {
        if (events.stream().noneMatch(e -> NOTIFY.contains(e.kind()))
                || routing.offices().stream().allMatch(o -> o.receivers().isEmpty())) {
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
        Set<String> ids = new java.util.HashSet<>();
        events.forEach(e -> ids.add(e.alert().getString("subject")));
        return subjects.names(client, ids).compose(names -> write(client, events, names, now));
    }

    private Future<Void> write(SqlClient client, List<Event> events, java.util.Map<String, String> names, Instant now) {
        List<OutboxStore.Notification> rows = new ArrayList<>();
        for (Event e : events) {
            if (!NOTIFY.contains(e.kind())) {
                continue;
            }
            Set<Routing.Office> offices = new LinkedHashSet<>();
            if (!e.kind().equals("repeated")) {
                offices.addAll(routing.officesFor(e.alert()));
            }
            if (e.toOffice() != null) {
                routing.office(e.toOffice()).ifPresent(offices::add);
            }
            String severity = e.alert().getString("severity");
            for (Routing.Office office : offices) {
                for (Routing.Receiver r : office.receivers()) {
                    String key = "tw-" + e.eventId() + "-" + office.id() + "-" + r.id();
                    String group = office.groupKey(r, e.alert());
                    Instant due = group == null ? now : now.plus(office.groupWait());
                    if (r.quietHours() != null && !"critical".equals(severity)) {
                        due = r.quietHours().release(due);
                    }
                    rows.add(new OutboxStore.Notification(
                            e.eventId(),
                            e.alert().getLong("id"),
                            office.id(),
                            r.id(),
                            r.displayUrl(),
                            key,
                            payload(e, office, r, key, names.get(e.alert().getString("subject")), now),
                            group,
                            office.groupInterval().toMillis(),
                            severity,
                            due));
                }
            }
        }
        return outbox.insert(client, rows, now);
    }

    /**
     * One summary per office and receiver of a finished import (instead of a message per historical alert): the
     * import's counts and the alerts it touched that the office's routes match, counted by rule and severity.
     * Written once per import and receiver (the idempotency key names the import), never silenced.
     *
     * @param imported the import as the API shows it
     * @param alerts   alert id → {rule, severity, status, historical, category, region, subject}
     */
    public Future<Void> importSummary(JsonObject imported, JsonObject alerts, Instant now) {
        List<OutboxStore.Summary> rows = new ArrayList<>();
        String id = imported.getString("id");
        for (Routing.Office office : routing.offices()) {
            JsonObject own = new JsonObject();
            alerts.forEach(e -> {
                if (office.matches((JsonObject) e.getValue())) {
                    own.put(e.getKey(), e.getValue());
                }
            });
            JsonObject counts = org.targetwatch.store.ImportStore.summary(own);
            for (Routing.Receiver r : office.receivers()) {
                String key = "tw-import-" + id + "-" + office.id() + "-" + r.id();
                rows.add(new OutboxStore.Summary(
                        office.id(),
                        r.id(),
                        r.displayUrl(),
                        key,
                        new JsonObject()
                                .put("idempotencyKey", key)
                                .put(
                                        "event",
                                        new JsonObject()
                                                .put("kind", "import_finished")
                                                .put("at", now.toString()))
                                .put(
                                        "office",
                                        new JsonObject().put("id", office.id()).put("name", office.name()))
                                .put("receiver", r.id())
                                .put(
                                        "summary",
                                        "导入完成：" + imported.getString("fileName") + "，读取 "
                                                + imported.getLong("rowsRead") + " 行，新存 " + imported.getLong("stored")
                                                + " 条，未变 " + imported.getLong("unchanged") + " 条，拒收 "
                                                + imported.getLong("refused") + " 行；涉及本处告警 "
                                                + counts.getInteger("total") + " 条（历史 "
                                                + counts.getInteger("historical") + " 条）")
                                .put(
                                        "import",
                                        new JsonObject()
                                                .put("id", id)
                                                .put("fileName", imported.getString("fileName"))
                                                .put("status", imported.getString("status"))
                                                .put("rowsRead", imported.getLong("rowsRead"))
                                                .put("readings", imported.getLong("readings"))
                                                .put("stored", imported.getLong("stored"))
                                                .put("corrections", imported.getLong("corrections"))
                                                .put("unchanged", imported.getLong("unchanged"))
                                                .put("refused", imported.getLong("refused"))
                                                .put("alerts", counts))
                                .put(
                                        "links",
                                        new JsonObject()
                                                .put("import", "/api/v1/imports/" + id)
                                                .put("errors", "/api/v1/imports/" + id + "/errors")
                                                .put("alerts", "/api/v1/alerts"))));
            }
        }
        return outbox.insertSummaries(java.util.UUID.fromString(id), rows, now);
    }

    /**
     * The message of several notifications of one group to one receiver: the group's labels and count, the office,
     * and each notification's payload as a single one would be sent ({@code notifications}, in order).
     */
    static JsonObject groupPayload(
            Routing.Office office, Routing.Receiver r, String key, List<JsonObject> notifications, Instant now) {
        JsonObject labels = new JsonObject();
        JsonObject first = notifications.get(0).getJsonObject("alert", new JsonObject());
        if (office != null) {
            office.groupBy().forEach(l -> labels.put(l, first.getValue(l)));
        }
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        notifications.forEach(list::add);
        return new JsonObject()
                .put("idempotencyKey", key)
                .put("event", new JsonObject().put("kind", "group").put("at", now.toString()))
                .put(
                        "office",
                        office == null
                                ? notifications.get(0).getJsonObject("office")
                                : new JsonObject().put("id", office.id()).put("name", office.name()))
                .put("receiver", r.id())
                .put("group", new JsonObject().put("labels", labels).put("count", notifications.size()))
                .put("notifications", list);
    }

    /** What a receiver gets for one event; {@code subjectName} as registered (null if the subject has no name). */
    static JsonObject payload(
            Event e, Routing.Office office, Routing.Receiver r, String key, String subjectName, Instant now) {
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
                                .put("subjectName", subjectName)
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
