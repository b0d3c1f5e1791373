package org.targetwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.domain.air.AirStore;
import org.targetwatch.support.TestDatabase;

/**
 * The plans of the ingest hot path's lookups stay bounded by what they return, not by a subject's history: checked
 * on the cached generic plan (what a server connection runs after five executions), with two months of hourly
 * history per station and a year of resolved alerts.
 */
class HotQueryPlansTest {
    private static String jdbc;

    @BeforeAll
    static void fill() throws SQLException {
        jdbc = TestDatabase.jdbc(TestDatabase.newMigratedDatabaseUrl());
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO ingest_batches (id, received_at) VALUES (1, now())");
            s.execute("""
                    INSERT INTO series (subject, indicator, unit)
                    SELECT 'hq-' || st, (ARRAY['PM2_5','PM10','SO2','NO2','CO','O3'])[1 + i], 'ug/m3'
                    FROM generate_series(0, 19) st, generate_series(0, 5) i""");
            s.execute("SELECT tw_ensure_partition('readings', m::date)"
                    + " FROM generate_series(date '2023-12-01', date '2024-03-01', interval '1 month') m");
            s.execute("""
                    INSERT INTO readings (observed_at, value, batch, series, revision)
                    SELECT timestamptz '2024-01-01 00:00+08' + h * interval '1 hour', 40, 1, se.id, 1
                    FROM generate_series(0, 24 * 60 - 1) h, series se ORDER BY h, se.id""");
            s.execute("""
                    INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period, status,
                        observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                        source, reading_ids, ruleset_version, resolved_at, resolution)
                    SELECT md5(g::text), 'air.daily-mean-over-grade-ii', 'air', 'warning', 'hq-' || (g % 20), 'PM10',
                           to_char(date '2023-01-01' + g / 20, 'YYYY-MM-DD'), 'resolved', 160, 't', '>', 150,
                           'ug/m3', 'CONFIRMED', 'test', '{}', 'test', now(), 'auto'
                    FROM generate_series(0, 20 * 365 - 1) g""");
            // and one alert of each of 2,000 other subjects: a subject filter is selective, as in a province
            s.execute("""
                    INSERT INTO alerts (fingerprint, rule, category, severity, subject, indicator, period, status,
                        observed_value, threshold_id, threshold_op, threshold_value, threshold_unit, threshold_status,
                        source, reading_ids, ruleset_version, resolved_at, resolution)
                    SELECT md5('o' || g), 'air.daily-mean-over-grade-ii', 'air', 'warning', 'other-' || g, 'PM10',
                           '2023-01-01', 'resolved', 160, 't', '>', 150, 'ug/m3', 'CONFIRMED', 'test', '{}', 'test',
                           now(), 'auto'
                    FROM generate_series(1, 2000) g""");
            s.execute("ANALYZE");
        }
    }

    private static String genericPlan(String sql, String types, String args) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE q(" + types + ") AS " + sql);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE q(" + args + ")")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    @Test
    void hourlyValuesOfAStationDayAreOneKeyRangePerIndicator() throws SQLException {
        String plan = genericPlan(
                AirStore.HOURLY,
                "text[], date[], text[]",
                "'{hq-1,hq-2}', '{2024-02-01,2024-02-01}', '{PM2_5,PM10,SO2,NO2,CO,O3}'");
        // each month partition with rows is read through its key index; the empty ones cost nothing
        assertThat(plan)
                .doesNotContain("Seq Scan on readings_p2024_01")
                .doesNotContain("Seq Scan on readings_p2024_02");
        assertThat(plan)
                .contains("Index Scan on readings_p2024_02_pkey")
                .contains("Index Cond: ((series = s.id) AND (observed_at >=");
    }

    /**
     * A list filter is a condition of its own statement, never {@code $n IS NULL OR ...}: with that form the generic
     * plan walked the alerts' primary key through every row, whatever the filters.
     */
    @Test
    void listFiltersUseTheIndexesOfTheirColumnsInGenericPlans() throws SQLException {
        // the alert board's query, as GET /api/v1/alerts runs it (default order: severity, then newest)
        Filters.Query alerts = AlertStore.pageQuery(
                new AlertStore.AlertFilter(
                        "resolved", null, "hq-1", null, null, null, null, null, null, null, java.util.List.of()),
                "severity",
                false,
                100,
                0);
        assertThat(alerts.sql()).doesNotContain("IS NULL");
        assertThat(genericPlan(alerts.sql(), "text, text, int, bigint", "'resolved', 'hq-1', 100, 0"))
                .contains("alerts_subject")
                .doesNotContain("Seq Scan");
        Filters.Query day = ReadingStore.listQuery(new ReadingStore.Filter(
                null,
                "hq-1",
                java.time.Instant.parse("2024-01-02T00:00:00Z"),
                java.time.Instant.parse("2024-01-03T00:00:00Z"),
                100,
                false));
        assertThat(genericPlan(
                        day.sql(),
                        "timestamptz, timestamptz, int, text",
                        "'2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z', 100, 'hq-1'"))
                // the month partitions outside the range are pruned, the one inside read by its key
                .contains("Subplans Removed")
                .contains("Index Scan on readings_p2024_01_pkey")
                .doesNotContain("Seq Scan on readings");
        // an indicator's readings are those of its series
        Filters.Query indicator = ReadingStore.listQuery(new ReadingStore.Filter("PM10", null, null, null, 100, true));
        assertThat(genericPlan(indicator.sql(), "int, text", "100, 'PM10'"))
                .contains("Index Cond: (series = s.id)")
                .doesNotContain("Seq Scan on readings");
        // the next page after a cursor starts at the cursor's instant in the series' key, in the months from there
        Filters.Query next = ReadingStore.listQuery(new ReadingStore.Filter(
                null,
                "hq-1",
                null,
                java.time.Instant.parse("2024-01-03T00:00:00Z"),
                100,
                false,
                new ReadingStore.After(java.time.Instant.parse("2024-01-02T00:00:00Z"), "hq-1", "PM10", 1)));
        assertThat(genericPlan(
                        next.sql(),
                        "timestamptz, timestamptz, text, text, int, int, text",
                        "'2024-01-03T00:00:00Z', '2024-01-02T00:00:00Z', 'hq-1', 'PM10', 1, 100, 'hq-1'"))
                .contains("Subplans Removed")
                .contains("Index Cond: ((series = s.id) AND (observed_at < $1) AND (observed_at >= $2)")
                .doesNotContain("Seq Scan on readings");
        assertThat(ReadingStore.listQuery(new ReadingStore.Filter(null, null, null, null, 100, true))
                        .sql())
                .doesNotContain("WHERE s.");
    }

    @Test
    void activeAlertsOfEvaluatedScopesUseTheScopeIndex() throws SQLException {
        String plan = genericPlan(
                AlertStore.ACTIVE_IN_SCOPES, "text[], text[], text[]", "'{hq-1}', '{PM10}', '{2024-02-01}'");
        assertThat(plan).doesNotContain("Seq Scan on alerts").contains("alerts_scope");
    }
}
