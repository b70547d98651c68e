package postgres

import (
	"context"
	"errors"

	"github.com/consentry/consentry/internal/consent"
	"github.com/jackc/pgx/v5"
)

const snapshotColumns = "seq, site_id, revision, lang, hash, body FROM snapshots"

func scanSnapshot(row pgx.Row) (consent.Snapshot, error) {
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

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func snapshotOf(ctx context.Context, q querier, site string, rev int, lang string) (consent.Snapshot, error) {
	snap, err := scanSnapshot(q.QueryRow(ctx, "SELECT "+snapshotColumns+
		" WHERE site_id = $1 AND revision = $2 AND lang = $3 ORDER BY seq LIMIT 1", site, rev, lang))
	if errors.Is(err, pgx.ErrNoRows) {
		return snap, consent.Errorf(consent.ENotFound, "no texts snapshot of site %q revision %d in %s", site, rev, lang)
	}
	return snap, err
}

// Snapshot returns the texts snapshot of a site revision in one language.
func (s *Store) Snapshot(ctx context.Context, site string, rev int, lang string) (consent.Snapshot, error) {
	return snapshotOf(ctx, s.pool, site, rev, lang)
}

// AddSnapshot stores snap unless its site revision and language have one.
// The site's row lock (publishing takes it too) makes instances that race
// to add the same language agree on the first.
func (s *Store) AddSnapshot(ctx context.Context, snap consent.Snapshot) (consent.Snapshot, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return snap, err
	}
	defer tx.Rollback(context.Background())
	var one int
	if err := tx.QueryRow(ctx, "SELECT 1 FROM sites WHERE id = $1 FOR UPDATE", snap.Site).Scan(&one); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return snap, consent.Errorf(consent.ENotFound, "no site %q", snap.Site)
		}
		return snap, err
	}
	stored, err := addSnapshot(ctx, tx, snap)
	if err != nil {
		return stored, err
	}
	return stored, tx.Commit(ctx)
}

func addSnapshot(ctx context.Context, tx pgx.Tx, snap consent.Snapshot) (consent.Snapshot, error) {
	stored, err := snapshotOf(ctx, tx, snap.Site, snap.Revision, snap.Lang)
	if consent.ErrorCode(err) != consent.ENotFound {
		return stored, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO snapshots (site_id, revision, lang, hash, body) VALUES ($1, $2, $3, $4, $5)
		RETURNING seq`, snap.Site, snap.Revision, snap.Lang, snap.Hash[:], snap.Body).Scan(&snap.Seq)
	return snap, err
}

// Snapshots streams every stored snapshot in the order stored.
func (s *Store) Snapshots(ctx context.Context, fn func(consent.Snapshot) error) error {
	var after int64
	for {
		rows, err := s.pool.Query(ctx, "SELECT "+snapshotColumns+" WHERE seq > $1 ORDER BY seq LIMIT 500", after)
		if err != nil {
			return err
		}
		var page []consent.Snapshot
		for rows.Next() {
			snap, err := scanSnapshot(rows)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, snap)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, snap := range page {
			if err := fn(snap); err != nil {
				return err
			}
		}
		after = page[len(page)-1].Seq
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
		rows, err := s.pool.Query(ctx, `SELECT site_id, number, config, hash FROM revisions
			WHERE (site_id, number) > ($1, $2) ORDER BY site_id, number LIMIT 100`, site, rev)
		if err != nil {
			return err
		}
		var page []consent.PublishedConfig
		for rows.Next() {
			var (
				c    consent.PublishedConfig
				hash []byte
			)
			if err := rows.Scan(&c.Site, &c.Revision, &c.Config, &hash); err != nil {
				rows.Close()
				return err
			}
			copy(c.Hash[:], hash)
			page = append(page, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(page) == 0 {
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
