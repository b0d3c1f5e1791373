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
    /** Readings of water indicators of each (subject, from, to) range, [from, to) in Asia/Shanghai days. */
    static final String READINGS = """
            SELECT DISTINCT ON (r.subject, r.indicator, r.observed_at)
                   r.id, r.subject, r.indicator, r.observed_at, r.value, r.unit, r.revision
            FROM unnest($1::text[], $2::date[], $3::date[]) AS k(subject, from_day, to_day)
            JOIN readings r ON r.subject = k.subject AND r.indicator LIKE 'WATER\\_%'
             AND r.observed_at >= (k.from_day::timestamp AT TIME ZONE 'Asia/Shanghai')
             AND r.observed_at < (k.to_day::timestamp AT TIME ZONE 'Asia/Shanghai')
            ORDER BY r.subject, r.indicator, r.observed_at, r.revision DESC""";

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
