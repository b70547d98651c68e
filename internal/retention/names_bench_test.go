package retention_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// BenchmarkEraseAndPurge measures what an erasure and a purge cost on a
// store holding CONSENTRY_BENCH_EVENTS events (default 200,000) two years
// old, each of a visitor of its own, naming one of 200 user agents and one
// of 40,000 pages: 500 erasures spread over the ledger, one at a time
// (mean, p99 and max), then a purge of every event in batches of 1,000 (its
// rate). Each erasure and each purge batch records the user agents and
// pages its events named; the sweep that deletes those no event names runs
// once after the 500 erasures (one pass over every event: sweep_erased_s)
// and once after the purge (sweep_purged_s). Run it with -benchtime 1x;
// figures, not assertions.
func BenchmarkEraseAndPurge(b *testing.B) {
	// No sweep in the background: the benchmark times its own.
	store.SweepDelay, store.SweepPoll = time.Hour, time.Hour
	b.Run("SQLite", func(b *testing.B) {
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "c.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchEraseAndPurge(b, s)
	})
	b.Run("PostgreSQL", func(b *testing.B) {
		s, err := postgres.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchEraseAndPurge(b, s)
	})
}

func benchEraseAndPurge(b *testing.B, s store.Store) {
	ctx := context.Background()
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("CONSENTRY_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	old := time.Now().UTC().AddDate(-2, 0, 0)
	var erase []*consent.Event
	for i := 0; i < n; i += 1000 {
		batch := make([]*consent.Event, 0, 1000)
		for j := i; j < min(i+1000, n); j++ {
			e := storetest.Event([]string{"shop", "blog"}[j%2], j)
			e.Time = old.Add(time.Duration(j) * time.Millisecond)
			e.Expires = e.Time.Add(consent.DefaultLifetime)
			e.Personal.UserAgent = fmt.Sprintf("Mozilla/5.0 (bench %d) Gecko/20100101", j%200)
			e.Personal.Page = fmt.Sprintf("https://shop.example/products/%d", j%40000)
			batch = append(batch, e)
			if j%(n/500) == n/1000 {
				erase = append(erase, e)
			}
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var took []time.Duration
	for _, e := range erase {
		start := time.Now()
		if k, err := s.Erase(ctx, e.ConsentID, "Art. 17", time.Now()); err != nil || k != 1 {
			b.Fatalf("erased %d, err %v", k, err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(sum/time.Duration(len(took))), "erase_mean_ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "erase_p99_ms")
	b.ReportMetric(ms(took[len(took)-1]), "erase_max_ms")
	// Their strings are all named by other events still; one more visitor,
	// the newest, has strings of their own, so the sweep reads every event
	// before it finds them named by none.
	own := storetest.Event("shop", n)
	own.Time = old.Add(time.Duration(n) * time.Millisecond)
	own.Expires = own.Time.Add(consent.DefaultLifetime)
	own.Personal.UserAgent, own.Personal.Page = "Mozilla/5.0 (bench, own)", "https://shop.example/account/own"
	if err := s.AppendBatch(ctx, []*consent.Event{own}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Erase(ctx, own.ConsentID, "Art. 17", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(timeSweep(b, s, 2, 502), "sweep_erased_s")

	p := store.Purge{Actor: "cli", Cutoff: time.Now().UTC()}
	if err := s.BeginPurge(ctx, &p); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for {
		k, err := s.PurgeBatch(ctx, &p, 1000)
		if err != nil {
			b.Fatal(err)
		}
		if k == 0 {
			break
		}
	}
	secs := time.Since(start).Seconds()
	if p.Count != int64(n+1) {
		b.Fatalf("purged %d of %d", p.Count, n+1)
	}
	b.ReportMetric(secs, "purge_s")
	b.ReportMetric(float64(n)/secs, "purged_events/s")
	b.ReportMetric(timeSweep(b, s, 1, 40200), "sweep_purged_s")
}

// timeSweep runs s's sweep, checks that it deleted from least to most
// user agents and pages, and returns how long it took, in seconds.
func timeSweep(b *testing.B, s store.Store, least, most int) float64 {
	start := time.Now()
	k, err := s.SweepNames(context.Background())
	if err != nil || k < least || k > most {
		b.Fatalf("the sweep deleted %d, want %d to %d; err %v", k, least, most, err)
	}
	return time.Since(start).Seconds()
}
