package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
)

func decodeSite(id string, rev int, config []byte) (*consent.Site, error) {
	var site consent.Site
	if err := json.Unmarshal(config, &site); err != nil {
		return nil, fmt.Errorf("site %q revision %d: %w", id, rev, err)
	}
	site.Revision = rev
	catalog.InferOverrides(&site) // stored before overrides were kept
	return &site, nil
}

// Site returns a site as of its newest published revision.
func (s *Store) Site(ctx context.Context, id string) (*consent.Site, error) {
	return s.Revision(ctx, id, 0)
}

// Revision returns a site as of revision n; 0 means the newest.
func (s *Store) Revision(ctx context.Context, id string, n int) (*consent.Site, error) {
	var (
		rev          int
		config, hash []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT number, config, hash FROM revisions WHERE site_id = $1 AND ($2 = 0 OR number = $2)
		ORDER BY number DESC LIMIT 1`, id, n).Scan(&rev, &config, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		if n > 0 {
			return nil, consent.Errorf(consent.ENotFound, "site %q has no revision %d", id, n).
				Say("e_no_such_revision", map[string]any{"Site": id, "Revision": n})
		}
		return nil, consent.Errorf(consent.ENotFound, "no site %q", id).Say("e_no_such_site", map[string]any{"Site": id})
	}
	if err != nil {
		return nil, err
	}
	site, err := decodeSite(id, rev, config)
	if err != nil {
		return nil, err
	}
	copy(site.Frozen[:], hash)
	return site, nil
}

// Revisions lists a site's published revisions, newest first.
func (s *Store) Revisions(ctx context.Context, id string) ([]store.Revision, error) {
	rows, err := s.pool.Query(ctx, `SELECT number, published_at, hash, config FROM revisions WHERE site_id = $1 ORDER BY number DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Revision
	for rows.Next() {
		var (
			r            store.Revision
			at           int64
			hash, config []byte
		)
		if err := rows.Scan(&r.Number, &at, &hash, &config); err != nil {
			return nil, err
		}
		site, err := decodeSite(id, r.Number, config)
		if err != nil {
			return nil, err
		}
		r.PublishedAt, r.Hash, r.ChangeNote = fromMicros(at), [32]byte(hash), site.ChangeNote
		out = append(out, r)
	}
	return out, rows.Err()
}

// SiteList returns every site as of its newest revision, or its draft when
// it was never published.
func (s *Store) SiteList(ctx context.Context) ([]*consent.Site, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.id, COALESCE(r.number, 0), COALESCE(r.config, s.draft) FROM sites s
		LEFT JOIN revisions r ON r.site_id = s.id AND r.number = (SELECT MAX(number) FROM revisions WHERE site_id = s.id)
		ORDER BY s.id`)
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
		site, err := decodeSite(id, rev, config)
		if err != nil {
			return nil, err
		}
		out = append(out, site)
	}
	return out, rows.Err()
}

// Draft returns the draft of a site's next revision, or its newest revision.
func (s *Store) Draft(ctx context.Context, id string) (*consent.Site, error) {
	var draft []byte
	err := s.pool.QueryRow(ctx, "SELECT draft FROM sites WHERE id = $1", id).Scan(&draft)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no site %q", id).Say("e_no_such_site", map[string]any{"Site": id})
	}
	if err != nil {
		return nil, err
	}
	current, err := s.Site(ctx, id)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return nil, err
	}
	if draft == nil {
		return current, err
	}
	rev := 0
	if current != nil {
		rev = current.Revision
	}
	return decodeSite(id, rev, draft)
}

// SaveDraft stores the draft of a site's next revision.
func (s *Store) SaveDraft(ctx context.Context, site *consent.Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
	config, err := json.Marshal(site)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO sites (id, name, created_at, draft) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, draft = excluded.draft`, site.ID, site.Name, micros(time.Now()), config)
	return err
}

// Publish freezes the configuration as the site's next revision. The upsert
// of the site's row locks it until commit, so a publish of the same site
// from another instance waits, and its MAX(number) (a new snapshot per
// statement in READ COMMITTED) sees this revision: numbers never collide.
func (s *Store) Publish(ctx context.Context, site *consent.Site, texts func(*consent.Site) []consent.Snapshot) (int, error) {
	return s.PublishKeeping(ctx, site, texts, nil)
}

// PublishKeeping is Publish that stores draft as the site's draft in the
// same transaction, instead of discarding it.
func (s *Store) PublishKeeping(ctx context.Context, site *consent.Site, texts func(*consent.Site) []consent.Snapshot, draft *consent.Site) (int, error) {
	if err := site.ValidatePublish(); err != nil {
		return 0, err
	}
	config, err := json.Marshal(site)
	if err != nil {
		return 0, err
	}
	name, kept, err := store.KeptDraft(site, draft)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(config)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	now := micros(time.Now())
	if _, err := tx.Exec(ctx, `INSERT INTO sites (id, name, created_at, draft) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, draft = excluded.draft`, site.ID, name, now, kept); err != nil {
		return 0, err
	}
	var rev int
	if err := tx.QueryRow(ctx, `INSERT INTO revisions (site_id, number, config, hash, published_at)
		SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4 FROM revisions WHERE site_id = $1
		RETURNING number`, site.ID, config, sum[:], now).Scan(&rev); err != nil {
		return 0, err
	}
	before, frozen := site.Revision, site.Frozen
	site.Revision, site.Frozen = rev, sum
	if texts != nil {
		for _, snap := range texts(site) {
			if _, err := addSnapshot(ctx, tx, snap); err != nil {
				site.Revision, site.Frozen = before, frozen
				return 0, err
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		site.Revision, site.Frozen = before, frozen
		return 0, err
	}
	return rev, nil
}
