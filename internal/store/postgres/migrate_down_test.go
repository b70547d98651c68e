package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Migrations 00005 to 00008 go down and up again, and the ledger stays whole.
func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	open := func() store.Store {
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.DownAndUp(t, open(), func() error {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return err
		}
		db := stdlib.OpenDB(*cfg)
		defer db.Close()
		sub, _ := fs.Sub(migrations, "migrations")
		p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
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
