package postgres

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// AppendBatch runs its transaction as two pipelines on one connection. A
// batch that fails inside the transaction, after the head's row lock, stores
// nothing, and leaves no connection of the pool in a transaction: the next
// batch does not find the head locked or a transaction half done.
func TestFailedBatchLeavesPoolClean(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := storetest.Event("shop", 0)
	if err := s.AppendBatch(ctx, []*consent.Event{first}); err != nil {
		t.Fatal(err)
	}
	seq, hash, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// idle checks that no pooled connection is left in a transaction and
	// returns the backends of the idle ones.
	idle := func(when string) map[uint32]bool {
		t.Helper()
		pids := map[uint32]bool{}
		for _, c := range s.pool.AcquireAllIdle(ctx) {
			if st := c.Conn().PgConn().TxStatus(); st != 'I' {
				t.Errorf("%s: a pooled connection is in transaction state %q", when, st)
			}
			pids[c.Conn().PgConn().PID()] = true
			c.Release()
		}
		return pids
	}

	// The second pipeline fails: an event ID stored already breaks events_id.
	// Its connection is rolled back and kept, not closed.
	before := idle("before")
	again := storetest.Event("shop", 1)
	again.ID = first.ID
	if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 2), again}); err == nil {
		t.Fatal("a batch repeating a stored event ID committed")
	}
	if after := idle("after a failed statement"); !maps.Equal(after, before) {
		t.Errorf("idle backends %v before the failed batch, %v after: its connection was not kept", before, after)
	}
	if seq2, hash2, err := s.Head(ctx); err != nil || seq2 != seq || hash2 != hash {
		t.Fatalf("the failed batch moved the head: %d → %d (%v)", seq, seq2, err)
	}

	// The first pipeline outlives its deadline, waiting for the head's row
	// lock that another session holds.
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT 1 FROM ledger_head WHERE id = 1 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := s.AppendBatch(short, []*consent.Event{storetest.Event("shop", 3)}); err == nil {
		t.Fatal("a batch committed while another session held the head's lock")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	idle("after a deadline") // pgx closes a connection whose context ends mid-query

	for i := range 3 {
		if err := s.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", 4+i), storetest.Event("blog", 4+i)}); err != nil {
			t.Fatalf("batch %d after the failures: %v", i, err)
		}
	}
	idle("after the batches that followed")
	head, headHash, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.Finish(head, headHash); err != nil || v.Count() != 7 {
		t.Fatalf("verified %d events, err %v; want 7", v.Count(), err)
	}
}
