package postgres_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/scaletest"
	"github.com/jackc/pgx/v5"
)

// TestScale fills a PostgreSQL schema through AppendBatch and measures it
// beside an empty one (package scaletest). In make test it fills a few
// thousand events and checks that the harness works; make scale fills 10M
// into the schema scale_N, keeps it, and prints the figures.
func TestScale(t *testing.T) {
	n, dir, opts, err := scaletest.Config()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fullURL := pgtest.URL(t)
	if dir != "" {
		fullURL = pgtest.KeptURL(t, fmt.Sprintf("scale_%d", n))
	}
	target := func(url string) scaletest.Target {
		s, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(ctx) })
		return scaletest.Target{Store: s, Size: func(ctx context.Context) (size int64, err error) {
			err = conn.QueryRow(ctx, `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
				JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&size)
			return size, err
		}}
	}
	full := target(fullURL)
	before, _, err := full.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := scaletest.Fill(ctx, full.Store, n, t.Logf); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := full.Store.Head(ctx); after > before {
		// What autovacuum would do after a bulk of inserts, done now so that
		// it does not run in the middle of the measurements.
		conn, err := pgx.Connect(ctx, fullURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
	empty := target(pgtest.URL(t))
	e, f, err := scaletest.Measure(ctx, empty, full, opts)
	if err != nil {
		t.Fatal(err)
	}
	scaletest.Print(os.Stdout, "PostgreSQL", e, f)
	if opts.Rounds == scaletest.Small.Rounds && n < 1000000 {
		if err := scaletest.Check(ctx, full.Store, f); err != nil {
			t.Fatal(err)
		}
	}
}
