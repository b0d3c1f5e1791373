package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.targetwatch.common.Times;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.domain.air.AirSummary;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleEngine;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.SubjectStore;

/**
 * The supervisor's briefing (月报, 季报, 年报) of one district for one period, from stored data, as of the period's
 * last day: air, water, debt, safety, the targets at a glance and the handling of alerts.
 *
 * <p>Contract: every figure is computed from what is stored for days up to the period's end, so a briefing of a
 * past month does not change when later months arrive (corrections of that month do change it). Sections without
 * data say so ({@code null} or empty), never zero.
 */
public final class Briefing {
    /** A period: {@code kind} monthly, quarterly or annual; {@code from} and {@code to} inclusive. */
    public record Period(String kind, LocalDate from, LocalDate to, String label) {
        public static Period month(int year, int month) {
            LocalDate from = LocalDate.of(year, month, 1);
            return new Period("monthly", from, from.plusMonths(1).minusDays(1), year + "年" + month + "月");
        }

        public static Period quarter(int year, int quarter) {
            LocalDate from = LocalDate.of(year, quarter * 3 - 2, 1);
            return new Period(
                    "quarterly",
                    from,
                    from.plusMonths(3).minusDays(1),
                    year + "年第" + "一二三四".charAt(quarter - 1) + "季度");
        }

        public static Period year(int year) {
            return new Period("annual", LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), year + "年");
        }
    }

    /** An alert is of district $1: about it, or about a subject of it (by its region or its district setting). */
    static final String OF_DISTRICT = """
            (subject = $1 OR region = $1
             OR subject IN (SELECT id FROM subjects WHERE region = $1 OR settings ->> 'district' = $1))""";
    /**
     * An alert's period lies within [$2, $3] (days, as text): a day or a local time by its day, a month
     * ({@code 2023-05}) and a year ({@code 2023}) when the whole of it does.
     */
    static final String WITHIN = """
            ((period ~ '^\\d{4}-\\d{2}-\\d{2}' AND substr(period, 1, 10) BETWEEN $2 AND $3)
             OR (period ~ '^\\d{4}-\\d{2}$' AND period || '-01' >= $2
                 AND to_char((period || '-01')::date + interval '1 month' - interval '1 day', 'YYYY-MM-DD') <= $3)
             OR (period ~ '^\\d{4}$' AND period || '-01-01' >= $2 AND period || '-12-31' <= $3))""";

    static final String LATEST_DEBT = """
            SELECT DISTINCT ON (indicator) indicator, observed_at, value, unit
            FROM readings_full WHERE subject = $1 AND indicator = ANY($2::text[]) AND observed_at >= $3 AND observed_at < $4
            ORDER BY indicator, observed_at DESC, revision DESC""";
    /** Accidents of the period by grade rank (2 较大, 3 重大, 4 特别重大; 一般 raises no alert). */
    static final String ACCIDENTS = """
            SELECT observed_value::int AS grade, count(*) AS n FROM alerts
            WHERE rule = 'safety.accident-grade' AND """ + OF_DISTRICT + " AND " + WITHIN + " GROUP BY 1";
    /** Alerts whose period (the data's day, month or year) lies in the briefing's period, by severity. */
    static final String ALERTS_OF_PERIOD = """
            SELECT severity, count(*) AS n, count(*) FILTER (WHERE resolved_at IS NULL) AS unresolved FROM alerts
            WHERE status <> 'pending' AND """ + OF_DISTRICT + " AND " + WITHIN + " GROUP BY severity";
    /**
     * The handling of live alerts in the period (back-filled, historical ones are not handled by anyone): opened,
     * resolved, overdue at its end (unresolved and not acknowledged within {@code $4} hours of opening), and the
     * mean time to acknowledge of those acknowledged in it.
     */
    static final String HANDLING = """
            SELECT count(*) FILTER (WHERE opened_at >= $2 AND opened_at < $3) AS opened,
                   count(*) FILTER (WHERE resolved_at >= $2 AND resolved_at < $3) AS resolved,
                   count(*) FILTER (WHERE opened_at < $3 AND (resolved_at IS NULL OR resolved_at >= $3)
                                      AND opened_at + make_interval(hours => $4) < $3
                                      AND (acknowledged_at IS NULL OR acknowledged_at > opened_at + make_interval(hours => $4)))
                       AS overdue,
                   avg(extract(epoch FROM acknowledged_at - opened_at))
                       FILTER (WHERE acknowledged_at >= $2 AND acknowledged_at < $3) AS mtta_seconds
            FROM alerts WHERE NOT historical AND opened_at IS NOT NULL AND """ + OF_DISTRICT;

    static final String LONGEST_OPEN = """
            SELECT id, rule, subject, severity, period, opened_at FROM alerts
            WHERE NOT historical AND opened_at < $2 AND (resolved_at IS NULL OR resolved_at >= $2)
              AND """ + OF_DISTRICT + " ORDER BY opened_at, id LIMIT 5";

    private final Pool pool;
    private final SubjectStore subjects;
    private final AirStore air;
    private final Compliance compliance;
    private final TargetsOverview targets;
    private final RuleEngine engine;

    public Briefing(
            Pool pool,
            SubjectStore subjects,
            AirStore air,
            Compliance compliance,
            TargetsOverview targets,
            RuleEngine engine) {
        this.pool = pool;
        this.subjects = subjects;
        this.air = air;
        this.compliance = compliance;
        this.targets = targets;
        this.engine = engine;
    }

    /** The briefing of {@code district} (a registered district) for {@code period}. */
    public Future<JsonObject> build(Subject district, Period period, int overdueHours) {
        RuleSet rs = engine.current();
        int year = period.from().getYear();
        OffsetDateTime from = period.from().atStartOfDay(Times.ZONE).toOffsetDateTime();
        OffsetDateTime end = period.to().plusDays(1).atStartOfDay(Times.ZONE).toOffsetDateTime();
        JsonObject out = new JsonObject()
                .put("kind", period.kind())
                .put(
                        "period",
                        new JsonObject()
                                .put("label", period.label())
                                .put("from", period.from().toString())
                                .put("to", period.to().toString()))
                .put("district", new JsonObject().put("id", district.id()).put("name", district.name()))
                .put("rulesetVersion", rs.version());
        Future<JsonObject> airPart = air.days(pool, district.id(), LocalDate.of(year - 1, 1, 1), period.to())
                .compose(days -> air.dayDetails(pool, district.id(), period.from(), period.to())
                        .map(details -> airSection(district, year, days, details, rs)));
        // the district's sections and sources: those whose district setting or region names it
        Future<JsonArray> waterPart = subjects.list(null, null)
                .compose(all -> compliance.water(
                        rs,
                        year,
                        all.stream()
                                .filter(w -> w.kind().equals("water-section")
                                        || w.kind().equals("drinking-water-source"))
                                .filter(w -> district.id().equals(w.settings().get("district"))
                                        || district.id().equals(w.region()))
                                .toList()));
        Future<JsonObject> debtPart = pool.preparedQuery(LATEST_DEBT)
                .execute(Tuple.of(
                        district.id(),
                        new String[] {"DEBT_RATIO", "DEBT_NEW", "DEBT_NEW_QUOTA"},
                        LocalDate.of(year, 1, 1).atStartOfDay(Times.ZONE).toOffsetDateTime(),
                        end))
                .map(rows -> {
                    Map<String, JsonObject> latest = new LinkedHashMap<>();
                    for (Row r : rows) {
                        latest.put(
                                r.getString("indicator"),
                                new JsonObject()
                                        .put("value", r.getDouble("value"))
                                        .put("unit", r.getString("unit"))
                                        .put(
                                                "date",
                                                r.getOffsetDateTime("observed_at")
                                                        .atZoneSameInstant(Times.ZONE)
                                                        .toLocalDate()
                                                        .toString()));
                    }
                    JsonObject ratio = latest.get("DEBT_RATIO");
                    if (ratio != null) {
                        ratio.put("band", Compliance.band(ratio.getDouble("value")));
                    }
                    JsonObject newDebt = latest.get("DEBT_NEW");
                    JsonObject quota = latest.get("DEBT_NEW_QUOTA");
                    return new JsonObject()
                            .put("ratio", ratio)
                            .put("newDebt", newDebt)
                            .put("quota", quota)
                            .put(
                                    "withinQuota",
                                    newDebt == null || quota == null
                                            ? null
                                            : newDebt.getDouble("value") <= quota.getDouble("value"));
                });
        String fromDay = period.from().toString();
        String toDay = period.to().toString();
        Future<JsonObject> safetyPart = pool.preparedQuery(ACCIDENTS)
                .execute(Tuple.of(district.id(), fromDay, toDay))
                .map(rows -> {
                    JsonObject byGrade =
                            new JsonObject().put("较大", 0).put("重大", 0).put("特别重大", 0);
                    for (Row r : rows) {
                        String grade = switch (r.getInteger("grade")) {
                            case 4 -> "特别重大";
                            case 3 -> "重大";
                            default -> "较大";
                        };
                        byGrade.put(
                                grade,
                                byGrade.getInteger(grade) + r.getLong("n").intValue());
                    }
                    return new JsonObject()
                            .put("accidentsByGrade", byGrade)
                            .put("bottomLineKept", byGrade.getInteger("重大") + byGrade.getInteger("特别重大") == 0);
                });
        Future<JsonObject> targetPart = targets.overview(year, district.id(), period.to());
        Future<JsonObject> alertPart = alerts(district.id(), fromDay, toDay, from, end, overdueHours);
        return Future.all(List.of(airPart, waterPart, debtPart, safetyPart, targetPart, alertPart))
                .map(x -> out.put("air", airPart.result())
                        .put("water", waterPart.result())
                        .put("debt", debtPart.result())
                        .put("safety", safetyPart.result())
                        .put("targets", targetPart.result())
                        .put("alerts", alertPart.result()));
    }

    private static JsonObject airSection(
            Subject district,
            int year,
            List<org.targetwatch.domain.air.AirYear.Day> days,
            List<JsonObject> details,
            RuleSet rs) {
        JsonObject ytd = AirSummary.build(
                district.id(), district.kind(), year, days, rs.thresholds(), district.airStandardFrom());
        int valid = 0;
        int good = 0;
        Map<String, Integer> byCategory = new LinkedHashMap<>();
        for (String c : List.of("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")) {
            byCategory.put(c, 0);
        }
        Map<String, Integer> primary = new TreeMap<>();
        JsonArray calendar = new JsonArray();
        JsonArray exceedances = new JsonArray();
        for (JsonObject d : details) {
            JsonObject day = new JsonObject()
                    .put("date", d.getString("date"))
                    .put("aqi", d.getInteger("aqi"))
                    .put("category", d.getString("category"))
                    .put("valid", d.getBoolean("valid", false))
                    .put("primaryPollutants", d.getJsonArray("primaryPollutants", new JsonArray()));
            calendar.add(day);
            if (!day.getBoolean("valid") || day.getInteger("aqi") == null) {
                continue;
            }
            valid++;
            byCategory.merge(day.getString("category"), 1, Integer::sum);
            if (day.getInteger("aqi") <= 100) {
                good++;
            } else {
                exceedances.add(day);
                day.getJsonArray("primaryPollutants").forEach(p -> primary.merge(String.valueOf(p), 1, Integer::sum));
            }
        }
        return new JsonObject()
                .put(
                        "period",
                        new JsonObject()
                                .put("validDays", valid)
                                .put("goodDays", good)
                                .put("goodDayRatio", valid == 0 ? null : Math.round(1000.0 * good / valid) / 10.0))
                .put("yearToDate", ytd)
                .put("daysByCategory", new JsonObject(new LinkedHashMap<>(byCategory)))
                .put("exceedanceDays", exceedances)
                .put("primaryPollutantsOfExceedances", new JsonObject(new LinkedHashMap<>(primary)))
                .put("calendar", calendar);
    }

    private Future<JsonObject> alerts(
            String district, String fromDay, String toDay, OffsetDateTime from, OffsetDateTime end, int overdueHours) {
        Future<JsonObject> ofPeriod = pool.preparedQuery(ALERTS_OF_PERIOD)
                .execute(Tuple.of(district, fromDay, toDay))
                .map(rows -> {
                    JsonObject bySeverity = new JsonObject();
                    long total = 0;
                    long unresolved = 0;
                    for (Row r : rows) {
                        bySeverity.put(r.getString("severity"), r.getLong("n"));
                        total += r.getLong("n");
                        unresolved += r.getLong("unresolved");
                    }
                    return new JsonObject()
                            .put("total", total)
                            .put("unresolved", unresolved)
                            .put("bySeverity", bySeverity);
                });
        Future<JsonObject> handling = pool.preparedQuery(HANDLING)
                .execute(Tuple.of(district, from, end, overdueHours))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    Double mtta = r.getDouble("mtta_seconds");
                    return new JsonObject()
                            .put("opened", r.getLong("opened"))
                            .put("resolved", r.getLong("resolved"))
                            .put("overdue", r.getLong("overdue"))
                            .put("overdueHours", overdueHours)
                            .put("meanMinutesToAcknowledge", mtta == null ? null : Math.round(mtta / 6.0) / 10.0);
                });
        Future<JsonArray> longest = pool.preparedQuery(LONGEST_OPEN)
                .execute(Tuple.of(district, end))
                .map(rows -> {
                    JsonArray a = new JsonArray();
                    for (Row r : rows) {
                        OffsetDateTime opened = r.getOffsetDateTime("opened_at");
                        a.add(new JsonObject()
                                .put("id", r.getLong("id"))
                                .put("rule", r.getString("rule"))
                                .put("subject", r.getString("subject"))
                                .put("severity", r.getString("severity"))
                                .put("period", r.getString("period"))
                                .put("openedAt", Times.format(opened))
                                .put(
                                        "openDays",
                                        Math.round(java.time.Duration.between(opened, end)
                                                                .toHours()
                                                        / 2.4)
                                                / 10.0));
                    }
                    return a;
                });
        return Future.all(ofPeriod, handling, longest)
                .map(x -> new JsonObject()
                        .put("ofPeriod", ofPeriod.result())
                        .mergeIn(handling.result())
                        .put("longestOpen", longest.result()));
    }
}
