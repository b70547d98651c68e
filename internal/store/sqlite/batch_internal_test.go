package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/storetest"
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

// A batch of a row count the writer has no statement for yet is written in
// chunks, and that count gets a statement of its own for the batches after
// it, up to maxExact rows; a longer batch runs in statements of maxExact
// rows and the rest. Every event is stored whichever way, in order, and a
// retry of every request ID of a long batch is answered from the first.
func TestBatchRowCounts(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var all []*consent.Event
	for _, n := range []int{1, 26, 26, 3, 64, 65, 130, 7} {
		exact := n <= maxExact && s.ws != nil && s.ws.events.stmts[n] != nil
		events := storetest.EventsWithRequests(len(all), n)
		if err := s.AppendBatch(ctx, events); err != nil {
			t.Fatalf("batch of %d: %v", n, err)
		}
		all = append(all, events...)
		// Rollup rows depend on the events, not on n; request IDs are looked
		// up only when one was recorded already.
		for _, m := range []*multiRow{s.ws.events, s.ws.requests} {
			if n <= maxExact && m.stmts[n] == nil {
				t.Errorf("after a batch of %d (own statement before: %v), %d rows have no statement", n, exact, n)
			}
			if len(m.missing) != 0 {
				t.Errorf("after a batch of %d, counts still to prepare: %v", n, m.missing)
			}
		}
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
		got, err := s.Event(ctx, e.ID)
		if err != nil || got.Seq != e.Seq || got.Hash != e.Hash {
			t.Fatalf("event %d stored as %+v, %v", i, got, err)
		}
	}
	retries := storetest.EventsWithRequests(len(all), 130)
	for i, r := range retries {
		r.RequestID = all[len(all)-130-7+i].RequestID // the batch of 130
	}
	if err := s.AppendBatch(ctx, retries); err != nil {
		t.Fatal(err)
	}
	for i, r := range retries {
		if first := all[len(all)-130-7+i]; !r.Repeat || r.ID != first.ID || r.Seq != first.Seq {
			t.Fatalf("retry %d answered %v (repeat %v), want the first event %v", i, r.ID, r.Repeat, first.ID)
		}
	}
	if seq, _, err := s.Head(ctx); err != nil || seq != int64(len(all)) {
		t.Fatalf("head at %d after the retries, %v; want %d", seq, err, len(all))
	}
}

// A batch whose deadline passes fails with the deadline's error and leaves
// nothing behind, wherever in the transaction the deadline falls (the
// statements run without it; the transaction is rolled back once it passes).
func TestBatchDeadline(t *testing.T) {
	s := openTemp(t)
	stored := 0
	for _, d := range []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, time.Minute} {
		events := storetest.EventsWithRequests(stored, 500)
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

// A batch's request IDs are inserted as new without a lookup; when one of
// them was recorded by an earlier batch, that first attempt is rolled back
// whole and the batch written again with its IDs looked up: the retry is
// answered with the event recorded first, every other event of the batch is
// recorded once, in order, and no request ID is left behind by the attempt.
func TestRecordedRequestIDRetriesTheBatch(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	first := storetest.EventsWithRequests(0, 26)
	if err := s.AppendBatch(ctx, first); err != nil {
		t.Fatal(err)
	}
	if s.ws.recorded.stmts[26] != nil || s.Reruns() != 0 {
		t.Fatalf("a batch of new request IDs was looked up (%d run again)", s.Reruns())
	}
	for _, at := range []int{0, 13, 25} {
		batch := storetest.EventsWithRequests(100+at, 26)
		batch[at].RequestID = first[at].RequestID
		head, _, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			t.Fatalf("retry at %d: %v", at, err)
		}
		seq := storetest.CheckRetried(t, batch, first, at, head)
		var events, requests int64
		if err := s.r.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM requests)").Scan(&events, &requests); err != nil {
			t.Fatal(err)
		}
		if events != seq || requests != seq {
			t.Fatalf("retry at %d: %d events and %d request IDs stored, want %d of each", at, events, requests, seq)
		}
	}
	// The first retry made its batch run again; the two batches after it
	// looked their IDs up first. Once store.LookupsAfterRerun batches have
	// done so, a retry makes its batch run again.
	if n := s.Reruns(); n != 1 {
		t.Errorf("%d batches counted as run again, want 1", n)
	}
	for i := range store.LookupsAfterRerun - 2 {
		if err := s.AppendBatch(ctx, storetest.EventsWithRequests(1000+i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	again := storetest.EventsWithRequests(2000, 2)
	again[1].RequestID = first[1].RequestID
	if err := s.AppendBatch(ctx, again); err != nil || again[1].ID != first[1].ID || s.Reruns() != 2 {
		t.Errorf("a retry after the lookups: answered %v (want %v), %d reruns (want 2), %v", again[1].ID, first[1].ID, s.Reruns(), err)
	}
	head, hash, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	err = v.Finish(head, hash)
	if want := int64(26 + 3*25 + store.LookupsAfterRerun - 2 + 1); err != nil || v.Count() != want {
		t.Fatalf("verify: %d events, %v; want %d", v.Count(), err, want)
	}
}
