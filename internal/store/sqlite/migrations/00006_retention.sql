-- +goose Up
-- Retention purges: one row per purge, written when it starts and brought
-- up to date by each batch in the same transaction as its deletes. site_id
-- is '' for a purge of every site; actor is cli, scheduler or a console
-- user's email. Times are Unix microseconds, UTC.
CREATE TABLE purges (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    actor       TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    cutoff      INTEGER NOT NULL,
    below_seq   INTEGER NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   BLOB NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    first_seq   INTEGER,
    last_seq    INTEGER,
    last_hash   BLOB
);

-- The runs of consecutive events purges removed, so that verify crosses
-- each hole: the event before first_seq must still hash to before_hash,
-- the event after last_seq chains to after_hash (the hash of the event at
-- last_seq). Adjacent runs are merged as they are recorded.
CREATE TABLE purged (
    first_seq   INTEGER PRIMARY KEY,
    last_seq    INTEGER NOT NULL UNIQUE,
    before_hash BLOB NOT NULL,
    after_hash  BLOB NOT NULL,
    purge_id    INTEGER NOT NULL REFERENCES purges (id)
);

-- +goose Down
DROP TABLE purged;
DROP TABLE purges;
