-- Issue 16: import jobs. An import is a job (jobs.id) with its own progress: the file is read into import_rows
-- (validated readings, one row each, keyed so that a file stating one hour twice is caught), the refused rows go
-- to import_errors, then the staged readings are applied station-day by station-day through the ingest path. The
-- cursor is the last station-day applied, so an interrupted import continues after it.
CREATE TABLE imports (
    id               uuid        PRIMARY KEY,
    file_name        text        NOT NULL,
    content_type     text        NOT NULL,
    params           jsonb       NOT NULL,
    path             text        NOT NULL,
    bytes            bigint      NOT NULL,
    created_by       text        NOT NULL,
    submitted_by     bigint,
    created_at       timestamptz NOT NULL,
    phase            text        NOT NULL DEFAULT 'queued'
                                 CHECK (phase IN ('queued', 'reading', 'applying', 'done', 'failed')),
    phase_started_at timestamptz,
    finished_at      timestamptz,
    bytes_read       bigint      NOT NULL DEFAULT 0,
    rows_read        bigint      NOT NULL DEFAULT 0,
    readings         bigint      NOT NULL DEFAULT 0,
    refused          bigint      NOT NULL DEFAULT 0,
    applied          bigint      NOT NULL DEFAULT 0,
    stored           bigint      NOT NULL DEFAULT 0,
    corrections      bigint      NOT NULL DEFAULT 0,
    unchanged        bigint      NOT NULL DEFAULT 0,
    cursor_subject   text,
    cursor_day       date,
    ignored_columns  jsonb       NOT NULL DEFAULT '[]',
    -- alert id -> {rule, severity, status, historical} of every alert the import opened, updated or resolved
    alerts           jsonb       NOT NULL DEFAULT '{}',
    error            text
);
CREATE INDEX imports_created ON imports (created_at);

CREATE TABLE import_rows (
    import      uuid             NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    subject     text             NOT NULL,
    day         date             NOT NULL, -- the local (Asia/Shanghai) day of observed_at
    indicator   text             NOT NULL,
    observed_at timestamptz      NOT NULL,
    value       double precision NOT NULL,
    flag        text,
    source      text,
    row         bigint           NOT NULL, -- the file's data row (0 = the first after the header)
    PRIMARY KEY (import, subject, day, indicator, observed_at)
);

CREATE TABLE import_errors (
    import uuid   NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq    bigint GENERATED ALWAYS AS IDENTITY,
    row    bigint,
    field  text,
    reason text   NOT NULL,
    PRIMARY KEY (import, seq)
);

-- One summary notification per import (no alert event behind it).
ALTER TABLE outbox ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE outbox ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN import_id uuid;
