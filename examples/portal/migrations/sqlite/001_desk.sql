-- The portal's desk on SQLite. Instants are Unix nanoseconds (INTEGER).

-- Staff who log in; passwords are bcrypt hashes.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    team          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL
);

-- Server-side sessions, keyed by the SHA-256 of the cookie's token.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name),
    csrf       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Tickets and complaints: the columns the queue and pages read. Each
-- ticket's fsm snapshot and SLA timeline live in its sla_records row,
-- written in the same transaction.
CREATE TABLE tickets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('ticket', 'complaint')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    customer     TEXT NOT NULL,
    priority     TEXT NOT NULL,
    team         TEXT NOT NULL,
    amount       INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',
    open         INTEGER NOT NULL DEFAULT 1,
    due_at       INTEGER NOT NULL,          -- next SLA due instant; 9e18 when none runs
    level        INTEGER NOT NULL DEFAULT 0, -- warning level the timeline delivered (0-3)
    status_token TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- The queue reads open work by urgency from these, never the whole table.
CREATE INDEX tickets_queue ON tickets (due_at, id) WHERE open = 1;
CREATE INDEX tickets_mine ON tickets (owner, due_at, id) WHERE open = 1;

-- The SLA timeline's records (sla.Store): one per ticket, holding its
-- clocks and, as data, its fsm snapshot; next_at is its next deadline.
CREATE TABLE sla_records (
    namespace  TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    timeline   TEXT NOT NULL,
    data       TEXT,
    next_at    INTEGER,
    next_event TEXT,
    PRIMARY KEY (namespace, id)
);
CREATE INDEX sla_records_due ON sla_records (next_at) WHERE next_at IS NOT NULL;

-- Every delivered timeline event once, keyed by its stable id.
CREATE TABLE sla_outbox (
    event_id  TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    record_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    event     TEXT NOT NULL
);
