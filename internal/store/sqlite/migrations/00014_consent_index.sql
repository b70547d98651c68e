-- +goose Up
-- PostgreSQL's 00014 makes its events_consent index partial, as SQLite's
-- 00012 did here. Nothing to do.
SELECT 1;

-- +goose Down
SELECT 1;
