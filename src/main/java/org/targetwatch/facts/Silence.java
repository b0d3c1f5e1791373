package org.targetwatch.facts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.common.Times;

/**
 * A silence: alerts matching {@code matchers} (category, severity, region, subject, rule; an empty or absent list
 * matches anything) are recorded and visible but not notified between {@code startsAt} and {@code endsAt}, and, if
 * {@code recurrence} is set, only inside its weekly window (days of week 1 = Monday .. 7, from {@code startTime} to
 * {@code endTime}, Asia/Shanghai): a recurring maintenance window.
 */
public record Silence(
        long id,
        Map<String, List<String>> matchers,
        Instant startsAt,
        Instant endsAt,
        Set<Integer> days,
        LocalTime windowStart,
        LocalTime windowEnd,
        String createdBy,
        String reason,
        Instant expiredAt) {

    public static final Set<String> KEYS = Set.of("category", "severity", "region", "subject", "rule");

    /** Whether the silence is in force at {@code now}. */
    public boolean activeAt(Instant now) {
        if (expiredAt != null && !now.isBefore(expiredAt)) {
            return false;
        }
        if (now.isBefore(startsAt) || !now.isBefore(endsAt)) {
            return false;
        }
        if (windowStart == null) {
            return true;
        }
        ZonedDateTime local = now.atZone(Times.ZONE);
        DayOfWeek dow = local.getDayOfWeek();
        LocalTime t = local.toLocalTime();
        return days.contains(dow.getValue()) && !t.isBefore(windowStart) && t.isBefore(windowEnd);
    }

    public boolean matches(JsonObject alert) {
        for (Map.Entry<String, List<String>> m : matchers.entrySet()) {
            if (!m.getValue().isEmpty() && !m.getValue().contains(String.valueOf(alert.getValue(m.getKey())))) {
                return false;
            }
        }
        return true;
    }

    public JsonObject toJson(Instant now) {
        JsonObject m = new JsonObject();
        matchers.forEach((k, v) -> m.put(k, new JsonArray(List.copyOf(v))));
        return new JsonObject()
                .put("id", id)
                .put("matchers", m)
                .put("startsAt", org.targetwatch.common.Times.format(startsAt))
                .put("endsAt", org.targetwatch.common.Times.format(endsAt))
                .put(
                        "recurrence",
                        windowStart == null
                                ? null
                                : new JsonObject()
                                        .put("daysOfWeek", new JsonArray(List.copyOf(new java.util.TreeSet<>(days))))
                                        .put("startTime", windowStart.toString())
                                        .put("endTime", windowEnd.toString()))
                .put("createdBy", createdBy)
                .put("reason", reason)
                .put("expiredAt", org.targetwatch.common.Times.format(expiredAt))
                .put("activeNow", activeAt(now));
    }
}
