-- +goose Up
-- As PostgreSQL's 00018, where the writer records the user agents and pages
-- it stores before a batch's transaction as candidates with the ledger's
-- head when it did. SQLite stores them in the batch's own transaction, so a
-- failed batch leaves none and nothing records any here: every candidate
-- keeps 0 (every event may name it). The column keeps the two schemas one.
ALTER TABLE names_pending ADD COLUMN after_seq INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE names_pending DROP COLUMN after_seq;
