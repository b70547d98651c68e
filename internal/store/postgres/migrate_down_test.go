package postgres

import (
	"context"
	"testing"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
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
