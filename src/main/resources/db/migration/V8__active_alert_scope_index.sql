-- Active alerts by scope: every ingest transaction looks up (and locks) the active alerts of the scopes it evaluated
-- (subject, indicator, period). Without this index the lookup walks every alert the subject ever had.
CREATE INDEX alerts_active_scope ON alerts (subject, indicator, period) WHERE resolved_at IS NULL;
