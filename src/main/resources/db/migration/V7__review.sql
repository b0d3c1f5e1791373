-- Rule-hit audit: every rule firing, with the facts it matched, the threshold in force and what it caused.
CREATE TABLE rule_hits (
    id              bigserial        PRIMARY KEY,
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
    alert_id        bigint           REFERENCES alerts (id)
);
CREATE INDEX rule_hits_rule_at ON rule_hits (rule, at);
CREATE INDEX rule_hits_subject_at ON rule_hits (subject, at);
CREATE INDEX rule_hits_at ON rule_hits (at);

-- Ruleset versions: the content hash of rules/ with its files, stored when first loaded.
CREATE TABLE rulesets (
    version   text        PRIMARY KEY,
    loaded_at timestamptz NOT NULL,
    loaded_by text        NOT NULL,
    files     jsonb       NOT NULL
);

-- Supervisors' verdicts on hits and alerts.
CREATE TABLE annotations (
    id         bigserial   PRIMARY KEY,
    target     text        NOT NULL CHECK (target IN ('rule-hit', 'alert')),
    target_id  bigint      NOT NULL,
    verdict    text        NOT NULL CHECK (verdict IN ('confirmed', 'false-positive')),
    comment    text,
    author     text        NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX annotations_target ON annotations (target, target_id);

-- Four-eyes closing of critical alerts: a requested manual resolution awaiting a second supervisor.
ALTER TABLE alerts ADD COLUMN resolve_requested_by    text,
                   ADD COLUMN resolve_requested_by_id bigint,
                   ADD COLUMN resolve_requested_reason text,
                   ADD COLUMN resolve_requested_at    timestamptz;
