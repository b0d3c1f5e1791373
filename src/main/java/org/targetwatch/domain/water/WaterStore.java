package org.targetwatch.domain.water;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.targetwatch.facts.Reading;
import org.targetwatch.store.ReadingStore;

/** Water samples: the revisions in force of water readings of subjects over date ranges. */
public final class WaterStore {
    /**
     * Valid readings of water indicators of each (subject, from, to) range, [from, to) in Asia/Shanghai days: the
     * revision in force of each observation, unless it carries a data flag (a flagged sample is no valid value).
     */
    static final String READINGS = """
            SELECT * FROM (
                SELECT DISTINCT ON (s.subject, s.indicator, r.observed_at)
                       reading_id(r.series, r.observed_at, r.revision) AS id, s.subject, s.indicator,
                       r.observed_at, r.value, s.unit, r.revision, r.flag
                FROM unnest($1::text[], $2::date[], $3::date[]) AS k(subject, from_day, to_day)
                JOIN series s ON s.subject = k.subject AND s.indicator LIKE 'WATER\\_%'
                JOIN readings r ON r.series = s.id
                 AND r.observed_at >= (k.from_day::timestamp AT TIME ZONE 'Asia/Shanghai')
                 AND r.observed_at < (k.to_day::timestamp AT TIME ZONE 'Asia/Shanghai')
                ORDER BY s.subject, s.indicator, r.observed_at, r.revision DESC) AS w
            WHERE w.flag IS NULL""";

    /** A subject and a range of days, {@code from} inclusive, {@code to} exclusive. */
    public record Range(String subject, LocalDate from, LocalDate to) {}

    public Future<List<Reading>> readings(SqlClient client, List<Range> ranges) {
        if (ranges.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        String[] subjects = ranges.stream().map(Range::subject).toArray(String[]::new);
        LocalDate[] from = ranges.stream().map(Range::from).toArray(LocalDate[]::new);
        LocalDate[] to = ranges.stream().map(Range::to).toArray(LocalDate[]::new);
        return client.preparedQuery(READINGS)
                .execute(Tuple.tuple(List.of(subjects, from, to)))
                .map(rows -> {
                    List<Reading> out = new ArrayList<>();
                    rows.forEach(r -> out.add(ReadingStore.toReading(r)));
                    return out;
                });
    }
}
