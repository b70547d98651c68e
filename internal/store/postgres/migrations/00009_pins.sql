-- +goose Up
-- A purge is done once its last batch has committed and nothing will change
-- its record again: from then on a recorded head covers it (the head's
-- PURGES:DIGEST half, see package retention). Purges recorded before this
-- migration are done.
-- An integer, as on SQLite, so migrate-store copies it as it is.
ALTER TABLE purges ADD COLUMN done integer NOT NULL DEFAULT 0;
UPDATE purges SET done = 1;

-- +goose Down
ALTER TABLE purges DROP COLUMN done;
