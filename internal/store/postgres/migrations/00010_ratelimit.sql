-- +goose Up
-- The visitor rate limit's counts, shared by every instance on the database
-- (package ratelimit): how many decisions each client network made in each
-- 250 ms slot, summed over the instances. The key is the network as the
-- ledger stores addresses (IPv4 /24, IPv6 /48), never a whole address. Rows
-- live a few seconds (each instance's sync deletes the old slots), so the
-- table is UNLOGGED: no WAL for counts a crash may lose without harm (the
-- limit is then per instance for one window).
CREATE UNLOGGED TABLE rate_counts (
    key  text   NOT NULL,
    slot bigint NOT NULL,
    hits bigint NOT NULL,
    PRIMARY KEY (key, slot)
);
CREATE INDEX rate_counts_slot ON rate_counts (slot);

-- +goose Down
DROP TABLE rate_counts;
