-- +goose Up
-- Nothing: the visitor rate limit's counts are shared through PostgreSQL
-- (its 00010_ratelimit); a SQLite file serves one instance, which keeps them
-- in memory. The number stays paired with PostgreSQL's.
SELECT 1;

-- +goose Down
SELECT 1;
