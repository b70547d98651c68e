-- +goose Up
-- An erasure or a purge batch no longer probes events_agent and events_page
-- for each user agent and page its events named (every event paid for the
-- two indexes as it was appended): it records them here, in its own
-- transaction, and the sweep (SweepNames) deletes those no event names,
-- from one pass over the events. AUTOINCREMENT: a row's number is never
-- given again, so a sweep deletes only the rows it read, even when another
-- process swept and new rows came meanwhile. Numbers only, no strings.
CREATE TABLE names_pending (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    INTEGER NOT NULL, -- 0 agents, 1 pages
    name_id INTEGER NOT NULL
);
DROP INDEX events_agent;
DROP INDEX events_page;

-- +goose Down
-- What is pending is deleted the way 00016 deleted it, with its indexes.
CREATE INDEX events_agent ON events (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX events_page ON events (page_id) WHERE page_id IS NOT NULL;
DELETE FROM agents WHERE id IN (SELECT name_id FROM names_pending WHERE kind = 0)
    AND NOT EXISTS (SELECT 1 FROM events WHERE events.agent_id = agents.id);
DELETE FROM pages WHERE id IN (SELECT name_id FROM names_pending WHERE kind = 1)
    AND NOT EXISTS (SELECT 1 FROM events WHERE events.page_id = pages.id);
UPDATE ledger_head SET names_removed = names_removed + 1;
DROP TABLE names_pending;
