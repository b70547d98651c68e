-- +goose Up
-- Console sessions. The cookie carries a secret; a row is named by its
-- SHA-256, and deleting the row ends every copy of the cookie on every
-- instance. Times are Unix microseconds, UTC.
CREATE TABLE sessions (
    id         bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at bigint NOT NULL,
    seen_at    bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_started ON sessions (started_at);

-- The sign-in throttle, shared by every instance: failures in a row per key
-- (an address, an account, an address an account signed in from), blocked
-- until, dropped after.
CREATE TABLE throttle (
    key       text PRIMARY KEY,
    failures  integer NOT NULL,
    until     bigint NOT NULL,
    forget_at bigint NOT NULL
);
CREATE INDEX throttle_forget ON throttle (forget_at);

-- A repeated failure counts up one audit entry rather than adding one each
-- time; last_time is when it last happened (NULL: at time).
ALTER TABLE audit ADD COLUMN count integer NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN last_time bigint;
CREATE INDEX audit_repeat ON audit (action, target, ip, seq);

-- +goose Down
DROP INDEX audit_repeat;
ALTER TABLE audit DROP COLUMN last_time;
ALTER TABLE audit DROP COLUMN count;
DROP TABLE throttle;
DROP TABLE sessions;
