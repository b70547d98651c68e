package sqlite

import (
	"context"

	"github.com/consentry/consentry/internal/store"
)

// AddRefusals adds counts of one hour, trims each site's origins in that
// hour to store.MaxRefusedOrigins and forgets old hours, in one
// transaction on the writer's connection.
func (s *Store) AddRefusals(ctx context.Context, hour int64, counts []store.Refusal, forget int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM refusals WHERE hour < ?`, forget); err != nil {
		return err
	}
	sites := map[string]bool{}
	for _, c := range counts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO refusals (site, origin, hour, refused) VALUES (?, ?, ?, ?)
			ON CONFLICT (site, hour, origin) DO UPDATE SET refused = refused + excluded.refused`, c.Site, c.Origin, hour, c.Count); err != nil {
			return err
		}
		sites[c.Site] = true
	}
	for site := range sites {
		if _, err := tx.ExecContext(ctx, `DELETE FROM refusals WHERE site = ?1 AND hour = ?2 AND origin NOT IN (
			SELECT origin FROM refusals WHERE site = ?1 AND hour = ?2 ORDER BY refused DESC, origin LIMIT ?3)`,
			site, hour, store.MaxRefusedOrigins); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// RefusedOrigins returns a site's counts from hour since on.
func (s *Store) RefusedOrigins(ctx context.Context, site string, since int64) ([]store.Refusal, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT site, origin, hour, refused FROM refusals WHERE site = ? AND hour >= ? ORDER BY hour DESC, origin`, site, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Refusal
	for rows.Next() {
		var r store.Refusal
		if err := rows.Scan(&r.Site, &r.Origin, &r.Hour, &r.Count); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RefusingSites sums each site's refusals from hour since on.
func (s *Store) RefusingSites(ctx context.Context, since int64) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT site, sum(refused) FROM refusals WHERE hour >= ? GROUP BY site`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var (
			site string
			n    int64
		)
		if err := rows.Scan(&site, &n); err != nil {
			return nil, err
		}
		out[site] = n
	}
	return out, rows.Err()
}
