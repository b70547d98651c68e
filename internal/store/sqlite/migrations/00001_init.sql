-- +goose Up
CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
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

-- The newest link of the chain, so that removing the newest events shows.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);

-- +goose Down
DROP TABLE ledger_head;
DROP TABLE events;
DROP TABLE agents;
DROP TABLE texts;
DROP TABLE revisions;
DROP TABLE sites;
