package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/pressly/goose/v3"
)

// Migrations 00005 to 00008 go down and up again, and the ledger stays whole.
func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	open := func() store.Store {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.DownAndUp(t, open(), func() error {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
		if err != nil {
			return err
		}
		defer db.Close()
		sub, _ := fs.Sub(migrations, "migrations")
		p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
		if err != nil {
			return err
		}
		if _, err := p.DownTo(ctx, 3); err != nil {
			return err
		}
		_, err = p.Up(ctx)
		return err
	}, open)
}

// Migration 00021 counts the Global Privacy Control signal's opt-outs under
// an outcome of their own in a rollup that older releases wrote, and marks
// their rows for the log's filter.
func TestMigrationGPCOutcome(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	open := func() store.Store {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := func(query string) ([]string, error) {
		rows, err := db.Query(query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
	storetest.GPCOutcome(t, open(), raw, func() error {
		sub, _ := fs.Sub(migrations, "migrations")
		p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
		if err != nil {
			return err
		}
		_, err = p.DownTo(ctx, 20)
		return err
	}, open)
}
