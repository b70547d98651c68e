package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/store/scaletest"
	"github.com/pressly/goose/v3"
)

// TestUpgradeScale times migrations 00007 and 00008 on a store of the shape
// before them (package scaletest, Upgrade), then checks that the ledger
// still verifies. In make test it runs on a few thousand events; make
// scale-upgrade fills 10M (kept in CONSENTRY_SCALE_DIR as upgrade-N.db) and
// prints the figures.
func TestUpgradeScale(t *testing.T) {
	n, dir, _, err := scaletest.Config()
	if err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		dir = t.TempDir()
	}
	ctx := context.Background()
	path := filepath.Join(dir, fmt.Sprintf("upgrade-%d.db", n))
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := scaletest.Fill(ctx, s, n, t.Logf); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// The pragmas Open migrates with.
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	size := func(ctx context.Context) (int64, string, error) {
		wal, _ := os.Stat(path + "-wal")
		var walSize int64
		if wal != nil {
			walSize = wal.Size()
		}
		if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return 0, "", err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return 0, "", err
		}
		return fi.Size(), fmt.Sprintf("write-ahead log %.0f MB before the checkpoint", float64(walSize)/1e6), nil
	}
	// The old shape written by the Down migration beside the free pages of
	// the table it replaced, compacted as a file that grew by its events.
	settle := func(ctx context.Context) error { _, err := db.ExecContext(ctx, "VACUUM"); return err }
	steps, err := scaletest.Upgrade(ctx, p, size, settle, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	scaletest.PrintUpgrade(os.Stdout, "SQLite", n, steps)
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := scaletest.Verify(ctx, s); err != nil || got != n {
		t.Fatalf("after the upgrade verify checked %d of %d events: %v", got, n, err)
	}
}
