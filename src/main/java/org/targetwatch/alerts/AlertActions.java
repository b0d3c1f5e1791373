package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.store.AlertStore;

/**
 * What risk offices and supervisors do to an alert: acknowledge, assign, resolve by hand, comment. Each action runs
 * in one transaction that locks the alert row, checks the optional expected {@code version} (optimistic
 * concurrency: a stale version is refused with 409 and changes nothing), applies the transition and writes it to
 * the alert's history.
 */
public final class AlertActions {
    private static final Set<String> ACTIVE = Set.of("pending", "open", "acknowledged");

    /** The action conflicts with the alert's state or version. HTTP 409. */
    public static final class AlertConflictException extends RejectedRequestException {
        public AlertConflictException(String code, String message) {
            super(code, message, List.of());
        }
    }

    /** A missing or invalid field of an action. HTTP 422. */
    public static final class InvalidActionException extends RejectedRequestException {
        public InvalidActionException(String field, String message) {
            super("invalid_action", message, List.of(new FieldError(null, field, message)));
        }
    }

    /** No alert with that id. HTTP 404. */
    public static final class NoSuchAlertException extends RejectedRequestException {
        public NoSuchAlertException(long id) {
            super("not_found", "no alert with id " + id, List.of(new FieldError(null, "id", "no alert with id " + id)));
        }
    }

    /** The outcome of an action: the alert after it and the event written. */
    public record Outcome(JsonObject alert, long eventId) {}

    private final Pool pool;
    private final AlertStore store;
    private final Notifier notifier;
    private final Clock clock;

    public AlertActions(Pool pool, AlertStore store, Notifier notifier, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * Applies {@code action} (ack, assign, resolve, comment) with the request body
     * {@code {"comment", "version"?, "assignee" (assign), "reason" (resolve)}} on behalf of {@code actor}.
     */
    public Future<Outcome> act(
            long id, String action, JsonObject body, String actor, Long actorId, boolean supervisor) {
        String comment = text(body, "comment");
        Integer expected = body.getValue("version") == null ? null : version(body);
        switch (action) {
            case "comment" -> require(comment, "comment", "a comment needs text");
            case "assign" -> require(text(body, "assignee"), "assignee", "assign needs an assignee");
            case "resolve" -> {
                String reason = text(body, "reason") != null ? text(body, "reason") : comment;
                require(reason, "reason", "resolving by hand needs a reason");
            }
            default -> {}
        }
        return pool.withTransaction(conn -> store.lock(conn, id).compose(found -> {
            Row row = found.orElseThrow(() -> new NoSuchAlertException(id));
            int current = row.getInteger("version");
            if (expected != null && expected != current) {
                throw new AlertConflictException(
                        "version_conflict",
                        "alert " + id + " is at version " + current + ", not " + expected
                                + ": reload it and try again");
            }
            String status = row.getString("status");
            var now = clock.instant();
            Future<JsonObject> changed;
            String kind;
            String to = status;
            switch (action) {
                case "ack" -> {
                    if (!status.equals("open")) {
                        throw new AlertConflictException(
                                "invalid_transition",
                                "only an open alert can be" + " acknowledged; alert " + id + " is " + status);
                    }
                    changed = store.acknowledge(conn, id, actor, now);
                    kind = "acknowledged";
                    to = "acknowledged";
                }
                case "assign" -> {
                    requireActive(id, status);
                    changed = store.assign(conn, id, text(body, "assignee"));
                    kind = "assigned";
                }
                case "resolve" -> {
                    requireActive(id, status);
                    String reason = text(body, "reason") != null ? text(body, "reason") : comment;
                    if ("critical".equals(row.getString("severity"))) {
                        // four-eyes: a critical alert closes only when another supervisor approves
                        if (row.getString("resolve_requested_by") != null) {
                            throw new AlertConflictException(
                                    "awaiting_approval",
                                    "alert " + id + " already awaits" + " approval of the resolution requested by "
                                            + row.getString("resolve_requested_by"));
                        }
                        changed = store.requestResolve(conn, id, actor, actorId, reason, now);
                        kind = "resolve-requested";
                    } else {
                        changed = store.resolve(conn, id, "manual", actor, reason, null, null, now)
                                .map(o -> o.orElseThrow());
                        kind = "resolved";
                        to = "resolved";
                    }
                }
                case "approve-resolve" -> {
                    requireActive(id, status);
                    String requester = row.getString("resolve_requested_by");
                    if (requester == null) {
                        throw new AlertConflictException(
                                "invalid_transition", "alert " + id + " has no resolution awaiting approval");
                    }
                    if (!supervisor) {
                        throw new AlertConflictException("four_eyes", "only a supervisor may approve a resolution");
                    }
                    Long requesterId = row.getLong("resolve_requested_by_id");
                    if (requesterId == null || requesterId.equals(actorId)) {
                        throw new AlertConflictException(
                                "four_eyes",
                                "the resolution was requested by " + requester
                                        + "; another supervisor must approve it");
                    }
                    changed = store.resolve(
                                    conn,
                                    id,
                                    "manual",
                                    requester + "; approved by " + actor,
                                    row.getString("resolve_requested_reason"),
                                    null,
                                    null,
                                    now)
                            .map(o -> o.orElseThrow());
                    kind = "resolved";
                    to = "resolved";
                }
                case "comment" -> {
                    changed = store.touch(conn, id);
                    kind = "commented";
                }
                default -> throw new InvalidActionException("action", "unknown action " + action);
            }
            String eventComment = action.equals("assign")
                    ? "assigned to " + text(body, "assignee") + (comment == null ? "" : ": " + comment)
                    : action.equals("resolve")
                            ? (text(body, "reason") != null ? text(body, "reason") : comment)
                            : action.equals("approve-resolve")
                                    ? "approved: " + row.getString("resolve_requested_reason")
                                            + (comment == null ? "" : " — " + comment)
                                    : comment;
            String toStatus = to;
            return changed.compose(alert -> store.insertEvents(
                            conn,
                            List.of(new AlertStore.Event(id, actor, kind, status, toStatus, eventComment, null, null)),
                            now)
                    .compose(ids -> notifier.notify(
                                    conn,
                                    List.of(new Notifier.Event(ids.get(0), kind, alert, actor, eventComment, null)),
                                    now)
                            .map(new Outcome(alert, ids.get(0)))));
        }));
    }

    private static void requireActive(long id, String status) {
        if (!ACTIVE.contains(status)) {
            throw new AlertConflictException("invalid_transition", "alert " + id + " is " + status);
        }
    }

    private static void require(String value, String field, String message) {
        if (value == null) {
            throw new InvalidActionException(field, message);
        }
    }

    private static String text(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > 4000) {
            throw new InvalidActionException(field, field + " must be a string of at most 4000 characters");
        }
        return s.isBlank() ? null : s.strip();
    }

    private static int version(JsonObject body) {
        Object v = body.getValue("version");
        if (!(v instanceof Integer i)) {
            throw new InvalidActionException("version", "version must be a whole number");
        }
        return i;
    }
}
