-- +goose Up
-- A new visitor's consent ID is its first event's ID, so for most events
-- (every first decision) events_id already finds the event by its consent
-- ID. events_consent keeps only the others: a visitor's later decisions,
-- and consent IDs that name no event of their own. A consent ID's events are
-- the event whose ID and consent ID it is, from events_id, and these: two
-- probes. Each first decision writes one index entry fewer (ingest), and
-- the index holds a few per cent of the events instead of all.
DROP INDEX events_consent;
CREATE INDEX events_consent ON events (consent_id) WHERE consent_id <> id;

-- +goose Down
DROP INDEX events_consent;
CREATE INDEX events_consent ON events (consent_id);
