-- Issue 16: the HJ 212 data flag of a reading that is not a valid value (F 停运, M 维护, S 手工, D 故障, C 校准,
-- T 超测上限, B 通讯异常); NULL for a valid one (N). A NULL costs no space: the row's null bitmap fits in the
-- padding of its header, so unflagged rows stay 60 bytes. Adding a column without a default rewrites nothing.
ALTER TABLE readings ADD COLUMN flag text CHECK (flag IN ('F', 'M', 'S', 'D', 'C', 'T', 'B'));

CREATE OR REPLACE VIEW readings_full AS
SELECT reading_id(r.series, r.observed_at, r.revision) AS id, s.indicator, s.subject, r.observed_at, r.value,
       s.unit, b.source, r.revision, b.received_at, b.submitted_by, r.series, r.flag
FROM readings r
JOIN series s ON s.id = r.series
LEFT JOIN ingest_batches b ON b.id = r.batch;
