package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/consentry/consentry/internal/consent"
)

const snapshotColumns = "seq, site_id, revision, lang, hash, body FROM snapshots"

func scanSnapshot(row interface{ Scan(...any) error }) (consent.Snapshot, error) {
	var (
		s    consent.Snapshot
		hash []byte
	)
	if err := row.Scan(&s.Seq, &s.Site, &s.Revision, &s.Lang, &hash, &s.Body); err != nil {
		return s, err
	}
	if len(hash) != 32 {
		return s, consent.Errorf(consent.EInvalid, "texts snapshot #%d has a hash of %d bytes", s.Seq, len(hash))
	}
	s.Hash = [32]byte(hash)
	return s, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func snapshotOf(ctx context.Context, q queryer, site string, rev int, lang string) (consent.Snapshot, error) {
	snap, err := scanSnapshot(q.QueryRowContext(ctx, "SELECT "+snapshotColumns+
		" WHERE site_id = ? AND revision = ? AND lang = ? ORDER BY seq LIMIT 1", site, rev, lang))
	if errors.Is(err, sql.ErrNoRows) {
		return snap, consent.Errorf(consent.ENotFound, "no texts snapshot of site %q revision %d in %s", site, rev, lang)
	}
	return snap, err
}

// Snapshot returns the texts snapshot of a site revision in one language.
func (s *Store) Snapshot(ctx context.Context, site string, rev int, lang string) (consent.Snapshot, error) {
	return snapshotOf(ctx, s.r, site, rev, lang)
}

// AddSnapshot stores snap unless its site revision and language have one.
func (s *Store) AddSnapshot(ctx context.Context, snap consent.Snapshot) (consent.Snapshot, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return snap, err
	}
	defer tx.Rollback()
	stored, err := addSnapshot(ctx, tx, snap)
	if err != nil {
		return stored, err
	}
	return stored, tx.Commit()
}

func addSnapshot(ctx context.Context, tx *sql.Tx, snap consent.Snapshot) (consent.Snapshot, error) {
	stored, err := snapshotOf(ctx, tx, snap.Site, snap.Revision, snap.Lang)
	if consent.ErrorCode(err) != consent.ENotFound {
		return stored, err
	}
	// The same body under another name cannot happen: a body names its own
	// site, revision and language.
	err = tx.QueryRowContext(ctx, `INSERT INTO snapshots (site_id, revision, lang, hash, body) VALUES (?, ?, ?, ?, ?)
		RETURNING seq`, snap.Site, snap.Revision, snap.Lang, snap.Hash[:], snap.Body).Scan(&snap.Seq)
	return snap, err
}

// Snapshots streams every stored snapshot in the order stored.
func (s *Store) Snapshots(ctx context.Context, fn func(consent.Snapshot) error) error {
	var after int64
	for {
		n := 0
		err := func() error {
			rows, err := s.r.QueryContext(ctx, "SELECT "+snapshotColumns+" WHERE seq > ? ORDER BY seq LIMIT 500", after)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				snap, err := scanSnapshot(rows)
				if err != nil {
					return err
				}
				n++
				after = snap.Seq
				if err := fn(snap); err != nil {
					return err
				}
			}
			return rows.Err()
		}()
		if err != nil || n == 0 {
			return err
		}
	}
}

// Configs streams every published revision's stored configuration with the
// hash stored beside it, by site and number, a page at a time.
func (s *Store) Configs(ctx context.Context, fn func(consent.PublishedConfig) error) error {
	var (
		site string
		rev  int
	)
	for {
		page, err := func() ([]consent.PublishedConfig, error) {
			rows, err := s.r.QueryContext(ctx, `SELECT site_id, number, config, hash FROM revisions
				WHERE site_id > ? OR (site_id = ? AND number > ?) ORDER BY site_id, number LIMIT 100`, site, site, rev)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var page []consent.PublishedConfig
			for rows.Next() {
				var (
					c    consent.PublishedConfig
					hash []byte
				)
				if err := rows.Scan(&c.Site, &c.Revision, &c.Config, &hash); err != nil {
					return nil, err
				}
				copy(c.Hash[:], hash)
				page = append(page, c)
			}
			return page, rows.Err()
		}()
		if err != nil || len(page) == 0 {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		site, rev = page[len(page)-1].Site, page[len(page)-1].Revision
	}
}
