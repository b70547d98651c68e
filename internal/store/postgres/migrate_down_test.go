package postgres

import (
	"context"
	"testing"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
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
		db, p, err := testProvider(url)
		if err != nil {
			return err
		}
		defer db.Close()
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
	url := pgtest.URL(t)
	open := func() store.Store {
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	raw := func(query string) ([]string, error) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return nil, err
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, query)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
	storetest.GPCOutcome(t, open(), raw, func() error {
		db, p, err := testProvider(url)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = p.DownTo(ctx, 20)
		return err
	}, open)
}
