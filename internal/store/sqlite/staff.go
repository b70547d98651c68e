package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// AddUser creates a user.
func (s *Store) AddUser(ctx context.Context, u *auth.User) error {
	err := s.w.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, lang, tz, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.Email, u.PasswordHash, string(u.Role), u.Lang, u.TZ, micros(u.CreatedAt)).Scan(&u.ID)
	if isUnique(err) {
		return consent.FieldError(consent.EInvalid, "email", "%s already has an account", u.Email).Say("e_email_taken", map[string]any{"Value": u.Email})
	}
	return err
}

const userColumns = "SELECT id, email, password_hash, role, lang, tz, created_at, disabled_at FROM users"

// scanUser reads userColumns, then any further columns into more.
func scanUser(row interface{ Scan(...any) error }, more ...any) (*auth.User, error) {
	var (
		u        auth.User
		role     string
		created  int64
		disabled sql.NullInt64
	)
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &role, &u.Lang, &u.TZ, &created, &disabled}, more...)...); err != nil {
		return nil, err
	}
	u.Role, u.CreatedAt, u.Disabled = auth.Role(role), fromMicros(created), disabled.Valid
	return &u, nil
}

func (s *Store) user(ctx context.Context, where string, arg any) (*auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, userColumns+" WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no such user").Say("e_no_such_user", nil)
	}
	return u, err
}

// User returns a user by ID.
func (s *Store) User(ctx context.Context, id int64) (*auth.User, error) {
	return s.user(ctx, "id = ?", id)
}

// UserByEmail returns a user by email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return s.user(ctx, "email = ?", strings.TrimSpace(email))
}

// Users returns every user by email.
func (s *Store) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := s.r.QueryContext(ctx, userColumns+" ORDER BY email")
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
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var oldHash string
	if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&oldHash); errors.Is(err, sql.ErrNoRows) {
		return consent.Errorf(consent.ENotFound, "no such user").Say("e_no_such_user", nil)
	} else if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, role = ?, lang = ?, tz = ?,
		disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, ?) END WHERE id = ?`,
		u.PasswordHash, string(u.Role), u.Lang, u.TZ, u.Disabled, micros(time.Now()), u.ID); err != nil {
		return err
	}
	if u.PasswordHash != oldHash || u.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Audit appends an entry to the audit trail.
func (s *Store) Audit(ctx context.Context, e auth.AuditEntry) error {
	return insertAudit(ctx, s.w, e.Clipped())
}

func insertAudit(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, e auth.AuditEntry) error {
	words, err := e.WordsJSON()
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO audit (time, actor, action, target, detail, words, ip, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		micros(e.Time), e.Actor, e.Action, e.Target, e.Detail, words, e.IP, e.Count)
	return err
}

// AuditRepeat counts e into the newest matching entry since since, or
// appends it. The lookup is one probe of the audit_repeat index.
func (s *Store) AuditRepeat(ctx context.Context, e auth.AuditEntry, since time.Time) error {
	e = e.Clipped()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var (
		seq   int64
		actor string
		last  int64
	)
	err = tx.QueryRowContext(ctx, `SELECT seq, actor, COALESCE(last_time, time) FROM audit
		WHERE action = ? AND target = ? AND ip = ? ORDER BY seq DESC LIMIT 1`, e.Action, e.Target, e.IP).Scan(&seq, &actor, &last)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && (actor != e.Actor || last < micros(since)):
		err = insertAudit(ctx, tx, e)
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE audit SET count = count + 1, last_time = MAX(COALESCE(last_time, time), ?) WHERE seq = ?`, micros(e.Time), seq)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// AuditLog returns a page of the audit trail, newest first.
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]auth.AuditEntry, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT seq, time, actor, action, target, detail, words, ip, count, COALESCE(last_time, time) FROM audit
		WHERE seq < ? ORDER BY seq DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.AuditEntry
	for rows.Next() {
		var (
			e       auth.AuditEntry
			t, last int64
			words   sql.NullString
		)
		if err := rows.Scan(&e.Seq, &t, &e.Actor, &e.Action, &e.Target, &e.Detail, &words, &e.IP, &e.Count, &last); err != nil {
			return nil, err
		}
		e.Time, e.Last = fromMicros(t), fromMicros(last)
		if words.Valid {
			if e.Words, err = auth.ParseWords(&words.String); err != nil {
				return nil, fmt.Errorf("audit entry #%d: %w", e.Seq, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
