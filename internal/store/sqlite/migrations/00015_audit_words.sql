-- +goose Up
-- An audit entry's detail as a message of the console's catalogue and its
-- arguments (auth.Words, JSON), beside the English of detail, so that the
-- trail shows it in each staff member's language without reading the
-- English. NULL on the entries written before: the console reads their
-- English as it did (templates.LegacyAuditDetailWords).
ALTER TABLE audit ADD COLUMN words TEXT;

-- +goose Down
ALTER TABLE audit DROP COLUMN words;
