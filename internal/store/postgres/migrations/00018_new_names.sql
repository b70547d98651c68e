-- +goose Up
-- A new user agent or page is stored before its batch's transaction, so
-- that the ledger head's lock is held for no more than the batch; a batch
-- that then failed, or a process that died before it committed, left the
-- string named by no event and known to no sweep. The writer now records
-- each string it stores as a candidate too, in the statement that stores
-- it, with the ledger's head when it did (after_seq: no event at or below
-- it can name a number made after it, so the sweep reads only the events
-- since), and the batch deletes the candidates of its strings in its own
-- transaction: only those of batches that never committed are left.
-- Erasures' and purges' candidates keep 0 (every event may name theirs).
ALTER TABLE names_pending ADD COLUMN IF NOT EXISTS after_seq bigint NOT NULL DEFAULT 0;

-- +goose Down
-- The candidates stay, each one read from the first event again.
ALTER TABLE names_pending DROP COLUMN IF EXISTS after_seq;
