package org.targetwatch.domain.air;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.AnnualStatistic;
import org.targetwatch.facts.Threshold;

/**
 * The JSON of {@code GET /api/v1/air/summary}: good days and ratio so far, and every annual evaluation statistic
 * judged against the enabled Grade II thresholds in force at the end of the year (for a district whose
 * {@code airStandardFrom} is given). A statistic that is not determined (GB 3095-2012 表4: fewer than 324 valid
 * days, or a month short of 27, February of 25) is reported with {@code attained: null}, {@code determined: false}
 * and the reason; annual attainment is true only when every judged statistic is determined and attained.
 */
public final class AirSummary {
    private AirSummary() {}

    public static JsonObject build(
            String subject,
            String kind,
            int year,
            List<AirYear.Day> days,
            List<Threshold> thresholds,
            java.time.LocalDate standardFrom) {
        AirYearToDate y = AirYear.yearToDate(subject, kind, year, days);
        JsonObject out = new JsonObject()
                .put("subject", subject)
                .put("year", year)
                .put("airStandardFrom", standardFrom == null ? null : standardFrom.toString());
        if (y == null) {
            return out.put("asOf", null)
                    .put("validDays", 0)
                    .put("goodDays", 0)
                    .put("goodDayRatio", null)
                    .put("annual", new JsonArray())
                    .put("attained", null);
        }
        out.put("asOf", y.asOf().toString())
                .put("validDays", y.validDays())
                .put("goodDays", y.goodDays())
                .put("goodDayRatio", y.validDays() == 0 ? null : round(y.ratio()))
                .put("bestPossibleRatio", round(y.bestPossibleRatio()))
                .put("remainingDays", y.remainingDays())
                .put("goodDayTarget", target(thresholds, y))
                .put("pm25Mean", nan(y.pm25Mean()))
                .put("pm10Mean", nan(y.pm10Mean()))
                .put("previousYearPm25Mean", nan(y.prevPm25Mean()))
                .put("previousYearPm10Mean", nan(y.prevPm10Mean()));
        JsonArray annual = new JsonArray();
        Boolean attainedAll = Boolean.TRUE;
        for (AnnualStatistic a : AirYear.annual(subject, kind, year, days, thresholds, standardFrom)) {
            Threshold limit = find(thresholds, "limit", a.indicator(), a.statistic(), a);
            if (limit == null) {
                continue;
            }
            Boolean attained = a.determined() ? !limit.test(a.value()) : null;
            if (attained == null) {
                attainedAll = attainedAll == Boolean.FALSE ? Boolean.FALSE : null;
            } else if (!attained) {
                attainedAll = Boolean.FALSE;
            }
            annual.add(new JsonObject()
                    .put("indicator", a.indicator())
                    .put("statistic", a.statistic())
                    .put("value", a.value())
                    .put("days", a.days())
                    .put("monthDays", new JsonArray(a.monthDays()))
                    .put("determined", a.determined())
                    .put("undetermined", a.undetermined())
                    .put("decimals", limit.decimals())
                    .put("limit", limit.value())
                    .put("unit", limit.unit())
                    .put("thresholdId", limit.id())
                    .put("thresholdStatus", limit.status())
                    .put("attained", attained));
        }
        return out.put("annual", annual).put("attained", attainedAll);
    }

    private static Double target(List<Threshold> thresholds, AirYearToDate y) {
        for (Threshold t : thresholds) {
            if (t.enabled() && t.statistic().equals("ytd-ratio") && t.inForceOn(y.asOf())) {
                return t.value();
            }
        }
        return null;
    }

    private static Threshold find(
            List<Threshold> thresholds, String kind, String indicator, String statistic, AnnualStatistic a) {
        return Threshold.inForce(thresholds, kind, indicator, statistic, a.yearEnd(), a.standardFrom())
                .findFirst()
                .orElse(null);
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : round(v);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
