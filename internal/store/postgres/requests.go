package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AddRequest stores a new data-subject request and sets its ID.
func (s *Store) AddRequest(ctx context.Context, r *consent.SubjectRequest) error {
	return s.pool.QueryRow(ctx, `INSERT INTO dsr_requests (kind, received, due, reference, consent_ids, note, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, string(r.Kind), consent.Day(r.Received), consent.Day(r.Due), r.Reference,
		joinIDs(r.ConsentIDs), r.Note, micros(r.CreatedAt), r.CreatedBy).Scan(&r.ID)
}

const requestColumns = `SELECT id, kind, received, due, reference, consent_ids, note, created_at, created_by,
	extended_months, extend_reason, extended_at, extended_by, answered_on, outcome, answered_at, answered_by FROM dsr_requests`

func scanRequest(row pgx.Row) (*consent.SubjectRequest, error) {
	var (
		r                          consent.SubjectRequest
		kind, ids                  string
		received, due, created     int64
		months                     int
		reason, extBy, outcome, by string
		extAt, on, ansAt           *int64
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
		r.Extension = &consent.RequestExtension{Months: months, Reason: reason, By: extBy}
		if extAt != nil {
			r.Extension.At = fromMicros(*extAt)
		}
	}
	if on != nil {
		r.Answer = &consent.RequestAnswer{On: consent.DayStart(*on), Outcome: outcome, By: by}
		if ansAt != nil {
			r.Answer.At = fromMicros(*ansAt)
		}
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
	r, err := scanRequest(s.pool.QueryRow(ctx, requestColumns+" WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no request %d", id).Say("e_no_such_request", map[string]any{"N": id})
	}
	return r, err
}

func (s *Store) requests(ctx context.Context, query string, args ...any) ([]*consent.SubjectRequest, error) {
	rows, err := s.pool.Query(ctx, requestColumns+" "+query, args...)
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
	return s.requests(ctx, "WHERE answered_on IS NULL ORDER BY due, id LIMIT $1", limit)
}

// AnsweredRequests returns answered requests, the newest answer first.
func (s *Store) AnsweredRequests(ctx context.Context, limit int) ([]*consent.SubjectRequest, error) {
	return s.requests(ctx, "WHERE answered_on IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT $1", limit)
}

// RequestsAbout returns the requests naming a consent ID, newest first.
func (s *Store) RequestsAbout(ctx context.Context, consentID uuid.UUID) ([]*consent.SubjectRequest, error) {
	return s.requests(ctx, "WHERE consent_ids LIKE '%' || $1 || '%' ORDER BY id DESC", consentID.String())
}

// AnswerRequest records the answer of an open request.
func (s *Store) AnswerRequest(ctx context.Context, id int64, a consent.RequestAnswer) error {
	tag, err := s.pool.Exec(ctx, `UPDATE dsr_requests SET answered_on = $1, outcome = $2, answered_at = $3, answered_by = $4
		WHERE id = $5 AND answered_on IS NULL`, consent.Day(a.On), a.Outcome, micros(a.At), a.By, id)
	return s.changed(ctx, tag, err, id, "answered already")
}

// ExtendRequest records the one extension of an open request.
func (s *Store) ExtendRequest(ctx context.Context, id int64, due time.Time, x consent.RequestExtension) error {
	tag, err := s.pool.Exec(ctx, `UPDATE dsr_requests SET due = $1, extended_months = $2, extend_reason = $3, extended_at = $4, extended_by = $5
		WHERE id = $6 AND answered_on IS NULL AND extended_months = 0`, consent.Day(due), x.Months, x.Reason, micros(x.At), x.By, id)
	return s.changed(ctx, tag, err, id, "answered or extended already")
}

// changed turns a conditional update that changed nothing into not-found or
// a refusal.
func (s *Store) changed(ctx context.Context, tag pgconn.CommandTag, err error, id int64, refused string) error {
	if err != nil || tag.RowsAffected() == 1 {
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
	err = s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE due < $1), count(*) FILTER (WHERE due >= $1)
		FROM dsr_requests WHERE answered_on IS NULL AND due <= $2`, d, d+int64(soon)).Scan(&overdue, &dueSoon)
	return overdue, dueSoon, err
}
