-- Long-running jobs (backtests now, imports later), shared by every instance: leased like the outbox with
-- FOR UPDATE SKIP LOCKED; a job whose instance stopped renewing its lease is taken over or failed with a reason.
CREATE TABLE jobs (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    params         jsonb       NOT NULL,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL,
    instance       text,
    lease_until    timestamptz,
    attempts       int         NOT NULL DEFAULT 0,
    progress_done  bigint      NOT NULL DEFAULT 0,
    progress_total bigint      NOT NULL DEFAULT 0,
    started_at     timestamptz,
    finished_at    timestamptz,
    result         jsonb,
    error          jsonb
);
CREATE INDEX jobs_claimable ON jobs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
