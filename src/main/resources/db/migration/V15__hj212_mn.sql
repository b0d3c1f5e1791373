-- Issue 16: a data logger's HJ 212 MN names one subject. The listener finds the subject of a frame by its MN
-- through this index; a second subject with the same MN is refused (23505, answered 409).
CREATE UNIQUE INDEX subjects_hj212_mn ON subjects ((settings -> 'hj212' ->> 'mn'))
    WHERE settings ? 'hj212';
