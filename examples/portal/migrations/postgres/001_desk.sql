-- The portal's desk on PostgreSQL. Instants are Unix nanoseconds (bigint),
-- as on SQLite, so one set of statements serves both. The SLA timeline's
-- records, outbox and deadline jobs are the slariver module's tables.

CREATE TABLE users (
    name          text PRIMARY KEY,
    role          text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    team          text NOT NULL DEFAULT '',
    password_hash text NOT NULL
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users (name),
    csrf       text NOT NULL,
    expires_at bigint NOT NULL
);

CREATE TABLE tickets (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('ticket', 'complaint')),
    subject      text NOT NULL,
    body         text NOT NULL,
    customer     text NOT NULL,
    priority     text NOT NULL,
    team         text NOT NULL,
    amount       bigint NOT NULL DEFAULT 0,
    state        text NOT NULL,
    owner        text NOT NULL DEFAULT '',
    open         bigint NOT NULL DEFAULT 1,
    due_at       bigint NOT NULL,
    level        bigint NOT NULL DEFAULT 0,
    status_token text NOT NULL UNIQUE,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);
CREATE INDEX tickets_queue ON tickets (due_at, id) WHERE open = 1;
CREATE INDEX tickets_mine ON tickets (owner, due_at, id) WHERE open = 1;
