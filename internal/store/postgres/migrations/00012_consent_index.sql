-- +goose Up
-- SQLite's 00012 makes its events_consent index partial (only events whose
-- consent ID is not their own ID); PostgreSQL keeps its index whole: its
-- ingest is bound by round trips, not by SQLite's B-tree work. Nothing to do.
SELECT 1;

-- +goose Down
SELECT 1;
