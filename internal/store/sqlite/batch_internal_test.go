package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func eventsWithRequests(from, n int) []*consent.Event {
	events := make([]*consent.Event, n)
	for i := range events {
		events[i] = storetest.Event("shop", from+i)
		events[i].RequestID = uuid.Must(uuid.NewV7())
	}
	return events
}

// A batch whose deadline passes fails with the deadline's error and leaves
// nothing behind, wherever in the transaction the deadline falls (the
// statements run without it; the transaction is rolled back once it passes).
func TestBatchDeadline(t *testing.T) {
	s := openTemp(t)
	stored := 0
	for _, d := range []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, time.Minute} {
		events := eventsWithRequests(stored, 500)
		ctx, cancel := context.WithTimeout(context.Background(), d)
		err := s.AppendBatch(ctx, events)
		cancel()
		switch {
		case err == nil:
			stored += len(events)
		case !errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("deadline %v: %v, want the deadline's error", d, err)
		}
		seq, _, herr := s.Head(context.Background())
		if herr != nil || seq != int64(stored) {
			t.Fatalf("deadline %v (err %v): head at %d, %v; want %d", d, err, seq, herr, stored)
		}
		if _, gerr := s.Event(context.Background(), events[0].ID); (gerr == nil) != (err == nil) {
			t.Fatalf("deadline %v (err %v): first event found: %v", d, err, gerr)
		}
	}
	if stored == 0 {
		t.Fatal("no batch was stored, even with a minute")
	}
}
