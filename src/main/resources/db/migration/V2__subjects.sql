-- Registered subjects: the stations, river sections, water sources, villages and districts readings are about.
CREATE TABLE subjects (
    id         text        PRIMARY KEY,
    kind       text        NOT NULL,
    name       text        NOT NULL,
    region     text        NOT NULL DEFAULT '',
    settings   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subjects_kind ON subjects (kind);
