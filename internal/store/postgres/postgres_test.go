package postgres_test

import (
	"context"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

func openURL(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func open(t *testing.T) store.Store { return openURL(t, pgtest.URL(t)) }

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		url := pgtest.URL(t)
		return openURL(t, url), openURL(t, url)
	})
}

// Instances starting together on an empty database migrate it once: goose
// holds a PostgreSQL advisory lock while it applies migrations.
func TestInstancesStartingTogether(t *testing.T) {
	url := pgtest.URL(t)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := postgres.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// User agents repeat across events; each is stored once.
func TestRepeatsStoredOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := openURL(t, url)
	for i := range 30 {
		if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", i), storetest.Event("blog", i), storetest.Event("shop", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for table, want := range map[string]int{"agents": 3, "events": 90} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d rows, err %v; want %d", table, n, err, want)
		}
	}
}

func TestTamperAfterPurge(t *testing.T) {
	storetest.RunTamper(t, func(t *testing.T) (store.Store, func(string) error) {
		url := pgtest.URL(t)
		return openURL(t, url), func(query string) error {
			conn, err := pgx.Connect(context.Background(), url)
			if err != nil {
				return err
			}
			defer conn.Close(context.Background())
			_, err = conn.Exec(context.Background(), query)
			return err
		}
	})
}
