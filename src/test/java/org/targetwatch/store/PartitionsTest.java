package org.targetwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;

/**
 * Partition maintenance on a real PostgreSQL: rows of a month without its partition are kept (default partition)
 * and moved out, months are created ahead, closed months compacted once, and retention drops whole partitions
 * past their months but never one holding evidence of an alert that is not resolved.
 */
class PartitionsTest {
    /** 15 June 2024, 12:00 in Asia/Shanghai. */
    private static final Clock JUNE = Clock.fixed(Instant.parse("2024-06-15T04:00:00Z"), ZoneOffset.UTC);

    private String url;
    private Vertx vertx;
    private Pool pool;

    @BeforeEach
    void database() {
        url = TestDatabase.newMigratedDatabaseUrl();
        vertx = Vertx.vertx();
        pool = PgBuilder.pool().connectingTo(url).using(vertx).build();
        sql("INSERT INTO ingest_batches (id, received_at) VALUES (1, now())");
        sql("INSERT INTO series (id, subject, indicator, unit) VALUES (1, 'st-1', 'PM10', 'ug/m3')");
    }

    @AfterEach
    void close() {
        pool.close().await();
        vertx.close().await();
    }

    private void sql(String statement) {
        TestDatabase.execute(url, statement);
    }

    private long count(String sql) {
        return TestDatabase.scalar(url, sql);
    }

    private void reading(String localTime) {
        sql("INSERT INTO readings (observed_at, value, batch, series, revision) VALUES ('" + localTime
                + "+08', 40, 1, 1, 1)");
    }

    private long exists(String table) {
        return count("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'");
    }

    private JsonObject maintain(Map<String, Integer> retention) {
        return new Partitions(pool, JUNE, retention).maintain().await();
    }

    @Test
    void aRowOfAMonthWithoutItsPartitionIsKeptInTheDefaultAndMovedIntoItsMonth() {
        reading("2001-05-31 23:00");
        reading("2001-06-01 00:00"); // the next local month, though still 31 May in UTC
        assertThat(count("SELECT count(*) FROM readings_default")).isEqualTo(2);

        JsonObject report = maintain(Map.of());

        assertThat(report.getLong("moved")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM readings_default")).isZero();
        assertThat(count("SELECT count(*) FROM readings_p2001_05")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM readings_p2001_06")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM readings_full WHERE subject = 'st-1'"))
                .isEqualTo(2);
        // the current month and the two after it, for every partitioned table
        assertThat(report.getJsonArray("created").getList())
                .contains(
                        "readings_p2024_06",
                        "readings_p2024_07",
                        "readings_p2024_08",
                        "rule_hits_p2024_06",
                        "alert_events_p2024_08");
        assertThat(exists("readings_p2024_09")).isZero();
        // and the same pass again changes nothing
        JsonObject again = maintain(Map.of());
        assertThat(again.getJsonArray("created")).isEmpty();
        assertThat(again.getLong("moved")).isZero();
    }

    @Test
    void closedMonthsAreCompactedOnceAndTheCurrentOneNot() {
        reading("2024-05-10 10:00");
        reading("2024-06-10 10:00");
        JsonObject report = maintain(Map.of()); // the months out of the default, then compacted
        assertThat(report.getJsonArray("compacted").getList()).containsExactly("readings_p2024_05");
        assertThat(maintain(Map.of()).getJsonArray("compacted")).isEmpty();
        assertThat(count("SELECT count(*) FROM readings WHERE series = 1")).isEqualTo(2);
    }

    @Test
    void retentionDropsWholeMonthsButNeverTheEvidenceOfAnOpenAlert() {
        for (String t : new String[] {"2024-01-10 10:00", "2024-02-10 10:00", "2024-03-31 23:00", "2024-06-01 00:00"}) {
            reading(t);
        }
        // an open alert whose evidence is the February reading, with one rule hit and one event in January
        sql("INSERT INTO alerts (id, fingerprint, rule, category, severity, subject, indicator, period, status,"
                + " observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,"
                + " source, reading_ids, ruleset_version)"
                + " VALUES (7, 'f', 'r', 'air', 'warning', 'st-1', 'PM10', '2024-02-10', 'open', 160, 't', '>', 150,"
                + " 'ug/m3', 'CONFIRMED', 'test',"
                + " ARRAY[reading_id(1, '2024-02-10 10:00+08', 1)], 'v')");
        sql("INSERT INTO rule_hits (at, rule, ruleset_version, subject, indicator, period, value, threshold, facts,"
                + " reading_ids, caused, alert_id) VALUES ('2024-01-20 10:00+08', 'r', 'v', 'st-1', 'PM10', 'p', 1,"
                + " '{}', '{}', '{}', 'opened', 7), ('2024-02-20 10:00+08', 'r', 'v', 'st-1', 'PM10', 'p', 1, '{}',"
                + " '{}', '{}', 'none', NULL)");
        sql("INSERT INTO alert_events (alert_id, at, actor, kind, to_status) VALUES (7, '2024-01-20 10:00+08',"
                + " 'system', 'opened', 'open')");
        Map<String, Integer> retention = Map.of("readings", 3, "ruleHits", 3, "alertEvents", 3);
        maintain(Map.of()); // the months out of the default partitions

        JsonObject report = maintain(retention);

        // three months kept: April to June; January goes, February holds the open alert's reading
        assertThat(report.getJsonArray("dropped").getList())
                .containsExactlyInAnyOrder("readings_p2024_01", "readings_p2024_03", "rule_hits_p2024_02");
        assertThat(report.getJsonArray("kept").getList())
                .containsExactlyInAnyOrder("readings_p2024_02", "rule_hits_p2024_01", "alert_events_p2024_01");
        assertThat(count("SELECT count(*) FROM readings")).isEqualTo(2); // February and June
        assertThat(count("SELECT count(*) FROM rule_hits")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alert_events")).isEqualTo(1);
        // never a row-by-row delete: the partitions are gone, not emptied
        assertThat(exists("readings_p2024_01")).isZero();

        sql("UPDATE alerts SET status = 'resolved', resolved_at = now() WHERE id = 7");
        JsonObject after = maintain(retention);
        assertThat(after.getJsonArray("dropped").getList())
                .containsExactlyInAnyOrder("readings_p2024_02", "rule_hits_p2024_01", "alert_events_p2024_01");
        assertThat(after.getJsonArray("kept")).isEmpty();
        assertThat(count("SELECT count(*) FROM readings")).isEqualTo(1);
    }

    @Test
    void withoutRetentionNothingIsDropped() {
        reading("2010-01-10 10:00");
        maintain(Map.of());
        assertThat(maintain(Map.of()).getJsonArray("dropped")).isEmpty();
        assertThat(count("SELECT count(*) FROM readings")).isEqualTo(1);
    }

    @Test
    void oneInstanceMaintainsAtATime() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbc(url), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + 0x5457_0003L + ")");
            reading("2001-05-31 23:00");
            JsonObject report = maintain(Map.of());
            assertThat(report.getString("skipped")).contains("another instance");
            assertThat(count("SELECT count(*) FROM readings_default")).isEqualTo(1);
            // released now, not when the closed session's backend exits (that comes a moment later)
            s.execute("SELECT pg_advisory_unlock(" + 0x5457_0003L + ")");
        }
        assertThat(maintain(Map.of()).getLong("moved")).isEqualTo(1);
    }
}
