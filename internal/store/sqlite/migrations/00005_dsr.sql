-- +goose Up
-- The log of data-subject requests, so that none is answered late (GDPR
-- Art. 12(3): within one month of receipt, extendable once by up to two
-- months). received, due and answered_on are calendar days as entered,
-- counted from 1970-01-01; the *_at columns are Unix microseconds, UTC.
-- consent_ids are the consent IDs the request concerns, space-separated.
-- (The table "requests" is something else: request IDs of retried consents.)
CREATE TABLE dsr_requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    received        INTEGER NOT NULL,
    due             INTEGER NOT NULL,
    reference       TEXT NOT NULL,
    consent_ids     TEXT NOT NULL,
    note            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    extended_months INTEGER NOT NULL DEFAULT 0,
    extend_reason   TEXT NOT NULL DEFAULT '',
    extended_at     INTEGER,
    extended_by     TEXT NOT NULL DEFAULT '',
    answered_on     INTEGER,
    outcome         TEXT NOT NULL DEFAULT '',
    answered_at     INTEGER,
    answered_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dsr_requests_open ON dsr_requests (due, id) WHERE answered_on IS NULL;
CREATE INDEX dsr_requests_answered ON dsr_requests (answered_at, id) WHERE answered_on IS NOT NULL;

-- +goose Down
DROP TABLE dsr_requests;
