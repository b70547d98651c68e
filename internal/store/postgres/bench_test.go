package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// BenchmarkAppendBatch appends batches of 500 events, as the ledger writer
// does under load, and reports rows per second and bytes on disk per event
// (table, TOAST and indexes). The SQLite twin is in ../sqlite/bench_test.go.
func BenchmarkAppendBatch(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 500
	events := make([]*consent.Event, batch)
	b.ResetTimer()
	start := time.Now()
	written := 0
	for written < b.N {
		for i := range events {
			e := storetest.Event("shop", written+i)
			e.Personal.Page = fmt.Sprintf("https://shop.example/products/%d", (written+i)%977)
			events[i] = e
		}
		if err := s.AppendBatch(ctx, events); err != nil {
			b.Fatal(err)
		}
		written += batch
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(written)/elapsed.Seconds(), "events/s")
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var size int64
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE events"); err != nil {
		b.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT pg_total_relation_size('events')").Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size)/float64(written), "bytes/event")
}

// BenchmarkAppendBatchTwoWriters is two instances' writers on one database,
// each appending batches of 500 through its own store at once: both wait on
// the ledger head's row lock, so this measures what one chain costs.
func BenchmarkAppendBatchTwoWriters(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	var stores [2]*postgres.Store
	for i := range stores {
		s, err := postgres.Open(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	const batch = 500
	var next atomic.Int64
	errs := make(chan error, len(stores))
	b.ResetTimer()
	start := time.Now()
	for _, s := range stores {
		go func() {
			events := make([]*consent.Event, batch)
			for {
				n := next.Add(batch) - batch
				if n >= int64(b.N) {
					errs <- nil
					return
				}
				for i := range events {
					events[i] = storetest.Event("shop", int(n)+i)
				}
				if err := s.AppendBatch(ctx, events); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range stores {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
