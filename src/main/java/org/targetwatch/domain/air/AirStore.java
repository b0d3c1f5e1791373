package org.targetwatch.domain.air;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.targetwatch.common.Times;
import org.targetwatch.facts.AirDay;

/** Hourly air readings by station-day, and the derived {@code air_daily} rows. */
public final class AirStore {
    /** Daily item → column of air_daily. */
    static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("SO2", "so2");
        COLUMNS.put("NO2", "no2");
        COLUMNS.put("PM10", "pm10");
        COLUMNS.put("CO", "co");
        COLUMNS.put("O3_1H", "o3_1h");
        COLUMNS.put("O3_8H", "o3_8h");
        COLUMNS.put("PM2_5", "pm25");
    }

    /**
     * Revisions in force of the hourly air readings of whole station-days, those with a data flag left out (HJ 663:
     * a flagged hour is no valid hourly value, so it counts as missing). One range scan of the readings key
     * (series, observed_at) per station-day and indicator, forced by LATERAL: a join the planner is
     * free to shape may (with a cached generic plan) scan every reading of the station instead, which grows with
     * its history.
     */
    public static final String HOURLY = """
            SELECT r.id, k.subject, i.indicator, r.observed_at, r.value, k.day
            FROM unnest($1::text[], $2::date[]) AS k(subject, day)
            CROSS JOIN unnest($3::text[]) AS i(indicator)
            CROSS JOIN LATERAL (
                SELECT DISTINCT ON (x.observed_at) reading_id(x.series, x.observed_at, x.revision) AS id,
                       x.observed_at, x.value, x.flag
                FROM series s JOIN readings x ON x.series = s.id
                WHERE s.subject = k.subject AND s.indicator = i.indicator
                  AND x.observed_at >= (k.day::timestamp AT TIME ZONE 'Asia/Shanghai')
                  AND x.observed_at < ((k.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                ORDER BY x.observed_at, x.revision DESC) AS r
            WHERE r.flag IS NULL""";

    /**
     * Inserts or replaces the days and returns those whose values, validity or AQI changed (or are new): only
     * their districts and year-to-date statistics need recomputing. {@code old} sees the rows as they were before
     * this statement.
     */
    static final String UPSERT = """
            WITH old AS (
                SELECT a.subject, a.day, a.valid, a.aqi, a.so2, a.no2, a.pm10, a.co, a.o3_1h, a.o3_8h, a.pm25
                FROM air_daily a JOIN unnest($1::text[], $2::date[]) AS k(subject, day)
                  ON a.subject = k.subject AND a.day = k.day
            ), up AS (
                INSERT INTO air_daily (subject, day, kind, valid, aqi, so2, no2, pm10, co, o3_1h, o3_8h, pm25, details)
                SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bool[], $5::int[], $6::float8[],
                                     $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[],
                                     $12::float8[], $13::jsonb[])
                ON CONFLICT (subject, day) DO UPDATE SET
                    kind = EXCLUDED.kind, valid = EXCLUDED.valid, aqi = EXCLUDED.aqi, so2 = EXCLUDED.so2,
                    no2 = EXCLUDED.no2, pm10 = EXCLUDED.pm10, co = EXCLUDED.co, o3_1h = EXCLUDED.o3_1h,
                    o3_8h = EXCLUDED.o3_8h, pm25 = EXCLUDED.pm25, details = EXCLUDED.details, updated_at = now()
                RETURNING subject, day, valid, aqi, so2, no2, pm10, co, o3_1h, o3_8h, pm25
            )
            SELECT up.subject, up.day FROM up LEFT JOIN old ON old.subject = up.subject AND old.day = up.day
            WHERE old.subject IS NULL
               OR (old.valid, old.aqi, old.so2, old.no2, old.pm10, old.co, old.o3_1h, old.o3_8h, old.pm25)
                  IS DISTINCT FROM (up.valid, up.aqi, up.so2, up.no2, up.pm10, up.co, up.o3_1h, up.o3_8h, up.pm25)""";

    static final String DAYS = "SELECT * FROM air_daily WHERE subject = $1 AND day >= $2 AND day <= $3 ORDER BY day";

    /** Stored days of several (subject, from, to) ranges in one statement. */
    static final String DAYS_MANY = """
            SELECT a.* FROM unnest($1::text[], $2::date[], $3::date[]) AS k(subject, from_day, to_day)
            JOIN air_daily a ON a.subject = k.subject AND a.day >= k.from_day AND a.day <= k.to_day
            ORDER BY a.subject, a.day""";

    /** Stored days of the stations of several (district, day) pairs in one statement. */
    static final String STATION_DAYS_MANY = """
            SELECT a.*, k.district FROM unnest($1::text[], $2::date[]) AS k(district, day)
            JOIN subjects s ON s.kind = 'air-station' AND s.settings->>'district' = k.district
            JOIN air_daily a ON a.subject = s.id AND a.day = k.day""";

    static final String ONE = "SELECT details FROM air_daily WHERE subject = $1 AND day = $2";

    /** A station (or district) and calendar day. */
    public record SubjectDay(String subject, LocalDate day) {}

    /** Hourly air values of the given station-days, in one statement. */
    public Future<Map<SubjectDay, AirDays.Hours>> hourly(SqlClient client, Collection<SubjectDay> days) {
        String[] subjects = days.stream().map(SubjectDay::subject).toArray(String[]::new);
        LocalDate[] dates = days.stream().map(SubjectDay::day).toArray(LocalDate[]::new);
        String[] indicators = AirDays.HOURLY.toArray(new String[0]);
        return client.preparedQuery(HOURLY)
                .execute(Tuple.tuple(List.of(subjects, dates, indicators)))
                .map(rows -> {
                    Map<SubjectDay, AirDays.Hours> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        SubjectDay key = new SubjectDay(r.getString("subject"), r.getLocalDate("day"));
                        int hour = r.getOffsetDateTime("observed_at")
                                .atZoneSameInstant(Times.ZONE)
                                .getHour();
                        out.computeIfAbsent(key, k -> AirDays.Hours.empty())
                                .put(r.getString("indicator"), hour, r.getDouble("value"), r.getLong("id"));
                    }
                    return out;
                });
    }

    /** Stores the days (insert or replace), in one statement; returns the (subject, day) whose statistics changed. */
    public Future<java.util.Set<SubjectDay>> upsert(SqlClient client, List<AirDay> days) {
        if (days.isEmpty()) {
            return Future.succeededFuture(java.util.Set.of());
        }
        int n = days.size();
        String[] subjects = new String[n];
        LocalDate[] dates = new LocalDate[n];
        String[] kinds = new String[n];
        Boolean[] valid = new Boolean[n];
        Integer[] aqi = new Integer[n];
        Double[][] cols = new Double[COLUMNS.size()][n];
        JsonObject[] details = new JsonObject[n];
        for (int i = 0; i < n; i++) {
            AirDay d = days.get(i);
            subjects[i] = d.subject();
            dates[i] = d.date();
            kinds[i] = d.kind();
            valid[i] = d.valid();
            aqi[i] = d.hasAqi() ? d.aqi() : null;
            int c = 0;
            for (String item : COLUMNS.keySet()) {
                cols[c++][i] = d.value(item);
            }
            details[i] = d.toJson();
        }
        List<Object> params = new ArrayList<>(Arrays.asList(subjects, dates, kinds, valid, aqi));
        params.addAll(Arrays.asList((Object[]) cols));
        params.add(details);
        return client.preparedQuery(UPSERT).execute(Tuple.tuple(params)).map(rows -> {
            java.util.Set<SubjectDay> changed = new java.util.HashSet<>();
            rows.forEach(r -> changed.add(new SubjectDay(r.getString("subject"), r.getLocalDate("day"))));
            return changed;
        });
    }

    /** Stored days of each subject's range, by subject, in one statement. */
    public Future<Map<String, List<AirYear.Day>>> days(
            SqlClient client, List<String> subjects, List<LocalDate> from, List<LocalDate> to) {
        return client.preparedQuery(DAYS_MANY)
                .execute(Tuple.tuple(List.of(
                        subjects.toArray(new String[0]), from.toArray(new LocalDate[0]), to.toArray(new LocalDate[0]))))
                .map(rows -> {
                    Map<String, List<AirYear.Day>> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        Integer aqi = r.getInteger("aqi");
                        out.computeIfAbsent(r.getString("subject"), k -> new ArrayList<>())
                                .add(new AirYear.Day(
                                        r.getLocalDate("day"),
                                        r.getBoolean("valid"),
                                        aqi == null ? -1 : aqi,
                                        values(r)));
                    }
                    return out;
                });
    }

    /** Stored station days of each (district, day), by district and day, in one statement. */
    public Future<Map<String, Map<LocalDate, List<AirDay>>>> stationDays(
            SqlClient client, List<String> districts, List<LocalDate> days) {
        return client.preparedQuery(STATION_DAYS_MANY)
                .execute(Tuple.tuple(List.of(districts.toArray(new String[0]), days.toArray(new LocalDate[0]))))
                .map(rows -> {
                    Map<String, Map<LocalDate, List<AirDay>>> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString("district"), k -> new java.util.TreeMap<>())
                                .computeIfAbsent(r.getLocalDate("day"), k -> new ArrayList<>())
                                .add(new AirDay(
                                        r.getString("subject"),
                                        r.getString("kind"),
                                        r.getLocalDate("day"),
                                        values(r),
                                        Map.of(),
                                        Map.of(),
                                        -1,
                                        null,
                                        List.of(),
                                        List.of(),
                                        r.getBoolean("valid"),
                                        List.of(),
                                        null));
                    }
                    return out;
                });
    }

    /** Stored days of a subject from {@code from} to {@code to} inclusive. */
    public Future<List<AirYear.Day>> days(SqlClient client, String subject, LocalDate from, LocalDate to) {
        return client.preparedQuery(DAYS).execute(Tuple.of(subject, from, to)).map(rows -> {
            List<AirYear.Day> out = new ArrayList<>();
            for (Row r : rows) {
                Integer aqi = r.getInteger("aqi");
                out.add(new AirYear.Day(
                        r.getLocalDate("day"), r.getBoolean("valid"), aqi == null ? -1 : aqi, values(r)));
            }
            return out;
        });
    }

    static final String DETAILS =
            "SELECT details FROM air_daily WHERE subject = $1 AND day >= $2 AND day <= $3 ORDER BY day";

    /** The stored statistics (as {@link AirDay#toJson()}) of a subject's days in [from, to]. */
    public Future<List<JsonObject>> dayDetails(SqlClient client, String subject, LocalDate from, LocalDate to) {
        return client.preparedQuery(DETAILS)
                .execute(Tuple.of(subject, from, to))
                .map(rows -> {
                    List<JsonObject> out = new ArrayList<>();
                    rows.forEach(r -> out.add((JsonObject) r.getJson("details")));
                    return out;
                });
    }

    static final String LATEST_DAY = "SELECT max(day) AS day FROM air_daily WHERE subject = $1";

    /** The subject's latest day with stored statistics, or null. */
    public Future<LocalDate> latestDay(SqlClient client, String subject) {
        return client.preparedQuery(LATEST_DAY)
                .execute(Tuple.of(subject))
                .map(rows -> rows.iterator().next().getLocalDate("day"));
    }

    /** The stored statistics of one subject-day (as {@link AirDay#toJson()}), if any. */
    public Future<Optional<JsonObject>> day(SqlClient client, String subject, LocalDate day) {
        return client.preparedQuery(ONE).execute(Tuple.of(subject, day)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of((JsonObject) it.next().getJson("details")) : Optional.empty();
        });
    }

    private static Map<String, Double> values(Row r) {
        Map<String, Double> values = new LinkedHashMap<>();
        COLUMNS.forEach((item, col) -> {
            Double v = r.getDouble(col);
            if (v != null) {
                values.put(item, v);
            }
        });
        return values;
    }
}
