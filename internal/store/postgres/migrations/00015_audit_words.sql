-- +goose Up
-- As SQLite's 00015: an audit entry's detail as a message of the console's
-- catalogue and its arguments (auth.Words, JSON), beside the English of
-- detail. NULL on the entries written before, which the console reads as
-- it did. A nullable column without a default: no table rewrite.
ALTER TABLE audit ADD COLUMN words text;

-- +goose Down
ALTER TABLE audit DROP COLUMN words;
