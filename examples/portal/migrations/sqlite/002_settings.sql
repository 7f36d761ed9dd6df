-- Versioned JSON documents: the calendars and the SLA policy (edited by
-- admins), and the state of the warning board, its obligations and the
-- incidents.
CREATE TABLE documents (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    value   TEXT NOT NULL
);

-- Survey answers (CSAT 1-5, NPS 0-10) and closed contacts, for the metrics
-- and the month-end statements.
CREATE TABLE surveys (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL,
    agent     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('csat', 'nps')),
    score     INTEGER NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX surveys_at ON surveys (at);

CREATE TABLE contacts (
    ticket_id         INTEGER PRIMARY KEY,
    agent             TEXT NOT NULL,
    at                INTEGER NOT NULL,
    first_response_ns INTEGER NOT NULL,
    handling_ns       INTEGER NOT NULL,
    fcr               INTEGER NOT NULL,
    fr_met            INTEGER NOT NULL,
    complaint         INTEGER NOT NULL
);
CREATE INDEX contacts_at ON contacts (at);
