package postgres_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

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

// A search_path naming no schema that exists is said as such, not as
// goose's own table missing.
func TestOpenWithoutSchema(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "no_such_schema")
	u.RawQuery = q.Encode()
	_, err = postgres.Open(context.Background(), u.String())
	if err == nil || !strings.Contains(err.Error(), "no schema to keep the tables in: the search_path (no_such_schema) names none that exists") {
		t.Fatalf("open: %v", err)
	}
}

func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		url := pgtest.URL(t)
		return openURL(t, url), openURL(t, url)
	})
}

// Two instances on one database: what one erases or purges, the other must
// not name from its cache.
func TestNames(t *testing.T) {
	storetest.RunNames(t, func(t *testing.T) (store.Store, store.Store, storetest.Raw) {
		url := pgtest.URL(t)
		return openURL(t, url), openURL(t, url), func(query string) ([]string, error) {
			ctx := context.Background()
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

// A consent ID's events, its newest and their erasure are index probes,
// never a scan: verify asks for the newest for every token. The event whose
// ID is the consent ID comes from events_id, the others from the partial
// events_consent (migration 00014). Sequential scans are priced out so that
// the few rows of a test table do not make one the cheaper plan: a query
// the partial index cannot serve still plans one, or walks a whole index.
func TestConsentLookupsAreProbes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	openURL(t, url)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var def string
	if err := conn.QueryRow(ctx, "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_consent' AND schemaname = current_schema()").Scan(&def); err != nil ||
		!strings.HasSuffix(def, "WHERE (consent_id <> id)") {
		t.Errorf("events_consent is %q (%v), want it partial", def, err)
	}
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	cid := [16]byte([]byte("0123456789abcdef"))
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"events":  {postgres.ByConsent + " ORDER BY 1", []any{cid}},
		"newest":  {postgres.ByConsent + " ORDER BY 1 DESC LIMIT 1", []any{cid}},
		"erasure": {postgres.EraseConsent, []any{int64(1), "test", cid}},
	} {
		rows, err := conn.Query(ctx, "EXPLAIN "+q.sql, q.args...)
		if err != nil {
			t.Fatal(name, err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(name, err)
		}
		all := strings.Join(plan, "\n")
		walks := false // a scan of events that no index condition bounds
		for i, line := range plan {
			if strings.Contains(line, "Scan") && strings.Contains(line, " on events") &&
				(i+1 == len(plan) || !strings.HasPrefix(strings.TrimSpace(plan[i+1]), "Index Cond:")) {
				walks = true
			}
		}
		if walks || !strings.Contains(all, "using events_id on events") || !strings.Contains(all, "using events_consent on events") {
			t.Errorf("%s: plan\n%s\nwant a probe of events_id and one of events_consent, no scan of events", name, all)
		}
	}
}

// A sweep stopped by Close is no failure: the background sweep, waiting
// here for the sweep lock another instance holds, is cancelled when the
// store closes, and is neither counted nor logged.
func TestSweepStoppedAtCloseIsNoFailure(t *testing.T) {
	ctx := context.Background()
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	held, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close(ctx)
	if _, err := held.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(postgres.SweepLockKey)); err != nil {
		t.Fatal(err)
	}
	// The store's connections are told apart from other tests' by name.
	name := "sweep-close-" + strings.ReplaceAll(t.Name(), "/", "-")
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder // written only before Close returns
	s.LogSweeps(slog.New(slog.NewTextHandler(&log, nil)))
	for deadline := time.Now().Add(store.SweepDelay + 10*time.Second); ; time.Sleep(10 * time.Millisecond) {
		var waiting int
		if err := held.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",
			name).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background sweep never waited for the sweep lock")
		}
	}
	s.Close()
	if got := s.Sweeps(); got != (store.SweepStats{}) || log.Len() > 0 {
		t.Errorf("a sweep stopped by Close counts %+v and logs %q", got, log.String())
	}
}
