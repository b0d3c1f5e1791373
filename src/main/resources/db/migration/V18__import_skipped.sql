-- Rows of an import that are valid and hold nothing TargetWatch stores: an HJ 212 packet log's real-time (2011),
-- minute (2051) and daily (2031) packets, and packets of other commands. Counted, never refused.
ALTER TABLE imports ADD COLUMN skipped bigint NOT NULL DEFAULT 0;
