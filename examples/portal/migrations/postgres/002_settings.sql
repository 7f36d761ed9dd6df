CREATE TABLE documents (
    name    text PRIMARY KEY,
    version bigint NOT NULL,
    value   text NOT NULL
);

CREATE TABLE surveys (
    id        bigserial PRIMARY KEY,
    ticket_id bigint NOT NULL,
    agent     text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('csat', 'nps')),
    score     bigint NOT NULL,
    at        bigint NOT NULL
);
CREATE INDEX surveys_at ON surveys (at);

CREATE TABLE contacts (
    ticket_id         bigint PRIMARY KEY,
    agent             text NOT NULL,
    at                bigint NOT NULL,
    first_response_ns bigint NOT NULL,
    handling_ns       bigint NOT NULL,
    fcr               bigint NOT NULL,
    fr_met            bigint NOT NULL,
    complaint         bigint NOT NULL
);
CREATE INDEX contacts_at ON contacts (at);
