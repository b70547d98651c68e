package postgres

import (
	"cmp"
	"context"
	"slices"

	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
)

// SyncRateCounts adds an instance's rate counts, forgets old slots and reads
// back the counts of the instance's keys, as one batch: one round trip, run
// by PostgreSQL as one implicit transaction. Rows are added in (key, slot)
// order, so instances adding to the same rows at once wait for each other
// instead of deadlocking; the delete only reaches slots older than any
// instance still adds to (see ratelimit's forgetAfter).
func (s *Store) SyncRateCounts(ctx context.Context, r store.RateSync) ([]store.RateCount, error) {
	add := slices.Clone(r.Add)
	slices.SortFunc(add, func(a, b store.RateCount) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Slot, b.Slot))
	})
	var (
		keys        []string
		slots, hits []int64
	)
	for _, c := range add {
		if n := len(keys); n > 0 && keys[n-1] == c.Key && slots[n-1] == c.Slot {
			hits[n-1] += c.Hits // one row may be named once per INSERT … ON CONFLICT
			continue
		}
		keys, slots, hits = append(keys, c.Key), append(slots, c.Slot), append(hits, c.Hits)
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM rate_counts WHERE slot < $1`, r.Forget)
	if len(keys) > 0 {
		b.Queue(`INSERT INTO rate_counts (key, slot, hits) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
			ON CONFLICT (key, slot) DO UPDATE SET hits = rate_counts.hits + excluded.hits`, keys, slots, hits)
	}
	var out []store.RateCount
	b.Queue(`SELECT key, slot, hits FROM rate_counts WHERE key = ANY($1) AND slot >= $2`, r.Keys, r.Since).Query(func(rows pgx.Rows) error {
		var err error
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.RateCount, error) {
			var c store.RateCount
			return c, row.Scan(&c.Key, &c.Slot, &c.Hits)
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}
