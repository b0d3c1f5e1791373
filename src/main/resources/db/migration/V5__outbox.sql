-- Transactional outbox: one row per notification (alert event × receiver), written in the transaction of the
-- alert change, delivered after commit with retries. A row is leased (claimed_until) by the instance delivering it.
CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    event_id        bigint      NOT NULL REFERENCES alert_events (id),
    alert_id        bigint      NOT NULL REFERENCES alerts (id),
    office          text        NOT NULL,
    receiver        text        NOT NULL,
    url             text        NOT NULL,
    idempotency_key text        NOT NULL UNIQUE,
    payload         jsonb       NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz,
    delivered_at    timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_alert ON outbox (alert_id, id);
