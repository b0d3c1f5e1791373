-- Daily air statistics per station and district: derived from readings, recomputed whenever an hourly reading
-- of the day changes (never edited by hand). One row per subject and calendar day (Asia/Shanghai).
CREATE TABLE air_daily (
    subject    text             NOT NULL,
    day        date             NOT NULL,
    kind       text             NOT NULL,
    valid      boolean          NOT NULL,
    aqi        integer,
    so2        double precision,
    no2        double precision,
    pm10       double precision,
    co         double precision,
    o3_1h      double precision,
    o3_8h      double precision,
    pm25       double precision,
    details    jsonb            NOT NULL,
    updated_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, day)
);
