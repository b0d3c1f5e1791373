package org.targetwatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.common.Times;
import org.targetwatch.config.Indicator;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.facts.Silence;
import org.targetwatch.store.AlertStore;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.SilenceStore;

/**
 * Periodic checks that depend on "now" (the injected clock), every {@code watchPollMillis}:
 * <ul>
 *   <li>Escalation chains: an open alert not acknowledged within the next step of the chain of the first office it
 *       is routed to that has steps for its severity ({@code afterMinutes} after opening, steps in order) escalates
 *       one level: history event {@code escalated} naming the step, notification to the matching offices and to
 *       the step's office.</li>
 *   <li>Repeats: an open alert is notified again to each office with a {@code repeatInterval} for its severity
 *       (history event {@code repeated}, notification to that office only) until it is acknowledged.</li>
 *   <li>Missing data: a subject that has reported an indicator with a reporting calendar
 *       ({@code missingAfterMinutes} in the catalog) and has no newer observation for that long raises a
 *       {@code system.no-data} alert, unless a silence (for example a maintenance window) covers it. The next
 *       reading of that subject and indicator resolves it.</li>
 * </ul>
 * Safe with several instances: each escalation and reminder is a conditional update, each no-data alert an upsert on
 * its fingerprint.
 */
public final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    public static final String NO_DATA_RULE = "system.no-data";

    private final Vertx vertx;
    private final Pool pool;
    private final AlertStore alerts;
    private final ReadingStore readings;
    private final SilenceStore silences;
    private final Notifier notifier;
    private final Routing routing;
    private final IndicatorCatalog catalog;
    private final Clock clock;
    private final Duration liveWindow;
    private long timer = -1;
    private boolean running;

    public Watchdog(
            Vertx vertx,
            Pool pool,
            AlertStore alerts,
            ReadingStore readings,
            SilenceStore silences,
            Notifier notifier,
            Routing routing,
            IndicatorCatalog catalog,
            Clock clock,
            Duration liveWindow) {
        this.liveWindow = liveWindow;
        this.vertx = vertx;
        this.pool = pool;
        this.alerts = alerts;
        this.readings = readings;
        this.silences = silences;
        this.notifier = notifier;
        this.routing = routing;
        this.catalog = catalog;
        this.clock = clock;
    }

    public void start(long pollMillis) {
        timer = vertx.setPeriodic(pollMillis, id -> tick());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round of both checks; overlapping rounds are skipped. */
    public Future<Void> tick() {
        if (running) {
            return Future.succeededFuture();
        }
        running = true;
        return escalate().compose(v -> repeat()).compose(v -> missingData()).onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                if (!org.targetwatch.store.DatabaseHealth.isUnavailable(ar.cause())) { // outages are logged once
                    LOG.warn("watchdog round failed: {}", ar.cause().toString());
                }
            }
        });
    }

    private Future<Void> escalate() {
        long shortest = routing.offices().stream()
                .flatMap(o -> o.escalation().stream())
                .mapToLong(Routing.Escalation::afterMinutes)
                .min()
                .orElse(-1);
        if (shortest < 0) {
            return Future.succeededFuture();
        }
        int levels = routing.offices().stream()
                .flatMap(o -> Routing.SEVERITIES.stream().map(o::chain))
                .mapToInt(List::size)
                .max()
                .orElse(0);
        Instant now = clock.instant();
        return alerts.escalationCandidates(now.minus(Duration.ofMinutes(shortest)), levels)
                .compose(candidates -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (JsonObject a : candidates) {
                        Instant opened = java.time.OffsetDateTime.parse(a.getString("openedAt"))
                                .toInstant();
                        int level = a.getInteger("escalationLevel", 0);
                        for (Routing.Office office : routing.officesFor(a)) {
                            List<Routing.Escalation> steps = office.chain(a.getString("severity"));
                            if (steps.isEmpty()) {
                                continue;
                            }
                            // the first office with a chain for the severity owns the alert's escalation
                            if (level < steps.size()) {
                                Routing.Escalation step = steps.get(level);
                                if (!opened.plus(Duration.ofMinutes(step.afterMinutes()))
                                        .isAfter(now)) {
                                    chain = chain.compose(
                                            x -> escalateOne(a.getLong("id"), level, steps.size(), office, step, now));
                                }
                            }
                            break;
                        }
                    }
                    return chain;
                });
    }

    private Future<Void> escalateOne(
            long id, int level, int of, Routing.Office office, Routing.Escalation step, Instant now) {
        String comment = "第 " + (level + 1) + "/" + of + " 级升级：" + step.afterMinutes() + " 分钟未确认，升级至 " + step.to()
                + " / step " + (level + 1) + " of " + of + ": not acknowledged within " + step.afterMinutes()
                + " min (" + office.id() + "); escalated to " + step.to();
        return pool.withTransaction(conn -> alerts.escalate(conn, id, level, now)
                .compose(done -> {
                    if (done.isEmpty()) {
                        return Future.succeededFuture();
                    }
                    return recordOpen(conn, done.get(), "escalation", "escalated", comment, step.to(), now);
                }));
    }

    /** Records event {@code kind} of an open alert, which stays open, and notifies it (also to {@code toOffice}). */
    private Future<Void> recordOpen(
            io.vertx.sqlclient.SqlConnection conn,
            JsonObject alert,
            String actor,
            String kind,
            String comment,
            String toOffice,
            Instant now) {
        return alerts.insertEvents(
                        conn,
                        List.of(new AlertStore.Event(
                                alert.getLong("id"), actor, kind, "open", "open", comment, null, null)),
                        now)
                .compose(ids -> notifier.notify(
                        conn, List.of(new Notifier.Event(ids.get(0), kind, alert, actor, comment, toOffice)), now));
    }

    /**
     * Repeat until acknowledged: an open alert is notified again to each office with a {@code repeatInterval} for
     * its severity, that long after it opened and after each reminder (history event {@code repeated}).
     */
    private Future<Void> repeat() {
        Duration shortest = routing.offices().stream()
                .flatMap(o -> o.repeatInterval().values().stream())
                .min(Duration::compareTo)
                .orElse(null);
        if (shortest == null) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        return alerts.repeatCandidates(now.minus(shortest)).compose(candidates -> {
            Future<Void> chain = Future.succeededFuture();
            for (JsonObject a : candidates) {
                Instant opened =
                        java.time.OffsetDateTime.parse(a.getString("openedAt")).toInstant();
                for (Routing.Office office : routing.officesFor(a)) {
                    Duration every = office.repeatInterval().get(a.getString("severity"));
                    if (every == null) {
                        continue;
                    }
                    String last = a.getJsonObject("reminded").getString(office.id());
                    Instant since = last == null
                            ? opened
                            : java.time.OffsetDateTime.parse(last).toInstant();
                    if (since.isBefore(opened)) {
                        since = opened; // reminders of an earlier opening
                    }
                    if (since.plus(every).isAfter(now)) {
                        continue;
                    }
                    chain = chain.compose(x -> remindOne(a, office, every, now));
                }
            }
            return chain;
        });
    }

    private Future<Void> remindOne(JsonObject a, Routing.Office office, Duration every, Instant now) {
        long id = a.getLong("id");
        long minutes = Duration.between(
                        java.time.OffsetDateTime.parse(a.getString("openedAt")).toInstant(), now)
                .toMinutes();
        String comment = "已开启 " + minutes + " 分钟仍未确认，每 " + every.toMinutes() + " 分钟提醒（" + office.name() + "）"
                + " / still not acknowledged after " + minutes + " min; reminded every " + every.toMinutes()
                + " min (" + office.id() + ")";
        return pool.withTransaction(conn -> alerts.remind(conn, id, office.id(), now, now.minus(every))
                .compose(recorded -> {
                    if (!recorded) {
                        return Future.succeededFuture();
                    }
                    return recordOpen(conn, a, "repeat", "repeated", comment, office.id(), now);
                }));
    }

    private Future<Void> missingData() {
        Map<String, Integer> allowances = new LinkedHashMap<>();
        for (Indicator i : catalog.all()) {
            if (i.missingAfterMinutes() != null) {
                allowances.put(i.code(), i.missingAfterMinutes());
            }
        }
        if (allowances.isEmpty()) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        return readings.overdue(allowances, liveWindow, now)
                .compose(overdue -> overdue.isEmpty()
                        ? Future.succeededFuture()
                        : silences.current(pool, now).compose(current -> {
                            List<Silence> active = current.stream()
                                    .filter(s -> s.activeAt(now))
                                    .toList();
                            Future<Void> chain = Future.succeededFuture();
                            for (ReadingStore.Overdue o : overdue) {
                                Indicator ind = catalog.find(o.indicator()).orElseThrow();
                                JsonObject probe = new JsonObject()
                                        .put("subject", o.subject())
                                        .put("rule", NO_DATA_RULE)
                                        .put("category", ind.category())
                                        .put("severity", "warning");
                                if (active.stream().anyMatch(s -> s.matches(probe))) {
                                    continue;
                                }
                                chain = chain.compose(x -> raiseNoData(o, ind, now));
                            }
                            return chain;
                        }));
    }

    private Future<Void> raiseNoData(ReadingStore.Overdue o, Indicator ind, Instant now) {
        long minutes = Duration.between(o.lastObservedAt(), now).toMinutes();
        AlertStore.Upsert row = new AlertStore.Upsert(
                AlertService.fingerprint(NO_DATA_RULE, o.subject(), o.indicator(), org.targetwatch.facts.Scope.NO_DATA),
                NO_DATA_RULE,
                ind.category(),
                "warning",
                o.subject(),
                o.indicator(),
                org.targetwatch.facts.Scope.NO_DATA,
                minutes,
                "REPORTING/" + o.indicator() + "/missing-after",
                ">",
                o.allowanceMinutes(),
                "minutes",
                "CONFIGURED",
                "报送日历 / reporting calendar: config/indicators.json missingAfterMinutes of " + o.indicator(),
                "缺数: " + o.subject() + " 的 " + ind.nameZh() + " 已 " + minutes + " 分钟未报送 (最后观测 "
                        + Times.format(o.lastObservedAt()) + ") / no " + o.indicator() + " data for " + minutes
                        + " minutes",
                List.of(),
                null,
                1,
                0,
                false);
        return pool.withTransaction(conn -> alerts.upsert(conn, List.of(row), "reporting-calendar", now)
                .compose(changed -> {
                    JsonObject a = changed.get(0);
                    String kind = a.getString("change");
                    if (kind.equals("updated")) {
                        return Future.succeededFuture();
                    }
                    return alerts.insertEvents(
                                    conn,
                                    List.of(new AlertStore.Event(
                                            a.getLong("id"),
                                            "reporting-calendar",
                                            kind,
                                            kind.equals("reopened") ? "resolved" : null,
                                            a.getString("status"),
                                            "no data since " + Times.format(o.lastObservedAt()),
                                            (double) minutes,
                                            null)),
                                    now)
                            .compose(ids -> notifier.notify(
                                    conn,
                                    List.of(new Notifier.Event(
                                            ids.get(0),
                                            kind,
                                            a,
                                            "reporting-calendar",
                                            "no data since " + Times.format(o.lastObservedAt()),
                                            null)),
                                    now));
                }));
    }
}
