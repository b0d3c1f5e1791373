-- Alert lifecycle: pending → open → acknowledged → resolved (auto, manual or withdrawn), with every transition in
-- alert_events, and optimistic versioning of alerts.
ALTER TABLE alerts
    ADD COLUMN version              integer          NOT NULL DEFAULT 1,
    ADD COLUMN region               text             NOT NULL DEFAULT '',
    ADD COLUMN assignee             text,
    ADD COLUMN acknowledged_at      timestamptz,
    ADD COLUMN acknowledged_by      text,
    ADD COLUMN opened_at            timestamptz,
    ADD COLUMN resolution           text,
    ADD COLUMN resolved_by          text,
    ADD COLUMN resolve_reason       text,
    ADD COLUMN clearing_value       double precision,
    ADD COLUMN clearing_reading_ids bigint[],
    ADD COLUMN threshold_recovery   double precision,
    ADD COLUMN pending_evaluations  integer          NOT NULL DEFAULT 1,
    ADD COLUMN pending_seconds      integer          NOT NULL DEFAULT 0;
UPDATE alerts SET opened_at = first_seen WHERE status = 'open';
CREATE INDEX alerts_scope ON alerts (subject, indicator, period) WHERE resolved_at IS NULL;
CREATE INDEX alerts_fingerprint_history ON alerts (fingerprint, id);

CREATE TABLE alert_events (
    id          bigserial   PRIMARY KEY,
    alert_id    bigint      NOT NULL REFERENCES alerts (id),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    kind        text        NOT NULL,
    from_status text,
    to_status   text        NOT NULL,
    comment     text,
    value       double precision,
    reading_ids bigint[],
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);
