-- A notification a receiver refused for good (a chat robot's bad signature or key) is marked failed and no longer
-- sent; it stays in the outbox, shown with its reason, never dropped. last_attempt_at records when a row was last
-- handed out, so that receivers' messages per minute can be counted when rows are claimed.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz;
ALTER TABLE outbox ADD COLUMN last_attempt_at timestamptz;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_recent ON outbox (receiver, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
