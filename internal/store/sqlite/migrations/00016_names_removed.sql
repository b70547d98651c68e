-- +goose Up
-- User agents and pages that no event names any more are removed, in the
-- transaction that erases or purges the last events naming them: they are
-- personal data, and an erasure or a purge must not leave them behind.
-- "Does any event still name it" is one probe of these indexes, not a scan
-- of the ledger under the write lock. Erased events name neither, so the
-- indexes leave them out.
CREATE INDEX events_agent ON events (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX events_page ON events (page_id) WHERE page_id IS NOT NULL;

-- How many times user agents or pages were removed. A writer keeps the
-- numbers of the strings it met in memory; it reads this with the head in
-- every batch and forgets them when it has changed, so that it never writes
-- the number of a removed row (SQLite may give that number to the next new
-- string; another process, a purge beside the server, may have removed it).
ALTER TABLE ledger_head ADD COLUMN names_removed INTEGER NOT NULL DEFAULT 0;

-- What erasures and purges before this left behind.
DELETE FROM agents WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.agent_id = agents.id);
DELETE FROM pages WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.page_id = pages.id);
UPDATE ledger_head SET names_removed = names_removed + 1;

-- +goose Down
ALTER TABLE ledger_head DROP COLUMN names_removed;
DROP INDEX events_page;
DROP INDEX events_agent;
