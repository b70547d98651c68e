package postgres

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/scaletest"
)

// TestUpgradeScale times migrations 00007 and 00008 on a store of the shape
// before them (package scaletest, Upgrade), then checks that the ledger
// still verifies. In make test it runs on a few thousand events in a fresh
// schema; make scale-upgrade fills 10M into the schema upgrade_N, keeps it,
// and prints the figures.
func TestUpgradeScale(t *testing.T) {
	n, dir, _, err := scaletest.Config()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := pgtest.URL(t)
	if dir != "" {
		u = pgtest.KeptURL(t, fmt.Sprintf("upgrade_%d", n))
	}
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if err := scaletest.Fill(ctx, s, n, t.Logf); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, p, err := testProvider(u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lsn string
	size := func(ctx context.Context) (size int64, note string, err error) {
		var wal int64
		err = db.QueryRowContext(ctx, `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint,
			COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), NULLIF($1, '')::pg_lsn), 0)::bigint, pg_current_wal_lsn()::text
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`, lsn).
			Scan(&size, &wal, &lsn)
		return size, fmt.Sprintf("%.0f MB of WAL written", float64(wal)/1e6), err
	}
	// What autovacuum would have done to the old table over time.
	settle := func(ctx context.Context) error { _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); return err }
	steps, err := scaletest.Upgrade(ctx, p, size, settle, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	scaletest.PrintUpgrade(os.Stdout, "PostgreSQL", n, steps)
	s, err = Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := scaletest.Verify(ctx, s); err != nil || got != n {
		t.Fatalf("after the upgrade verify checked %d of %d events: %v", got, n, err)
	}
}
