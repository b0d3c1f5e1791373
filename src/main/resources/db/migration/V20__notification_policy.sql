-- Notification policy (config/routing.json): grouping, quiet hours, inhibition and repeats.
-- group_key: the office, receiver and groupBy values of a notification; pending rows of one group are sent as one
-- message. batch: the first row of the message a row was last handed out in (receivers' messages, not rows, are
-- counted against their rate limits). severity: the alert's (quiet hours hold back all but critical).
-- inhibited_by: the alert that inhibited this notification; such a row is closed (failed_at set) and never sent.
ALTER TABLE outbox ADD COLUMN group_key text;
ALTER TABLE outbox ADD COLUMN batch bigint;
ALTER TABLE outbox ADD COLUMN severity text;
ALTER TABLE outbox ADD COLUMN inhibited_by bigint;
CREATE INDEX outbox_group ON outbox (group_key)
    WHERE delivered_at IS NULL AND failed_at IS NULL AND group_key IS NOT NULL;

-- When each group's last message was delivered, and how long its next one must wait after that (groupInterval).
CREATE TABLE outbox_groups (
    group_key   text        PRIMARY KEY,
    interval_ms bigint      NOT NULL,
    flushed_at  timestamptz
);

-- When an open alert was last notified again to an office (repeatInterval): one row per alert and office, updated
-- conditionally so that several instances send one reminder.
CREATE TABLE alert_reminders (
    alert_id bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    office   text        NOT NULL,
    last_at  timestamptz NOT NULL,
    PRIMARY KEY (alert_id, office)
);
