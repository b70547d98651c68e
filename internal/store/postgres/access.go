package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/jackc/pgx/v5"
)

// AddSession stores a new session and drops those past the absolute timeout.
func (s *Store) AddSession(ctx context.Context, sess auth.Session) error {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM sessions WHERE started_at < $1`, micros(sess.Started.Add(-auth.AbsoluteTimeout)))
	batch.Queue(`INSERT INTO sessions (id, user_id, started_at, seen_at) VALUES ($1, $2, $3, $4)`,
		sess.ID[:], sess.UserID, micros(sess.Started), micros(sess.Seen))
	return s.pool.SendBatch(ctx, batch).Close()
}

// Session returns a session and its user in one query on the primary key.
func (s *Store) Session(ctx context.Context, id [32]byte) (auth.Session, *auth.User, error) {
	var started, seen int64
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT u.id, u.email, u.password_hash, u.role, u.lang, u.tz, u.created_at, u.disabled_at,
		s.started_at, s.seen_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, id[:]), &started, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.Session{}, nil, consent.Errorf(consent.ENotFound, "no such session")
	}
	if err != nil {
		return auth.Session{}, nil, err
	}
	return auth.Session{ID: id, UserID: u.ID, Started: fromMicros(started), Seen: fromMicros(seen)}, u, nil
}

// TouchSession records a session's last use.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET seen_at = $1 WHERE id = $2`, micros(seen), id[:])
	return err
}

// EndSession ends one session.
func (s *Store) EndSession(ctx context.Context, id [32]byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id[:])
	return err
}

// EndSessions ends every session of a user.
func (s *Store) EndSessions(ctx context.Context, userID int64) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return int(tag.RowsAffected()), err
}

// ThrottleStates returns the stored states of keys.
func (s *Store) ThrottleStates(ctx context.Context, keys ...string) (map[string]auth.ThrottleState, error) {
	out := map[string]auth.ThrottleState{}
	rows, err := s.pool.Query(ctx, `SELECT key, failures, until, forget_at FROM throttle WHERE key = ANY($1)`, keys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k             string
			st            auth.ThrottleState
			until, forget int64
		)
		if err := rows.Scan(&k, &st.Failures, &until, &forget); err != nil {
			return nil, err
		}
		st.Until, st.Forget = fromMicrosOrZero(until), fromMicrosOrZero(forget)
		out[k] = st
	}
	return out, rows.Err()
}

// ThrottleFail records a failure: the key's row is created if need be and
// locked (FOR UPDATE) for the read-modify-write, so failures counted by
// several instances at once all count.
func (s *Store) ThrottleFail(ctx context.Context, key string, now time.Time, b auth.Backoff) (auth.ThrottleState, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return auth.ThrottleState{}, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM throttle WHERE forget_at < $1 AND key <> $2`, micros(now), key); err != nil {
		return auth.ThrottleState{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO throttle (key, failures, until, forget_at) VALUES ($1, 0, 0, 0) ON CONFLICT (key) DO NOTHING`, key); err != nil {
		return auth.ThrottleState{}, err
	}
	var (
		st            auth.ThrottleState
		until, forget int64
	)
	if err := tx.QueryRow(ctx, `SELECT failures, until, forget_at FROM throttle WHERE key = $1 FOR UPDATE`, key).Scan(&st.Failures, &until, &forget); err != nil {
		return auth.ThrottleState{}, err
	}
	st.Until, st.Forget = fromMicrosOrZero(until), fromMicrosOrZero(forget)
	st = b.Fail(st, now)
	if _, err := tx.Exec(ctx, `UPDATE throttle SET failures = $2, until = $3, forget_at = $4 WHERE key = $1`,
		key, st.Failures, microsOrZero(st.Until), microsOrZero(st.Forget)); err != nil {
		return auth.ThrottleState{}, err
	}
	return st, tx.Commit(ctx)
}

// ThrottleSet stores or (for a zero state) removes a key.
func (s *Store) ThrottleSet(ctx context.Context, key string, st auth.ThrottleState) error {
	if st == (auth.ThrottleState{}) {
		_, err := s.pool.Exec(ctx, `DELETE FROM throttle WHERE key = $1`, key)
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO throttle (key, failures, until, forget_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, until = excluded.until, forget_at = excluded.forget_at`,
		key, st.Failures, microsOrZero(st.Until), microsOrZero(st.Forget))
	return err
}

// microsOrZero keeps the zero time as 0, so that it reads back as zero.
func microsOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

func fromMicrosOrZero(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return fromMicros(n)
}
