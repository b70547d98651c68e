package retention_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// BenchmarkPurgeUnderIngest measures what a purge costs ingest: a store
// holding CONSENTRY_BENCH_EVENTS events (default 200,000) two years old
// takes consents through the real ledger writer at a steady 2,000 a second
// (open loop, each acknowledged after its commit) for a few seconds alone,
// then while every old event is purged, then the space is given back. It
// reports the acknowledgement latency (p50, p99, max) before and during the
// purge, the purge's rate, and on SQLite the file size before and after.
// Run it with -benchtime 1x; figures, not assertions.
func BenchmarkPurgeUnderIngest(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "c.db")
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchPurge(b, s, func() float64 {
			fi, err := os.Stat(path) // the database file; the WAL is reused, not shrunk
			if err != nil {
				b.Fatal(err)
			}
			return float64(fi.Size()) / 1e6
		})
	})
	b.Run("PostgreSQL", func(b *testing.B) {
		s, err := postgres.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchPurge(b, s, nil)
	})
}

func benchPurge(b *testing.B, s store.Store, size func() float64) {
	ctx := context.Background()
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("CONSENTRY_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	old := time.Now().UTC().AddDate(-2, 0, 0)
	for i := 0; i < n; i += 1000 {
		batch := make([]*consent.Event, 0, 1000)
		for j := i; j < min(i+1000, n); j++ {
			e := storetest.Event([]string{"shop", "blog"}[j%2], j)
			e.Time = old.Add(time.Duration(j) * time.Millisecond)
			e.Expires = e.Time.Add(consent.DefaultLifetime)
			batch = append(batch, e)
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if r, ok := s.(retention.Reclaimer); ok {
		r.Checkpoint(ctx)
	}
	var before float64
	if size != nil {
		before = size()
	}
	w := ledger.NewWriter(s, 16384, 1024, nil)
	defer w.Close()
	const rate = 2000
	load := func(stop <-chan struct{}) (lat []time.Duration, errs int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / (rate / 10))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				wg.Wait()
				return lat, errs
			case <-tick.C:
			}
			for k := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					err := w.Append(ctx, storetest.Event("shop", i*10+k))
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs++
						return
					}
					lat = append(lat, time.Since(start))
				}()
			}
		}
	}
	report := func(name string, lat []time.Duration, secs float64) {
		slices.Sort(lat)
		if len(lat) == 0 {
			return
		}
		q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(q(0.5), name+"_p50_ms")
		b.ReportMetric(q(0.99), name+"_p99_ms")
		b.ReportMetric(q(1), name+"_max_ms")
		b.ReportMetric(float64(len(lat))/secs, name+"_acks/s")
	}
	// Ingest alone.
	stop := make(chan struct{})
	done := make(chan struct{})
	var lat []time.Duration
	var errs int
	start := time.Now()
	go func() { lat, errs = load(stop); close(done) }()
	time.Sleep(5 * time.Second)
	close(stop)
	<-done
	report("alone", lat, time.Since(start).Seconds())
	if errs > 0 {
		b.Errorf("%d appends failed with ingest alone", errs)
	}
	// Ingest while every old event is purged.
	stop, done = make(chan struct{}), make(chan struct{})
	start = time.Now()
	go func() { lat, errs = load(stop); close(done) }()
	batch, _ := strconv.Atoi(os.Getenv("CONSENTRY_PURGE_BATCH"))
	p, err := retention.Run(ctx, s, retention.Options{Cutoff: time.Now().AddDate(-1, 0, 0), Actor: "bench", Batch: batch})
	took := time.Since(start)
	close(stop)
	<-done
	if err != nil || p.Count != int64(n) {
		b.Fatalf("purge: %d events, err %v", p.Count, err)
	}
	report("purging", lat, took.Seconds())
	if errs > 0 {
		b.Errorf("%d appends failed during the purge", errs)
	}
	b.ReportMetric(took.Seconds(), "purge_s")
	b.ReportMetric(float64(n)/took.Seconds(), "purged/s")
	start = time.Now()
	if err := retention.Reclaim(ctx, s, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "reclaim_s")
	w.Close()
	if size != nil {
		b.ReportMetric(before, "MB_before")
		b.ReportMetric(size(), "MB_after")
	}
}
