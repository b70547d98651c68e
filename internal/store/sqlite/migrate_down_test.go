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
