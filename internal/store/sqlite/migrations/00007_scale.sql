-- +goose Up
-- What repeats across events is stored once, and an event names it by
-- number, as it already names its user agent:
-- - what a visitor was shown and what they chose: the few thousand
--   combinations of revision, action, grants, source, language, country,
--   rule and texts that occur (about 86 bytes of an event's 300);
-- - the page it was made on (origin and path, often 40 to 80 bytes).
-- The ledger still chains over the values themselves (package ledger), read
-- back through the numbers. Erasing an event's personal fields drops its
-- page number; the page row stays, naming nobody. No foreign keys from
-- events: the writer stores what an event names before the event, these
-- rows are never deleted, and a key check per event is work on every write.
CREATE TABLE choices (
    id         INTEGER PRIMARY KEY,
    revision   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    granted    TEXT NOT NULL,
    source     TEXT NOT NULL,
    lang       TEXT NOT NULL,
    country    TEXT NOT NULL,
    rule       TEXT NOT NULL,
    texts_hash BLOB NOT NULL,
    UNIQUE (texts_hash, revision, action, granted, source, lang, country, rule)
);
INSERT INTO choices (revision, action, granted, source, lang, country, rule, texts_hash)
SELECT DISTINCT revision, action, granted, source, lang, country, rule, texts_hash FROM events;

CREATE TABLE pages (
    id  INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE
);
INSERT INTO pages (url) SELECT DISTINCT page FROM events WHERE page IS NOT NULL AND page <> '';

-- The events move to a table of the new shape, in seq order (this rewrites
-- the file's ledger once: minutes for millions of events).
CREATE TABLE events_new (
    seq          INTEGER PRIMARY KEY,
    id           BLOB NOT NULL,
    consent_id   BLOB NOT NULL,
    site_id      TEXT NOT NULL,
    choice_id    INTEGER NOT NULL,
    flags        INTEGER NOT NULL,
    time         INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    ip           TEXT,
    agent_id     INTEGER,
    page_id      INTEGER,
    pii_salt     BLOB,
    pii_digest   BLOB NOT NULL,
    erased_at    INTEGER,
    erase_reason TEXT,
    hash         BLOB NOT NULL
);
INSERT INTO events_new (seq, id, consent_id, site_id, choice_id, flags, time, expires, ip, agent_id, page_id,
    pii_salt, pii_digest, erased_at, erase_reason, hash)
SELECT e.seq, e.id, e.consent_id, e.site_id, c.id, e.flags, e.time, e.expires, e.ip, e.agent_id, p.id,
    e.pii_salt, e.pii_digest, e.erased_at, e.erase_reason, e.hash
FROM events e JOIN choices c ON c.texts_hash = e.texts_hash AND c.revision = e.revision AND c.action = e.action
    AND c.granted = e.granted AND c.source = e.source AND c.lang = e.lang AND c.country = e.country AND c.rule = e.rule
    LEFT JOIN pages p ON p.url = e.page
ORDER BY e.seq;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_consent ON events (consent_id);
CREATE INDEX events_site ON events (site_id, seq);

-- +goose Down
CREATE TABLE events_old (
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
INSERT INTO events_old
SELECT e.seq, e.id, e.consent_id, e.site_id, c.revision, c.action, c.granted, c.source, c.lang, c.country, c.rule,
    e.flags, c.texts_hash, e.time, e.expires, e.ip, e.agent_id, p.url, e.pii_salt, e.pii_digest, e.erased_at,
    e.erase_reason, e.hash
FROM events e JOIN choices c ON c.id = e.choice_id LEFT JOIN pages p ON p.id = e.page_id ORDER BY e.seq;
DROP TABLE events;
ALTER TABLE events_old RENAME TO events;
CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_consent ON events (consent_id);
CREATE INDEX events_site ON events (site_id, seq);
DROP TABLE pages;
DROP TABLE choices;
