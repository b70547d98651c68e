package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// AddSession stores a new session and drops those past the absolute timeout.
func (s *Store) AddSession(ctx context.Context, sess auth.Session) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE started_at < ?`, micros(sess.Started.Add(-auth.AbsoluteTimeout))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, started_at, seen_at) VALUES (?, ?, ?, ?)`,
		sess.ID[:], sess.UserID, micros(sess.Started), micros(sess.Seen)); err != nil {
		return err
	}
	return tx.Commit()
}

// Session returns a session and its user in one query on the primary key.
func (s *Store) Session(ctx context.Context, id [32]byte) (auth.Session, *auth.User, error) {
	var (
		sess          auth.Session
		started, seen int64
	)
	cols := strings.Replace(userColumns, "SELECT id, email,", "SELECT u.id, u.email,", 1)
	cols = strings.Replace(cols, " FROM users", ", s.started_at, s.seen_at FROM sessions s JOIN users u ON u.id = s.user_id", 1)
	row := s.r.QueryRowContext(ctx, cols+" WHERE s.id = ?", id[:])
	u, err := scanUser(row, &started, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, nil, consent.Errorf(consent.ENotFound, "no such session")
	}
	if err != nil {
		return sess, nil, err
	}
	sess = auth.Session{ID: id, UserID: u.ID, Started: fromMicros(started), Seen: fromMicros(seen)}
	return sess, u, nil
}

// TouchSession records a session's last use.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET seen_at = ? WHERE id = ?`, micros(seen), id[:])
	return err
}

// EndSession ends one session.
func (s *Store) EndSession(ctx context.Context, id [32]byte) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id[:])
	return err
}

// EndSessions ends every session of a user.
func (s *Store) EndSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ThrottleStates returns the stored states of keys.
func (s *Store) ThrottleStates(ctx context.Context, keys ...string) (map[string]auth.ThrottleState, error) {
	out := map[string]auth.ThrottleState{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.r.QueryContext(ctx, `SELECT key, failures, until, forget_at FROM throttle WHERE key IN (?`+
		strings.Repeat(", ?", len(keys)-1)+`)`, args...)
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

// ThrottleFail records a failure in one write transaction: SQLite's write
// lock (BEGIN IMMEDIATE) makes the read-modify-write atomic across
// connections and processes.
func (s *Store) ThrottleFail(ctx context.Context, key string, now time.Time, b auth.Backoff) (auth.ThrottleState, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return auth.ThrottleState{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM throttle WHERE forget_at < ?`, micros(now)); err != nil {
		return auth.ThrottleState{}, err
	}
	var (
		st            auth.ThrottleState
		until, forget int64
	)
	err = tx.QueryRowContext(ctx, `SELECT failures, until, forget_at FROM throttle WHERE key = ?`, key).Scan(&st.Failures, &until, &forget)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return auth.ThrottleState{}, err
	}
	st.Until, st.Forget = fromMicrosOrZero(until), fromMicrosOrZero(forget)
	st = b.Fail(st, now)
	if err := upsertThrottle(ctx, tx, key, st); err != nil {
		return auth.ThrottleState{}, err
	}
	return st, tx.Commit()
}

// ThrottleSet stores or (for a zero state) removes a key.
func (s *Store) ThrottleSet(ctx context.Context, key string, st auth.ThrottleState) error {
	if st == (auth.ThrottleState{}) {
		_, err := s.w.ExecContext(ctx, `DELETE FROM throttle WHERE key = ?`, key)
		return err
	}
	return upsertThrottle(ctx, s.w, key, st)
}

func upsertThrottle(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, key string, st auth.ThrottleState) error {
	_, err := db.ExecContext(ctx, `INSERT INTO throttle (key, failures, until, forget_at) VALUES (?, ?, ?, ?)
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
