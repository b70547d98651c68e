-- +goose NO TRANSACTION
-- +goose Up
-- An erasure or a purge batch records a user agent or page already pending
-- anew (its rows deleted, one inserted) instead of once more, so that a
-- purge leaves each number pending once, not once a batch that named it:
-- this index finds its rows. Built CONCURRENTLY, outside a transaction, so
-- erasures and purges go on meanwhile (a half-built one from an interrupted
-- run is dropped first). Rows pending twice already stay until a sweep.
DROP INDEX CONCURRENTLY IF EXISTS names_pending_name;
CREATE INDEX CONCURRENTLY names_pending_name ON names_pending (kind, name_id);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS names_pending_name;
