-- A candidate ruleset staged by an admin for review and backtest (at most one at a time). Its files are stored in
-- rulesets like any loaded version (origin 'staged'), so the ruleset diff shows them; it never runs live.
ALTER TABLE rulesets ADD COLUMN origin text NOT NULL DEFAULT 'loaded' CHECK (origin IN ('loaded', 'staged'));

CREATE TABLE staged_ruleset (
    slot         int         PRIMARY KEY DEFAULT 1 CHECK (slot = 1),
    version      text        NOT NULL REFERENCES rulesets (version),
    base_version text        NOT NULL,
    staged_by    text        NOT NULL,
    staged_at    timestamptz NOT NULL
);
