-- +goose Up
-- A site, and the draft of its next revision (NULL when there is none).
CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    draft      BLOB
) WITHOUT ROWID;

-- A published revision is immutable: its configuration is frozen and hashed.
CREATE TABLE revisions (
    site_id      TEXT NOT NULL REFERENCES sites (id),
    number       INTEGER NOT NULL,
    config       BLOB NOT NULL,
    hash         BLOB NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, number)
) WITHOUT ROWID;

-- The exact texts a visitor was shown, stored once, addressed by SHA-256.
CREATE TABLE texts (
    hash BLOB PRIMARY KEY,
    body BLOB NOT NULL
) WITHOUT ROWID;

-- User agents repeat endlessly: each is stored once.
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    ua TEXT NOT NULL UNIQUE
);

-- The consent ledger: append-only; each row's hash chains it to the row
-- before it in seq order. Times are Unix microseconds, UTC.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    id           BLOB NOT NULL,
    consent_id   BLOB NOT NULL,
    site_id      TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    action       TEXT NOT NULL,
    granted      TEXT NOT NULL,
    source       TEXT NOT NULL,
    lang         TEXT NOT NULL,
    country      TEXT NOT NULL,
    rule         TEXT NOT NULL,
    flags        INTEGER NOT NULL,
    texts_hash   BLOB NOT NULL,
    time         INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    ip           TEXT,
    agent_id     INTEGER REFERENCES agents (id),
    page         TEXT,
    pii_salt     BLOB,
    pii_digest   BLOB NOT NULL,
    erased_at    INTEGER,
    erase_reason TEXT,
    hash         BLOB NOT NULL
);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_consent ON events (consent_id);
CREATE INDEX events_site ON events (site_id, seq);

-- The newest link of the chain, so that removing the newest events shows,
-- and its time: event times never go backwards in seq order.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL,
    time INTEGER NOT NULL
);

-- The first event of each UTC day (days since the Unix epoch): a date range
-- becomes a seq range, so the log needs no index on time.
CREATE TABLE days (
    day       INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL
);

-- Daily counts per site, kept in the same transaction as the events:
-- dim is action, granted, country or lang; key its value.
CREATE TABLE daily (
    site_id TEXT NOT NULL,
    day     INTEGER NOT NULL,
    dim     TEXT NOT NULL,
    key     TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, dim, key)
) WITHOUT ROWID;

-- Where the last incremental verification of the ledger stopped.
CREATE TABLE verified (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    verified_at INTEGER NOT NULL
);

-- Privacy staff who sign in to the console.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    lang          TEXT NOT NULL,
    tz            TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

-- What staff did: append-only.
CREATE TABLE audit (
    seq    INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip     TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit;
DROP TABLE users;
DROP TABLE verified;
DROP TABLE daily;
DROP TABLE days;
DROP TABLE ledger_head;
DROP TABLE events;
DROP TABLE agents;
DROP TABLE texts;
DROP TABLE revisions;
DROP TABLE sites;
