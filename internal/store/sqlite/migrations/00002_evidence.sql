-- +goose Up
-- The texts snapshot of each site revision in each language: what a visitor
-- deciding on that revision was shown. Stored when the revision is published
-- (a language added since gets its snapshot when first shown), never changed.
-- Events name a snapshot by hash; seq is the order of storing, over which
-- the ledger anchor's texts digest runs. A site revision and language may
-- hold more than one snapshot only from before this table (the translations
-- of a revision then changed with an upgrade): the first stored is the one
-- shown from now on.
CREATE TABLE snapshots (
    seq      INTEGER PRIMARY KEY,
    site_id  TEXT NOT NULL,
    revision INTEGER NOT NULL,
    lang     TEXT NOT NULL,
    hash     BLOB NOT NULL UNIQUE,
    body     BLOB NOT NULL
);
CREATE INDEX snapshots_revision ON snapshots (site_id, revision, lang, seq);

-- Texts stored before: each body names its own site, revision and language.
INSERT INTO snapshots (site_id, revision, lang, hash, body)
SELECT COALESCE(CASE WHEN json_valid(CAST(body AS TEXT)) THEN json_extract(CAST(body AS TEXT), '$.site') END, ''),
       COALESCE(CASE WHEN json_valid(CAST(body AS TEXT)) THEN json_extract(CAST(body AS TEXT), '$.revision') END, 0),
       COALESCE(CASE WHEN json_valid(CAST(body AS TEXT)) THEN json_extract(CAST(body AS TEXT), '$.lang') END, ''),
       hash, body
FROM texts ORDER BY 1, 2, 3, hash;
DROP TABLE texts;

-- Recent request IDs of consent posts (the snippet makes one per decision)
-- with the seq of the event each recorded, so that a retry answers the first
-- result and records nothing new. Pruned after a day, so they cost no
-- storage per event in the long run.
CREATE TABLE requests (
    seq INTEGER PRIMARY KEY,
    id  BLOB NOT NULL UNIQUE
);

-- +goose Down
DROP TABLE requests;
CREATE TABLE texts (
    hash BLOB PRIMARY KEY,
    body BLOB NOT NULL
) WITHOUT ROWID;
INSERT INTO texts (hash, body) SELECT hash, body FROM snapshots;
DROP TABLE snapshots;
