-- Silences: matching alerts are recorded and visible but not notified while the silence is in force.
CREATE TABLE silences (
    id          bigserial   PRIMARY KEY,
    matchers    jsonb       NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    recurrence  jsonb,
    created_by  text        NOT NULL,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expired_at  timestamptz,
    expired_by  text,
    CHECK (ends_at > starts_at)
);

-- Escalation of unacknowledged alerts.
ALTER TABLE alerts ADD COLUMN escalation_level integer NOT NULL DEFAULT 0,
                   ADD COLUMN escalated_at     timestamptz;

-- The latest observation per subject and indicator, kept at ingest, for missing-data checks.
CREATE TABLE reporting_state (
    subject          text        NOT NULL,
    indicator        text        NOT NULL,
    last_observed_at timestamptz NOT NULL,
    last_received_at timestamptz NOT NULL,
    PRIMARY KEY (subject, indicator)
);
