-- The audit log: every change made through the API (all but readings and HJ 212 packets, which are data and are
-- stored with their batch), with who made it, when, from where and how it ended. Kept auditRetentionDays (365 by
-- default) and deleted after that by the server.
CREATE TABLE audit_log (
    id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL,
    actor    text        NOT NULL,
    actor_id bigint,
    role     text        NOT NULL,
    method   text        NOT NULL,
    path     text        NOT NULL,
    status   int         NOT NULL,
    remote   text,
    details  jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
