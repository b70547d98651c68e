-- +goose Up
-- The same as SQLite's 00011_purge.sql: a purge that stopped before it
-- ended (killed, the database lost, an error or a cancel), closed as done
-- by the next purge, which holds the purge lock and so knows it is not
-- running. An integer, as on SQLite, so migrate-store copies it as it is.
ALTER TABLE purges ADD COLUMN interrupted integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE purges DROP COLUMN interrupted;
