package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AddUser creates a user.
func (s *Store) AddUser(ctx context.Context, u *auth.User) error {
	err := s.pool.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, lang, tz, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Email, u.PasswordHash, string(u.Role), u.Lang, u.TZ, micros(u.CreatedAt)).Scan(&u.ID)
	if isUnique(err) {
		return consent.FieldError(consent.EInvalid, "email", "%s already has an account", u.Email).Say("e_email_taken", map[string]any{"Value": u.Email})
	}
	return err
}

const userColumns = "SELECT id, email, password_hash, role, lang, tz, created_at, disabled_at FROM users"

// scanUser reads userColumns, then any further columns into more.
func scanUser(row pgx.Row, more ...any) (*auth.User, error) {
	var (
		u        auth.User
		role     string
		created  int64
		disabled *int64
	)
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &role, &u.Lang, &u.TZ, &created, &disabled}, more...)...); err != nil {
		return nil, err
	}
	u.Role, u.CreatedAt, u.Disabled = auth.Role(role), fromMicros(created), disabled != nil
	return &u, nil
}

func (s *Store) user(ctx context.Context, where string, arg any) (*auth.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userColumns+" WHERE "+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no such user").Say("e_no_such_user", nil)
	}
	return u, err
}

// User returns a user by ID.
func (s *Store) User(ctx context.Context, id int64) (*auth.User, error) {
	return s.user(ctx, "id = $1", id)
}

// UserByEmail returns a user by email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return s.user(ctx, "lower(email) = lower($1)", strings.TrimSpace(email))
}

// Users returns every user by email.
func (s *Store) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := s.pool.Query(ctx, userColumns+" ORDER BY lower(email)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser saves a user's role, language, time zone, password and state;
// a new password or disabling the user ends their sessions in the same
// transaction.
func (s *Store) UpdateUser(ctx context.Context, u *auth.User) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var oldHash string
	if err := tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1 FOR UPDATE`, u.ID).Scan(&oldHash); errors.Is(err, pgx.ErrNoRows) {
		return consent.Errorf(consent.ENotFound, "no such user").Say("e_no_such_user", nil)
	} else if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1, role = $2, lang = $3, tz = $4,
		disabled_at = CASE WHEN $5 THEN COALESCE(disabled_at, $6) END WHERE id = $7`,
		u.PasswordHash, string(u.Role), u.Lang, u.TZ, u.Disabled, micros(time.Now()), u.ID); err != nil {
		return err
	}
	if u.PasswordHash != oldHash || u.Disabled {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// Audit appends an entry to the audit trail.
func (s *Store) Audit(ctx context.Context, e auth.AuditEntry) error {
	return insertAudit(ctx, s.pool, e.Clipped())
}

func insertAudit(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, e auth.AuditEntry) error {
	words, err := e.WordsJSON()
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO audit (time, actor, action, target, detail, words, ip, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		micros(e.Time), e.Actor, e.Action, e.Target, e.Detail, words, e.IP, e.Count)
	return err
}

// AuditRepeat counts e into the newest matching entry since since, or
// appends it. A transaction-scoped advisory lock on the entry's key keeps
// instances counting the same failure from appending one entry each; the
// lookup is one probe of the audit_repeat index.
func (s *Store) AuditRepeat(ctx context.Context, e auth.AuditEntry, since time.Time) error {
	e = e.Clipped()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, e.Action+"\n"+e.Target+"\n"+e.IP); err != nil {
		return err
	}
	var (
		seq   int64
		actor string
		last  int64
	)
	err = tx.QueryRow(ctx, `SELECT seq, actor, COALESCE(last_time, time) FROM audit
		WHERE action = $1 AND target = $2 AND ip = $3 ORDER BY seq DESC LIMIT 1`, e.Action, e.Target, e.IP).Scan(&seq, &actor, &last)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && (actor != e.Actor || last < micros(since)):
		err = insertAudit(ctx, tx, e)
	case err == nil:
		_, err = tx.Exec(ctx, `UPDATE audit SET count = count + 1, last_time = GREATEST(COALESCE(last_time, time), $1) WHERE seq = $2`, micros(e.Time), seq)
	}
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// AuditLog returns a page of the audit trail, newest first.
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]auth.AuditEntry, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, time, actor, action, target, detail, words, ip, count, COALESCE(last_time, time) FROM audit
		WHERE seq < $1 ORDER BY seq DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.AuditEntry
	for rows.Next() {
		var (
			e       auth.AuditEntry
			t, last int64
			words   *string
		)
		if err := rows.Scan(&e.Seq, &t, &e.Actor, &e.Action, &e.Target, &e.Detail, &words, &e.IP, &e.Count, &last); err != nil {
			return nil, err
		}
		e.Time, e.Last = fromMicros(t), fromMicros(last)
		if e.Words, err = auth.ParseWords(words); err != nil {
			return nil, fmt.Errorf("audit entry #%d: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
