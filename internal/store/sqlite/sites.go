package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// Site returns a site as of its newest published revision.
func (s *Store) Site(ctx context.Context, id string) (*consent.Site, error) {
	var (
		rev    int
		config []byte
	)
	err := s.r.QueryRowContext(ctx, `SELECT number, config FROM revisions WHERE site_id = ?
		ORDER BY number DESC LIMIT 1`, id).Scan(&rev, &config)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no site %q", id)
	}
	if err != nil {
		return nil, err
	}
	var site consent.Site
	if err := json.Unmarshal(config, &site); err != nil {
		return nil, fmt.Errorf("site %q revision %d: %w", id, rev, err)
	}
	site.Revision = rev
	return &site, nil
}

// Publish freezes the configuration as the site's next revision.
func (s *Store) Publish(ctx context.Context, site *consent.Site) (int, error) {
	if err := site.Validate(); err != nil {
		return 0, err
	}
	config, err := json.Marshal(site)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(config)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := micros(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name`, site.ID, site.Name, now); err != nil {
		return 0, err
	}
	var rev int
	if err := tx.QueryRowContext(ctx, `INSERT INTO revisions (site_id, number, config, hash, published_at)
		SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ? FROM revisions WHERE site_id = ?
		RETURNING number`, site.ID, config, sum[:], now, site.ID).Scan(&rev); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	site.Revision = rev
	return rev, nil
}

// SiteList returns every site as of its newest revision.
func (s *Store) SiteList(ctx context.Context) ([]*consent.Site, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.site_id, r.number, r.config FROM revisions r
		WHERE r.number = (SELECT MAX(number) FROM revisions WHERE site_id = r.site_id) ORDER BY r.site_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*consent.Site
	for rows.Next() {
		var (
			id     string
			rev    int
			config []byte
		)
		if err := rows.Scan(&id, &rev, &config); err != nil {
			return nil, err
		}
		var site consent.Site
		if err := json.Unmarshal(config, &site); err != nil {
			return nil, fmt.Errorf("site %q revision %d: %w", id, rev, err)
		}
		site.Revision = rev
		out = append(out, &site)
	}
	return out, rows.Err()
}
