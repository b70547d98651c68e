-- +goose NO TRANSACTION
-- +goose Up
-- As SQLite's 00012: a new visitor's consent ID is its first event's ID, so
-- events_id already finds every first decision by its consent ID.
-- events_consent keeps only the others (a visitor's later decisions, and
-- consent IDs that name no event of their own), and a consent ID's events
-- are two probes (byConsent). Each first decision writes one index entry
-- fewer, inside the batch's transaction that holds the ledger head's lock.
-- Built CONCURRENTLY, outside a transaction, so that instances go on
-- appending while it builds; every step can run again after an
-- interruption (a half-built index from one is dropped first).
DROP INDEX CONCURRENTLY IF EXISTS events_consent_partial;
CREATE INDEX CONCURRENTLY events_consent_partial ON events (consent_id, seq) WHERE consent_id <> id;
DROP INDEX CONCURRENTLY IF EXISTS events_consent;
ALTER INDEX events_consent_partial RENAME TO events_consent;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS events_consent_whole;
CREATE INDEX CONCURRENTLY events_consent_whole ON events (consent_id, seq);
DROP INDEX CONCURRENTLY IF EXISTS events_consent;
ALTER INDEX events_consent_whole RENAME TO events_consent;
