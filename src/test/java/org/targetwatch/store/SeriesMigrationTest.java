package org.targetwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestDatabase;

/**
 * V13 on a database that V1–V12 filled: every revision of every reading survives with its value, unit, source,
 * submitter and receipt (to the second), in its month's partition; what referred to readings by their old ids (alerts,
 * their clearing values, rule hits, alert events) refers to the same readings by their new ids, in the same order;
 * rule hits and alert events keep their ids, and the outbox still finds its events.
 */
class SeriesMigrationTest {

    private static Flyway flyway(String jdbc, String target) {
        var c = Flyway.configure().dataSource(jdbc, "postgres", "").locations("classpath:db/migration");
        if (target != null) {
            c = c.target(MigrationVersion.fromVersion(target));
        }
        return c.load();
    }

    @Test
    void everyRevisionAndEveryReferenceSurvives() throws Exception {
        String url = TestDatabase.newDatabaseUrl();
        String jdbc = TestDatabase.jdbc(url);
        flyway(jdbc, "12").migrate();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'Asia/Shanghai'");
            s.execute("""
                    INSERT INTO readings (id, indicator, subject, observed_at, value, unit, source, revision,
                                          received_at, submitted_by) VALUES
                      (1, 'PM10', 'st-1', '2023-03-31 23:00+08', 160, 'ug/m3', 'hj212', 1, '2023-04-01 00:05:00.25+08', 5),
                      (2, 'PM10', 'st-1', '2023-03-31 23:00+08', 170, 'ug/m3', 'fix', 2, '2023-04-02 09:00:00.75+08', 6),
                      (3, 'PM10', 'st-1', '2023-04-01 00:00+08', 150, 'ug/m3', NULL, 1, '2023-04-01 01:00+08', NULL),
                      (4, 'DEBT_RATIO', 'zengdu', '2023-06-30 00:00+08', 88.5, '%', 'report', 1, '2023-07-01 10:00+08', 5)""");
            s.execute("""
                    INSERT INTO alerts (id, fingerprint, rule, category, severity, subject, indicator, period, status,
                        observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                        source, reading_ids, ruleset_version, clearing_reading_ids, resolved_at)
                    VALUES (1, 'f1', 'r', 'air', 'warning', 'st-1', 'PM10', '2023-03-31', 'resolved', 170, 't', '>',
                            150, 'ug/m3', 'CONFIRMED', 's', '{2,3}', 'v', '{3}', now()),
                           (2, 'f2', 'r', 'debt', 'major', 'zengdu', 'DEBT_RATIO', '2023', 'open', 88.5, 't', '>', 80,
                            '%', 'CONFIRMED', 's', '{4}', 'v', NULL, NULL)""");
            s.execute("""
                    INSERT INTO rule_hits (id, at, rule, ruleset_version, subject, indicator, period, value, threshold,
                                           facts, reading_ids, caused, alert_id)
                    VALUES (11, '2023-04-01 00:05+08', 'r', 'v', 'st-1', 'PM10', '2023-03-31', 160, '{}', '{}', '{1}',
                            'opened', 1),
                           (12, '2023-04-02 09:00+08', 'r', 'v', 'st-1', 'PM10', '2023-03-31', 170, '{}', '{}', '{2,3}',
                            'updated', 1)""");
            s.execute("""
                    INSERT INTO alert_events (id, alert_id, at, actor, kind, to_status, reading_ids)
                    VALUES (21, 1, '2023-04-01 00:05+08', 'system', 'opened', 'open', '{1}'),
                           (22, 2, '2023-07-01 10:00+08', 'system', 'opened', 'open', NULL)""");
            s.execute("""
                    INSERT INTO outbox (event_id, alert_id, office, receiver, url, idempotency_key, payload,
                                        next_attempt_at)
                    VALUES (22, 2, 'o', 'r', 'http://x', 'k', '{}', now())""");
            s.execute("SELECT setval('rule_hits_id_seq', 12), setval('alert_events_id_seq', 22)");
        }

        flyway(jdbc, null).migrate();

        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'Asia/Shanghai'");
            assertThat(TestDatabase.rows(
                            url,
                            "SELECT indicator, subject, observed_at, value, unit, source, revision, received_at,"
                                    + " submitted_by FROM readings_full ORDER BY subject, observed_at, revision"))
                    .containsExactly(
                            "PM10|st-1|2023-03-31 23:00:00+08|160|ug/m3|hj212|1|2023-04-01 00:05:00+08|5",
                            "PM10|st-1|2023-03-31 23:00:00+08|170|ug/m3|fix|2|2023-04-02 09:00:00+08|6",
                            "PM10|st-1|2023-04-01 00:00:00+08|150|ug/m3|null|1|2023-04-01 01:00:00+08|null",
                            "DEBT_RATIO|zengdu|2023-06-30 00:00:00+08|88.5|%|report|1|2023-07-01 10:00:00+08|5");
            // each in its local month's partition (23:00 on 31 March is March in Asia/Shanghai)
            assertThat(TestDatabase.rows(url, "SELECT count(*) FROM readings_p2023_03"))
                    .containsExactly("2");
            assertThat(TestDatabase.rows(url, "SELECT count(*) FROM readings_p2023_04"))
                    .containsExactly("1");
            assertThat(TestDatabase.rows(url, "SELECT count(*) FROM readings_default"))
                    .containsExactly("0");
            String id1 = "(SELECT id FROM readings_full WHERE subject = 'st-1' AND revision = 1"
                    + " AND observed_at = '2023-03-31 23:00+08')";
            String id2 = "(SELECT id FROM readings_full WHERE revision = 2)";
            String id3 = "(SELECT id FROM readings_full WHERE observed_at = '2023-04-01 00:00+08')";
            String id4 = "(SELECT id FROM readings_full WHERE subject = 'zengdu')";
            assertThat(TestDatabase.rows(
                            url,
                            "SELECT reading_ids = ARRAY[" + id2 + ", " + id3 + "], clearing_reading_ids = ARRAY[" + id3
                                    + "] FROM alerts WHERE id = 1"))
                    .containsExactly("t|t");
            assertThat(TestDatabase.rows(url, "SELECT reading_ids = ARRAY[" + id4 + "] FROM alerts WHERE id = 2"))
                    .containsExactly("t");
            assertThat(TestDatabase.rows(
                            url,
                            "SELECT id, reading_ids = CASE id WHEN 11 THEN ARRAY[" + id1 + "] ELSE ARRAY[" + id2 + ", "
                                    + id3 + "] END, alert_id FROM rule_hits ORDER BY id"))
                    .containsExactly("11|t|1", "12|t|1");
            assertThat(TestDatabase.rows(
                            url,
                            "SELECT id, coalesce(reading_ids = ARRAY[" + id1 + "], true) FROM alert_events"
                                    + " ORDER BY id"))
                    .containsExactly("21|t", "22|t");
            assertThat(TestDatabase.rows(url, "SELECT e.kind FROM outbox o JOIN alert_events e ON e.id = o.event_id"))
                    .containsExactly("opened");
            // the sequences go on where they were
            s.execute("INSERT INTO rule_hits (at, rule, ruleset_version, subject, indicator, period, value,"
                    + " threshold, facts, reading_ids, caused) VALUES (now(), 'r', 'v', 's', 'i', 'p', 1, '{}', '{}',"
                    + " '{}', 'none')");
            assertThat(TestDatabase.rows(url, "SELECT max(id) FROM rule_hits")).containsExactly("13");
            // a new reading id decodes to its key: series, seconds since 1970, revision
            assertThat(TestDatabase.rows(
                            url,
                            "SELECT id >> 41 = series, (id >> 8) & 8589934591 = 1680274800, id & 255"
                                    + " FROM readings_full WHERE revision = 2"))
                    .containsExactly("t|t|2");
        }
    }

    @Test
    void readingsWithFractionsOfASecondStopTheMigrationWithItsReason() throws Exception {
        String url = TestDatabase.newDatabaseUrl();
        String jdbc = TestDatabase.jdbc(url);
        flyway(jdbc, "12").migrate();
        TestDatabase.execute(
                url,
                "INSERT INTO readings (indicator, subject, observed_at, value, unit, revision)"
                        + " VALUES ('DEBT_RATIO', 'z', '2023-06-30 00:00:00.5+08', 1, '%', 1)");
        assertThatThrownBy(() -> flyway(jdbc, null).migrate())
                .hasStackTraceContaining("1 readings have fractional seconds");
        // nothing of V13 was applied: the old table is as it was
        assertThat(TestDatabase.scalar(url, "SELECT count(*) FROM readings WHERE observed_at::text LIKE '%.5%'"))
                .isEqualTo(1);
    }
}
