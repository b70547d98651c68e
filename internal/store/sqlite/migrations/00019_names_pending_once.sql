-- +goose Up
-- As PostgreSQL's 00019: an erasure or a purge batch records a user agent
-- or page already pending anew (its rows deleted, one inserted) instead of
-- once more, so that a purge leaves each number pending once, not once a
-- batch that named it: this index finds its rows. Rows pending twice
-- already stay until a sweep.
CREATE INDEX names_pending_name ON names_pending (kind, name_id);

-- +goose Down
DROP INDEX names_pending_name;
