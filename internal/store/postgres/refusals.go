package postgres

import (
	"cmp"
	"context"
	"slices"

	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
)

// refusalsLockKey names the advisory lock each AddRefusals holds for its
// transaction: instances adding at once take turns (a few rows every few
// seconds each), so that one's trim never deletes a row another has
// locked by adding to it, which could deadlock.
const refusalsLockKey = 0x636f6e7372656675 // "consrefu"

// AddRefusals adds an instance's counts of one hour, trims each site's
// origins in that hour to store.MaxRefusedOrigins and forgets old hours,
// in one transaction.
func (s *Store) AddRefusals(ctx context.Context, hour int64, counts []store.Refusal, forget int64) error {
	sites, origins, refused := refusalColumns(counts)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, int64(refusalsLockKey))
	b.Queue(`DELETE FROM refusals WHERE hour < $1`, forget)
	if len(sites) > 0 {
		b.Queue(`INSERT INTO refusals (site, origin, hour, refused) SELECT s, o, $4, n FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c (s, o, n)
			ON CONFLICT (site, hour, origin) DO UPDATE SET refused = refusals.refused + excluded.refused`, sites, origins, refused, hour)
		b.Queue(`DELETE FROM refusals r WHERE r.hour = $1 AND r.site = ANY($2) AND r.origin NOT IN (
			SELECT k.origin FROM refusals k WHERE k.site = r.site AND k.hour = r.hour ORDER BY k.refused DESC, k.origin LIMIT $3)`,
			hour, slices.Compact(slices.Clone(sites)), store.MaxRefusedOrigins)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// refusalColumns are counts as columns, by site and origin, one row for
// each pair (an INSERT … ON CONFLICT may name a row once).
func refusalColumns(counts []store.Refusal) (sites, origins []string, refused []int64) {
	counts = slices.Clone(counts)
	slices.SortFunc(counts, func(a, b store.Refusal) int {
		return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.Origin, b.Origin))
	})
	for _, c := range counts {
		if n := len(sites); n > 0 && sites[n-1] == c.Site && origins[n-1] == c.Origin {
			refused[n-1] += c.Count
			continue
		}
		sites, origins, refused = append(sites, c.Site), append(origins, c.Origin), append(refused, c.Count)
	}
	return sites, origins, refused
}

// RefusedOrigins returns a site's counts from hour since on.
func (s *Store) RefusedOrigins(ctx context.Context, site string, since int64) ([]store.Refusal, error) {
	rows, _ := s.pool.Query(ctx, `SELECT site, origin, hour, refused FROM refusals WHERE site = $1 AND hour >= $2 ORDER BY hour DESC, origin`, site, since)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Refusal, error) {
		var r store.Refusal
		return r, row.Scan(&r.Site, &r.Origin, &r.Hour, &r.Count)
	})
}

// RefusingSites sums each site's refusals from hour since on.
func (s *Store) RefusingSites(ctx context.Context, since int64) (map[string]int64, error) {
	rows, _ := s.pool.Query(ctx, `SELECT site, sum(refused)::bigint FROM refusals WHERE hour >= $1 GROUP BY site`, since)
	var (
		site string
		n    int64
	)
	out := map[string]int64{}
	_, err := pgx.ForEachRow(rows, []any{&site, &n}, func() error { out[site] = n; return nil })
	return out, err
}
