-- +goose Up
-- A purge that stopped before it ended: its process was killed, or lost the
-- database, between two batches (its record is true to what it removed:
-- each batch updates it in the transaction that removes its events), or it
-- stopped on an error or a cancel. A killed purge cannot mark itself done;
-- the next purge, which holds the purge lock and so knows it is not
-- running, closes its record: done, and interrupted. A recorded head then
-- covers it (package retention, Pins).
ALTER TABLE purges ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE purges DROP COLUMN interrupted;
