-- Bearer tokens. Only the SHA-256 of the secret is stored; the secret is shown once at creation.
CREATE TABLE api_tokens (
    id          bigserial PRIMARY KEY,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('officer', 'risk-office', 'supervisor', 'admin')),
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint      REFERENCES api_tokens (id),
    revoked_at  timestamptz
);

-- Readings. A correction is a new row with revision + 1; the revision in force is the highest one.
CREATE TABLE readings (
    id           bigserial        PRIMARY KEY,
    indicator    text             NOT NULL,
    subject      text             NOT NULL,
    observed_at  timestamptz      NOT NULL,
    value        double precision NOT NULL,
    unit         text             NOT NULL,
    source       text,
    revision     integer          NOT NULL CHECK (revision >= 1),
    received_at  timestamptz      NOT NULL DEFAULT now(),
    submitted_by bigint,
    CONSTRAINT readings_key UNIQUE (subject, indicator, observed_at, revision)
);
CREATE INDEX readings_indicator_time ON readings (indicator, observed_at);

-- Alerts. One active (unresolved) alert per fingerprint, enforced by the partial unique index.
CREATE TABLE alerts (
    id               bigserial        PRIMARY KEY,
    fingerprint      text             NOT NULL,
    rule             text             NOT NULL,
    category         text             NOT NULL,
    severity         text             NOT NULL,
    subject          text             NOT NULL,
    indicator        text             NOT NULL,
    period           text             NOT NULL,
    status           text             NOT NULL DEFAULT 'open',
    observed_value   double precision NOT NULL,
    threshold_id     text             NOT NULL,
    threshold_op     text             NOT NULL,
    threshold_value  double precision NOT NULL,
    threshold_unit   text             NOT NULL,
    threshold_status text             NOT NULL,
    source           text             NOT NULL,
    description      text             NOT NULL DEFAULT '',
    reading_ids      bigint[]         NOT NULL,
    ruleset_version  text             NOT NULL,
    hit_count        integer          NOT NULL DEFAULT 1,
    first_seen       timestamptz      NOT NULL DEFAULT now(),
    last_seen        timestamptz      NOT NULL DEFAULT now(),
    resolved_at      timestamptz
);
CREATE UNIQUE INDEX alerts_one_active_per_fingerprint ON alerts (fingerprint) WHERE resolved_at IS NULL;
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_subject ON alerts (subject, id);
