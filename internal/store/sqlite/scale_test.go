package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/store/scaletest"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// TestScale fills a SQLite file through AppendBatch and measures it beside
// an empty one (package scaletest). In make test it fills a few thousand
// events and checks that the harness works; make scale fills 10M, keeps
// the file and prints the figures.
func TestScale(t *testing.T) {
	n, dir, opts, err := scaletest.Config()
	if err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		dir = t.TempDir()
	}
	ctx := context.Background()
	target := func(path string) scaletest.Target {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return scaletest.Target{Store: s, Size: func(ctx context.Context) (int64, error) {
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				return 0, err
			}
			defer db.Close()
			if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				return 0, err
			}
			fi, err := os.Stat(path)
			if err != nil {
				return 0, err
			}
			return fi.Size(), nil
		}}
	}
	full := target(filepath.Join(dir, fmt.Sprintf("sqlite-%d.db", n)))
	if err := scaletest.Fill(ctx, full.Store, n, t.Logf); err != nil {
		t.Fatal(err)
	}
	empty := target(filepath.Join(t.TempDir(), "empty.db"))
	e, f, err := scaletest.Measure(ctx, empty, full, opts)
	if err != nil {
		t.Fatal(err)
	}
	scaletest.Print(os.Stdout, "SQLite", e, f)
	if opts.Rounds == scaletest.Small.Rounds && n < 1000000 {
		if err := scaletest.Check(ctx, full.Store, f); err != nil {
			t.Fatal(err)
		}
	}
}
