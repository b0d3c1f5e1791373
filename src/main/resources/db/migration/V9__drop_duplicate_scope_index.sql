-- V8's alerts_active_scope repeated V4's alerts_scope column for column (same partial predicate): every alert write
-- maintained two identical indexes. alerts_scope stays; it serves the ingest lookup of active alerts by scope.
DROP INDEX IF EXISTS alerts_active_scope;
