-- Records of the sqkit timeline: one row per record (a ticket's clocks and the
-- host's state saved with them), optimistic concurrency by version, and the
-- record's next deadline (the River job that fires it is unique by it).
CREATE TABLE sqkit_records (
    namespace  text        NOT NULL,
    id         text        NOT NULL,
    version    bigint      NOT NULL CHECK (version > 0),
    timeline   jsonb       NOT NULL,
    data       jsonb,
    next_at    timestamptz,
    next_event jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, id)
);

-- The outbox: every delivered event once, keyed by its stable id.
CREATE TABLE sqkit_outbox (
    event_id    text        PRIMARY KEY,
    namespace   text        NOT NULL,
    record_id   text        NOT NULL,
    kind        text        NOT NULL,
    at          timestamptz NOT NULL,
    event       jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sqkit_outbox_record ON sqkit_outbox (namespace, record_id, at);

-- Deadline jobs that could not fire their record (deleted, unreadable), so
-- that no deadline is dropped silently.
CREATE TABLE sqkit_skips (
    job_id     bigint      NOT NULL,
    namespace  text        NOT NULL,
    record_id  text        NOT NULL,
    event_id   text        NOT NULL,
    at         timestamptz NOT NULL,
    reason     text        NOT NULL,
    skipped_at timestamptz NOT NULL DEFAULT now()
);
