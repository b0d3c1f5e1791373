-- Issue 15: readings stored around series, in monthly partitions, as are rule hits and alert events.
--
-- A reading row was about 247 bytes with its three indexes (id, key, indicator-time). Now:
--   series          (subject, indicator) -> int id, with the indicator's unit;
--   ingest_batches  who sent readings, when (to the second) and from which source: one row per second, token and
--                   source, shared by every reading of those;
--   readings        (series, observed_at, revision) -> value, batch: one unique index, which serves repeats,
--                   corrections, a series' time ranges and (through the series of an indicator) indicator-time
--                   queries. No id column: a reading's id is computed from its key by reading_id(), so what
--                   references readings (alerts, rule hits, alert events) needs no second index to find them.
-- Readings, rule hits and alert events are partitioned by month (Asia/Shanghai calendar months, bounds in +08:00),
-- each with a default partition that catches rows of a month without its partition; tw_split_default() moves them
-- into their month's partition. Partitions are created ahead of time and on demand by the server (store.Partitions).

CREATE FUNCTION reading_id(series int, observed_at timestamptz, revision int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    -- 22 bits of series, 33 bits of seconds since 1970 (until 2242), 8 bits of revision: a positive bigint.
    RETURN (series::bigint << 41) | (extract(epoch FROM observed_at)::bigint << 8) | revision;

-- The name of a table's partition for the month that begins at month_start (local date of the first day).
CREATE FUNCTION tw_partition_name(parent text, month_start date) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN parent || '_p' || to_char(month_start, 'YYYY_MM');

-- Creates the month's partition of parent (readings, rule_hits, alert_events) unless it exists. Rows of that
-- month already in the default partition are moved into it first, in the same transaction.
-- Returns true when it created the partition.
CREATE FUNCTION tw_ensure_partition(parent text, month_start date) RETURNS boolean
    LANGUAGE plpgsql AS $$
DECLARE
    m       date        := date_trunc('month', month_start)::date;
    name    text        := tw_partition_name(parent, m);
    lo      timestamptz := m::timestamp AT TIME ZONE 'Asia/Shanghai';
    hi      timestamptz := (m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
    col     text        := CASE parent WHEN 'readings' THEN 'observed_at' ELSE 'at' END;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- One creator at a time per table (another instance may be creating the same month). This lock mode conflicts
    -- only with itself (and DDL), not with reads or writes; unlike an advisory lock, taking a table lock also makes
    -- the catalog lookup below see a partition that the creator before us committed.
    EXECUTE format('LOCK TABLE %I IN SHARE UPDATE EXCLUSIVE MODE', parent);
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- Attaching scans the default partition under an exclusive lock. It is taken first, before this transaction
    -- holds anything a writer needs (the new table): a transaction that waits behind it in the lock queue is a soft
    -- wait, which PostgreSQL's deadlock check resolves by letting that transaction go first.
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent || '_default');
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved',
                   parent || '_default', col, lo, col, hi, name);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, lo, hi);
    RETURN true;
END $$;

-- Moves every row of the default partition of parent into its month's partition. Returns the rows moved.
CREATE FUNCTION tw_split_default(parent text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    col   text := CASE parent WHEN 'readings' THEN 'observed_at' ELSE 'at' END;
    m     date;
    moved bigint := 0;
    n     bigint;
BEGIN
    FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''Asia/Shanghai'')::date FROM %I',
                            col, parent || '_default') LOOP
        EXECUTE format('SELECT count(*) FROM %I WHERE date_trunc(''month'', %I AT TIME ZONE ''Asia/Shanghai'')::date = %L',
                       parent || '_default', col, m) INTO n;
        IF NOT tw_ensure_partition(parent, m) THEN
            -- The partition exists yet rows sit in the default (cannot happen: attaching checks the default).
            RAISE EXCEPTION 'partition % exists beside % rows of its month in %_default', tw_partition_name(parent, m), n, parent;
        END IF;
        moved := moved + n;
    END LOOP;
    RETURN moved;
END $$;

CREATE TABLE series (
    id        int  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY CHECK (id BETWEEN 1 AND 4194303),
    subject   text NOT NULL,
    indicator text NOT NULL,
    unit      text NOT NULL,
    UNIQUE (subject, indicator)
);
CREATE INDEX series_indicator ON series (indicator);

CREATE TABLE ingest_batches (
    id           bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    received_at  timestamptz NOT NULL,
    submitted_by bigint,
    source       text,
    UNIQUE NULLS NOT DISTINCT (received_at, submitted_by, source)
);

-- The V1 table is kept under another name until its rows are copied.
ALTER TABLE readings RENAME TO readings_v12;
ALTER TABLE readings_v12 RENAME CONSTRAINT readings_key TO readings_v12_key;
ALTER INDEX readings_pkey RENAME TO readings_v12_pkey;

-- Columns in this order pack a row into 30 bytes of data (no padding).
CREATE TABLE readings (
    observed_at timestamptz      NOT NULL,
    value       double precision NOT NULL,
    batch       bigint           NOT NULL,
    series      int              NOT NULL,
    revision    int              NOT NULL CHECK (revision BETWEEN 1 AND 255),
    CONSTRAINT readings_key PRIMARY KEY (series, observed_at, revision) WITH (fillfactor = 100)
) PARTITION BY RANGE (observed_at);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

-- Every reading with its subject, indicator, unit, source and receipt, as the API shows it. The batch join is
-- removed by the planner from queries that use none of its columns.
CREATE VIEW readings_full AS
SELECT reading_id(r.series, r.observed_at, r.revision) AS id, s.indicator, s.subject, r.observed_at, r.value,
       s.unit, b.source, r.revision, b.received_at, b.submitted_by, r.series
FROM readings r
JOIN series s ON s.id = r.series
LEFT JOIN ingest_batches b ON b.id = r.batch;

DO $$
DECLARE
    bad bigint;
    m   date;
BEGIN
    SELECT count(*) INTO bad FROM readings_v12 WHERE observed_at <> date_trunc('second', observed_at);
    IF bad > 0 THEN
        RAISE EXCEPTION 'V13: % readings have fractional seconds in observed_at; a reading id holds whole seconds', bad;
    END IF;
    SELECT count(*) INTO bad FROM readings_v12 WHERE revision > 255;
    IF bad > 0 THEN
        RAISE EXCEPTION 'V13: % readings have a revision above 255', bad;
    END IF;
    FOR m IN SELECT DISTINCT date_trunc('month', observed_at AT TIME ZONE 'Asia/Shanghai')::date FROM readings_v12 LOOP
        PERFORM tw_ensure_partition('readings', m);
    END LOOP;
END $$;

INSERT INTO series (subject, indicator, unit)
SELECT DISTINCT ON (subject, indicator) subject, indicator, unit
FROM readings_v12 ORDER BY subject, indicator, observed_at DESC, revision DESC;

INSERT INTO ingest_batches (received_at, submitted_by, source)
SELECT DISTINCT date_trunc('second', received_at), submitted_by, source FROM readings_v12;

CREATE TEMPORARY TABLE reading_id_map AS
SELECT r.id AS old_id, reading_id(s.id, r.observed_at, r.revision) AS new_id, s.id AS series, r.observed_at,
       r.value, r.revision, b.id AS batch
FROM readings_v12 r
JOIN series s ON s.subject = r.subject AND s.indicator = r.indicator
JOIN ingest_batches b ON b.received_at = date_trunc('second', r.received_at)
 AND b.submitted_by IS NOT DISTINCT FROM r.submitted_by AND b.source IS NOT DISTINCT FROM r.source;
CREATE UNIQUE INDEX ON reading_id_map (old_id);

INSERT INTO readings (observed_at, value, batch, series, revision)
SELECT observed_at, value, batch, series, revision FROM reading_id_map ORDER BY series, observed_at, revision;

DO $$
DECLARE
    before bigint;
    after  bigint;
BEGIN
    SELECT count(*) INTO before FROM readings_v12;
    SELECT count(*) INTO after FROM readings;
    IF before <> after THEN
        RAISE EXCEPTION 'V13: % readings before, % after', before, after;
    END IF;
END $$;

-- What referenced readings by their old ids now holds their new ids, in the same order.
CREATE FUNCTION pg_temp.new_ids(old bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT array_agg(coalesce(m.new_id, u.id) ORDER BY u.ord)
    FROM unnest(old) WITH ORDINALITY AS u(id, ord) LEFT JOIN reading_id_map m ON m.old_id = u.id $$;

UPDATE alerts SET reading_ids = coalesce(pg_temp.new_ids(reading_ids), '{}') WHERE cardinality(reading_ids) > 0;
UPDATE alerts SET clearing_reading_ids = coalesce(pg_temp.new_ids(clearing_reading_ids), '{}')
 WHERE cardinality(clearing_reading_ids) > 0;

-- Rule hits, partitioned by the time of the hit.
ALTER TABLE rule_hits RENAME TO rule_hits_v12;
ALTER INDEX rule_hits_pkey RENAME TO rule_hits_v12_pkey;
DROP INDEX rule_hits_rule_at, rule_hits_subject_at, rule_hits_at;
CREATE TABLE rule_hits (
    id              bigint           NOT NULL DEFAULT nextval('rule_hits_id_seq'),
    at              timestamptz      NOT NULL,
    rule            text             NOT NULL,
    ruleset_version text             NOT NULL,
    subject         text             NOT NULL,
    indicator       text             NOT NULL,
    period          text             NOT NULL,
    value           double precision NOT NULL,
    threshold       jsonb            NOT NULL,
    facts           jsonb            NOT NULL,
    reading_ids     bigint[]         NOT NULL,
    caused          text             NOT NULL,
    alert_id        bigint           REFERENCES alerts (id),
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE rule_hits_id_seq OWNED BY rule_hits.id;
CREATE TABLE rule_hits_default PARTITION OF rule_hits DEFAULT;
CREATE INDEX rule_hits_rule_at ON rule_hits (rule, at);
CREATE INDEX rule_hits_subject_at ON rule_hits (subject, at);
CREATE INDEX rule_hits_at ON rule_hits (at);
CREATE INDEX rule_hits_alert ON rule_hits (alert_id) WHERE alert_id IS NOT NULL;

SELECT tw_ensure_partition('rule_hits', m)
FROM (SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'Asia/Shanghai')::date AS m FROM rule_hits_v12) AS months;
INSERT INTO rule_hits (id, at, rule, ruleset_version, subject, indicator, period, value, threshold, facts,
                       reading_ids, caused, alert_id)
SELECT id, at, rule, ruleset_version, subject, indicator, period, value, threshold, facts,
       coalesce(pg_temp.new_ids(reading_ids), '{}'), caused, alert_id
FROM rule_hits_v12;
DROP TABLE rule_hits_v12;

-- Alert events, partitioned by the time of the event. The outbox keeps the event id (no foreign key: a key into a
-- partitioned table must include its partition key).
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_fkey;
ALTER TABLE alert_events RENAME TO alert_events_v12;
ALTER INDEX alert_events_pkey RENAME TO alert_events_v12_pkey;
DROP INDEX alert_events_alert;
CREATE TABLE alert_events (
    id          bigint      NOT NULL DEFAULT nextval('alert_events_id_seq'),
    alert_id    bigint      NOT NULL REFERENCES alerts (id),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    kind        text        NOT NULL,
    from_status text,
    to_status   text        NOT NULL,
    comment     text,
    value       double precision,
    reading_ids bigint[],
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE alert_events_id_seq OWNED BY alert_events.id;
CREATE TABLE alert_events_default PARTITION OF alert_events DEFAULT;
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);
CREATE INDEX alert_events_id ON alert_events (id);

SELECT tw_ensure_partition('alert_events', m)
FROM (SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'Asia/Shanghai')::date AS m FROM alert_events_v12) AS months;
INSERT INTO alert_events (id, alert_id, at, actor, kind, from_status, to_status, comment, value, reading_ids,
                          created_at)
SELECT id, alert_id, at, actor, kind, from_status, to_status, comment, value,
       CASE WHEN reading_ids IS NULL THEN NULL ELSE coalesce(pg_temp.new_ids(reading_ids), '{}') END, created_at
FROM alert_events_v12;
DROP TABLE alert_events_v12;

DROP TABLE readings_v12;
DROP TABLE reading_id_map;
