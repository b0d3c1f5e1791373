package org.targetwatch.facts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily air-quality statistics of a station or district for one calendar day (Asia/Shanghai), derived from
 * hourly readings and recomputed whenever one of them changes.
 *
 * @param values     24-hour means of SO2, NO2, PM10, CO, PM2_5 and O3's daily maximum 1-hour ({@code O3_1H}) and
 *                   maximum 8-hour moving mean ({@code O3_8H}); only items that are valid for the day
 * @param hours      hourly values present per indicator (stations), or stations averaged per item (districts)
 * @param iaqi       HJ 633 sub-index per item ({@code PM2_5_24H}, {@code O3_8H}, ...)
 * @param aqi        the day's AQI, or -1 when no item is valid
 * @param valid      all seven daily items are valid, so the day counts as a valid monitoring day
 * @param readingIds readings behind the statistics (stations only)
 * @param standardFrom the district's {@code airStandardFrom} the day was assessed under (null: the thresholds' own
 *                   dates, or a day read back from the store), passed by rules to {@code Threshold.inForceOn}
 */
public record AirDay(
        String subject,
        String kind,
        LocalDate date,
        Map<String, Double> values,
        Map<String, Integer> hours,
        Map<String, Integer> iaqi,
        int aqi,
        String category,
        List<String> primaryPollutants,
        List<String> overStandard,
        boolean valid,
        List<Long> readingIds,
        LocalDate standardFrom)
        implements Scope.Covered {

    public boolean hasAqi() {
        return aqi >= 0;
    }

    /** A good day (优良天): a valid day with AQI ≤ 100. */
    public boolean good() {
        return valid && aqi >= 0 && aqi <= 100;
    }

    public Double value(String item) {
        return values.get(item);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("subject", subject)
                .put("kind", kind)
                .put("date", date.toString())
                .put("values", new JsonObject(new LinkedHashMap<>(values)))
                .put("hours", new JsonObject(new LinkedHashMap<>(hours)))
                .put("iaqi", new JsonObject(new LinkedHashMap<>(iaqi)))
                .put("aqi", aqi >= 0 ? aqi : null)
                .put("category", category)
                .put("primaryPollutants", new JsonArray(List.copyOf(primaryPollutants)))
                .put("overStandard", new JsonArray(List.copyOf(overStandard)))
                .put("valid", valid)
                .put("good", good());
    }

    @Override
    public List<Scope> scopes() {
        return aqi < 0 ? List.of() : List.of(new Scope(subject, "AQI", date.toString(), aqi, readingIds));
    }
}
