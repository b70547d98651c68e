-- +goose NO TRANSACTION
-- +goose Up
-- As SQLite's 00017: an erasure or a purge batch no longer probes
-- events_agent and events_page (every append paid for the two indexes): it
-- records the user agents and pages its events named here, and the sweep
-- (SweepNames) deletes those no event names, from one pass over the
-- events. Numbers only, no strings. The indexes are dropped CONCURRENTLY,
-- outside a transaction, so instances go on appending meanwhile; every
-- step can run again after an interruption.
CREATE TABLE IF NOT EXISTS names_pending (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind    smallint NOT NULL, -- 0 agents, 1 pages
    name_id bigint NOT NULL
);
DROP INDEX CONCURRENTLY IF EXISTS events_agent;
DROP INDEX CONCURRENTLY IF EXISTS events_page;

-- +goose Down
-- What is pending is deleted the way 00016 deleted it, with its indexes
-- (a half-built one from an interrupted run is dropped first).
DROP INDEX CONCURRENTLY IF EXISTS events_agent;
CREATE INDEX CONCURRENTLY events_agent ON events (agent_id) WHERE agent_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS events_page;
CREATE INDEX CONCURRENTLY events_page ON events (page_id) WHERE page_id IS NOT NULL;
DELETE FROM agents WHERE id IN (SELECT name_id FROM names_pending WHERE kind = 0)
    AND NOT EXISTS (SELECT 1 FROM events WHERE events.agent_id = agents.id);
DELETE FROM pages WHERE id IN (SELECT name_id FROM names_pending WHERE kind = 1)
    AND NOT EXISTS (SELECT 1 FROM events WHERE events.page_id = pages.id);
UPDATE ledger_head SET names_removed = names_removed + 1;
DROP TABLE IF EXISTS names_pending;
