-- +goose Up
-- As SQLite's 00012: a new visitor's consent ID is its first event's ID, so
-- events_id already finds every first decision by its consent ID.
-- events_consent keeps only the others (a visitor's later decisions, and
-- consent IDs that name no event of their own), and a consent ID's events
-- are two probes (byConsent). Each first decision writes one index entry
-- fewer, inside the batch's transaction that holds the ledger head's lock.
DROP INDEX events_consent;
CREATE INDEX events_consent ON events (consent_id, seq) WHERE consent_id <> id;

-- +goose Down
DROP INDEX events_consent;
CREATE INDEX events_consent ON events (consent_id, seq);
