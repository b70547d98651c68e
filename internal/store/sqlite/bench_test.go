package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// BenchmarkAppendBatch appends batches of 500 events, as the ledger writer
// does under load, and reports rows per second and bytes on disk per event
// (indexes included, after a WAL checkpoint). DESIGN.md: ≤ 380 B/event.
func BenchmarkAppendBatch(b *testing.B) {
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
