-- Issue 13 item 17: an accident alert's period is the accident's time in ISO-8601 with +08:00, as every other time
-- the API gives (it was Instant.toString(), UTC: 2023-05-01T02:00:00Z became 2023-05-01T10:00:00+08:00).
-- The fingerprint hashes the period (AlertService.fingerprint: SHA-256 over rule, subject, indicator and period,
-- each followed by a zero byte, first 32 hex digits), so it is recomputed with it; rule hits get the same period.
UPDATE alerts
   SET period = to_char(period::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00'
 WHERE indicator = 'SAFETY_ACCIDENT_GRADE' AND period ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$';

UPDATE alerts
   SET fingerprint = left(encode(sha256(convert_to(rule, 'UTF8') || '\x00'::bytea || convert_to(subject, 'UTF8')
                     || '\x00'::bytea || convert_to(indicator, 'UTF8') || '\x00'::bytea
                     || convert_to(period, 'UTF8') || '\x00'::bytea), 'hex'), 32)
 WHERE indicator = 'SAFETY_ACCIDENT_GRADE' AND period LIKE '%+08:00';

UPDATE rule_hits
   SET period = to_char(period::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00'
 WHERE indicator = 'SAFETY_ACCIDENT_GRADE' AND period ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$';
