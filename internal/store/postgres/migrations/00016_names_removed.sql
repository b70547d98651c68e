-- +goose NO TRANSACTION
-- +goose Up
-- As SQLite's 00016: user agents and pages that no event names any more are
-- removed in the transaction that erases or purges the last events naming
-- them, and "does any event still name it" is one probe of these indexes.
-- Erased events name neither, so the indexes leave them out. Built
-- CONCURRENTLY, outside a transaction, so that instances go on appending
-- while they build; every step can run again after an interruption (a
-- half-built index from one is dropped first).
DROP INDEX CONCURRENTLY IF EXISTS events_agent;
CREATE INDEX CONCURRENTLY events_agent ON events (agent_id) WHERE agent_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS events_page;
CREATE INDEX CONCURRENTLY events_page ON events (page_id) WHERE page_id IS NOT NULL;

-- How many times user agents or pages were removed. Every instance keeps
-- the numbers of the strings it met in memory; it reads this with the head
-- under the head's lock, which a removal also takes, and forgets them and
-- stores its batch's strings again when it has changed, so that it never
-- writes the number of a row another instance removed.
ALTER TABLE ledger_head ADD COLUMN IF NOT EXISTS names_removed bigint NOT NULL DEFAULT 0;

-- What erasures and purges before this left behind, and the rows of
-- batches that failed after storing their strings.
DELETE FROM agents WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.agent_id = agents.id);
DELETE FROM pages WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.page_id = pages.id);
UPDATE ledger_head SET names_removed = names_removed + 1;

-- +goose Down
ALTER TABLE ledger_head DROP COLUMN IF EXISTS names_removed;
DROP INDEX CONCURRENTLY IF EXISTS events_page;
DROP INDEX CONCURRENTLY IF EXISTS events_agent;
