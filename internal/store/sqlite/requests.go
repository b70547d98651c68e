package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// AddRequest stores a new data-subject request and sets its ID.
func (s *Store) AddRequest(ctx context.Context, r *consent.SubjectRequest) error {
	return s.w.QueryRowContext(ctx, `INSERT INTO dsr_requests (kind, received, due, reference, consent_ids, note, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(r.Kind), consent.Day(r.Received), consent.Day(r.Due), r.Reference,
		joinIDs(r.ConsentIDs), r.Note, micros(r.CreatedAt), r.CreatedBy).Scan(&r.ID)
}

const requestColumns = `SELECT id, kind, received, due, reference, consent_ids, note, created_at, created_by,
	extended_months, extend_reason, extended_at, extended_by, answered_on, outcome, answered_at, answered_by FROM dsr_requests`

func scanRequest(row interface{ Scan(...any) error }) (*consent.SubjectRequest, error) {
	var (
		r                          consent.SubjectRequest
		kind, ids                  string
		received, due, created     int64
		months                     int
		reason, extBy, outcome, by string
		extAt, on, ansAt           sql.NullInt64
	)
	if err := row.Scan(&r.ID, &kind, &received, &due, &r.Reference, &ids, &r.Note, &created, &r.CreatedBy,
		&months, &reason, &extAt, &extBy, &on, &outcome, &ansAt, &by); err != nil {
		return nil, err
	}
	r.Kind, r.Received, r.Due, r.CreatedAt = consent.RequestKind(kind), consent.DayStart(received), consent.DayStart(due), fromMicros(created)
	var err error
	if r.ConsentIDs, err = splitIDs(ids); err != nil {
		return nil, err
	}
	if months > 0 {
		r.Extension = &consent.RequestExtension{Months: months, Reason: reason, At: fromMicros(extAt.Int64), By: extBy}
	}
	if on.Valid {
		r.Answer = &consent.RequestAnswer{On: consent.DayStart(on.Int64), Outcome: outcome, At: fromMicros(ansAt.Int64), By: by}
	}
	return &r, nil
}

func joinIDs(ids []uuid.UUID) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return strings.Join(out, " ")
}

func splitIDs(s string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, f := range strings.Fields(s) {
		id, err := uuid.Parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// Request returns one request by its ID.
func (s *Store) Request(ctx context.Context, id int64) (*consent.SubjectRequest, error) {
	r, err := scanRequest(s.r.QueryRowContext(ctx, requestColumns+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no request %d", id).Say("e_no_such_request", map[string]any{"N": id})
	}
	return r, err
}

func (s *Store) requests(ctx context.Context, query string, args ...any) ([]*consent.SubjectRequest, error) {
	rows, err := s.r.QueryContext(ctx, requestColumns+" "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*consent.SubjectRequest
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OpenRequests returns unanswered requests, soonest due first.
func (s *Store) OpenRequests(ctx context.Context, limit int) ([]*consent.SubjectRequest, error) {
	return s.requests(ctx, "WHERE answered_on IS NULL ORDER BY due, id LIMIT ?", limit)
}

// AnsweredRequests returns answered requests, the newest answer first.
func (s *Store) AnsweredRequests(ctx context.Context, limit int) ([]*consent.SubjectRequest, error) {
	return s.requests(ctx, "WHERE answered_on IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT ?", limit)
}

// RequestsAbout returns the requests naming a consent ID, newest first.
func (s *Store) RequestsAbout(ctx context.Context, consentID uuid.UUID) ([]*consent.SubjectRequest, error) {
	return s.requests(ctx, "WHERE consent_ids LIKE '%' || ? || '%' ORDER BY id DESC", consentID.String())
}

// AnswerRequest records the answer of an open request.
func (s *Store) AnswerRequest(ctx context.Context, id int64, a consent.RequestAnswer) error {
	res, err := s.w.ExecContext(ctx, `UPDATE dsr_requests SET answered_on = ?, outcome = ?, answered_at = ?, answered_by = ?
		WHERE id = ? AND answered_on IS NULL`, consent.Day(a.On), a.Outcome, micros(a.At), a.By, id)
	return s.changed(ctx, res, err, id, "answered already")
}

// ExtendRequest records the one extension of an open request.
func (s *Store) ExtendRequest(ctx context.Context, id int64, due time.Time, x consent.RequestExtension) error {
	res, err := s.w.ExecContext(ctx, `UPDATE dsr_requests SET due = ?, extended_months = ?, extend_reason = ?, extended_at = ?, extended_by = ?
		WHERE id = ? AND answered_on IS NULL AND extended_months = 0`, consent.Day(due), x.Months, x.Reason, micros(x.At), x.By, id)
	return s.changed(ctx, res, err, id, "answered or extended already")
}

// changed turns a conditional update that changed nothing into not-found or
// a refusal.
func (s *Store) changed(ctx context.Context, res sql.Result, err error, id int64, refused string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if _, err := s.Request(ctx, id); err != nil {
		return err
	}
	return consent.Errorf(consent.EUnprocessed, "request %d was %s", id, refused)
}

// RequestsDue counts open requests overdue and due within soon days.
func (s *Store) RequestsDue(ctx context.Context, today time.Time, soon int) (overdue, dueSoon int, err error) {
	d := consent.Day(today)
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE due < ?), COUNT(*) FILTER (WHERE due >= ?)
		FROM dsr_requests WHERE answered_on IS NULL AND due <= ?`, d, d, d+int64(soon)).Scan(&overdue, &dueSoon)
	return overdue, dueSoon, err
}
