-- The alert board's default order: most severe first, then newest. An index on that order lets a page of it be read
-- without sorting every alert.
CREATE FUNCTION tw_severity_rank(severity text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE severity WHEN 'critical' THEN 4 WHEN 'major' THEN 3 WHEN 'warning' THEN 2
                               WHEN 'info' THEN 1 ELSE 0 END $$;
CREATE INDEX alerts_by_severity ON alerts (tw_severity_rank(severity) DESC, id DESC);
