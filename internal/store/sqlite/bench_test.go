package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
)

// BenchmarkAppendBatch appends batches of 500 events, as the ledger writer
// does under load, and reports rows per second and bytes on disk per event
// (indexes included, after a WAL checkpoint). DESIGN.md: ≤ 380 B/event.
func BenchmarkAppendBatch(b *testing.B) { appendBatches(b, nil) }

// BenchmarkAppendBatchRequestIDs is the same with a request ID on every
// event, as the snippet sends: the figures while they are kept (a day; see
// Store.PruneRequests), before they are pruned. Time-ordered IDs (UUIDv7)
// keep the requests index append-mostly; random ones (v4) scatter its pages
// over every commit.
func BenchmarkAppendBatchRequestIDs(b *testing.B) {
	b.Run("v7", func(b *testing.B) { appendBatches(b, func() uuid.UUID { return uuid.Must(uuid.NewV7()) }) })
	b.Run("v4", func(b *testing.B) { appendBatches(b, uuid.New) })
}

func appendBatches(b *testing.B, requestID func() uuid.UUID) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	events := make([]*consent.Event, batch)
	b.ResetTimer()
	start := time.Now()
	written := 0
	for written < b.N {
		for i := range events {
			e := storetest.Event("shop", written+i)
			e.Personal.Page = fmt.Sprintf("https://shop.example/products/%d", (written+i)%977)
			if requestID != nil {
				e.RequestID = requestID()
			}
			events[i] = e
		}
		if err := s.AppendBatch(ctx, events); err != nil {
			b.Fatal(err)
		}
		written += batch
	}
	elapsed := time.Since(start)
	b.StopTimer()
	s.Close()
	b.ReportMetric(float64(written)/elapsed.Seconds(), "events/s")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(written), "bytes/event")
}

// BenchmarkAppendBatchWriter appends batches as the ledger writer makes them
// under wrk -t2 -c64 (BATCH events, default 26, each with a request ID, under
// the writer's 5 s deadline) to a store holding 20,000 events, and reports
// the process's CPU time an event beside ns/op: a batch's fixed cost is most
// of what an event costs at this size. Run it with -cpu 1 to leave out the
// runtime's idle spinning.
func BenchmarkAppendBatchWriter(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := 26
	if n, err := strconv.Atoi(os.Getenv("BATCH")); err == nil && n > 0 {
		batch = n
	}
	events := make([]*consent.Event, batch)
	fill := func(from int) {
		for i := range events {
			e := storetest.Event("shop", from+i)
			e.Personal.Page = fmt.Sprintf("https://shop.example/products/%d", (from+i)%7)
			e.RequestID = uuid.Must(uuid.NewV7())
			events[i] = e
		}
	}
	appendOne := func() {
		ctx, cancel := context.WithTimeout(ctx, ledger.DefaultBatchTimeout)
		defer cancel()
		if err := s.AppendBatch(ctx, events); err != nil {
			b.Fatal(err)
		}
	}
	for n := 0; n < 20000; n += batch {
		fill(n)
		appendOne()
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	written := 0
	for written < b.N {
		b.StopTimer()
		fill(20000 + written)
		b.StartTimer()
		appendOne()
		written += batch
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(written)/1e3, "cpu-us/event")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
