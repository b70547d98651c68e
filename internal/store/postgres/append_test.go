package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// AppendBatch runs its transaction as two pipelines on one connection. A
// batch that fails inside the transaction, after the head's row lock, stores
// nothing, and leaves no connection of the pool in a transaction: the next
// batch does not find the head locked or a transaction half done.
func TestFailedBatchLeavesPoolClean(t *testing.T) {
	ctx := context.Background()
	s, url := openTest(t)
	// The background sweep's first run (SweepDelay after opening) takes a
	// connection of its own, and may overlap a batch: it would make the pool
	// open a second one.
	s.sweeper.Close()
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
	tx := holdHead(t, url)
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
	verifyCount(t, s, 7)
}

// With another session holding the head's lock, as another instance does
// while it commits, the writer's batch waits for it, and what queued
// meanwhile joins that batch once the lock is granted: up to the first
// event whose page has no number yet, which starts the next batch. A joined
// retry answers the event recorded first.
func TestWriterJoinsWhileHeadLocked(t *testing.T) {
	ctx := context.Background()
	s, url := openTest(t)
	retried := storetest.Event("shop", 0)
	retried.RequestID = uuid.Must(uuid.NewV7())
	seed := []*consent.Event{retried, storetest.Event("shop", 1), storetest.Event("shop", 2)}
	if err := s.AppendBatch(ctx, seed); err != nil { // numbers the user agents, page and choices
		t.Fatal(err)
	}

	tx := holdHead(t, url)
	var (
		mu      sync.Mutex
		batches []int
	)
	w := ledger.NewWriter(s, 100, 64, func(n int) { mu.Lock(); batches = append(batches, n); mu.Unlock() })
	defer w.Close()
	errs := make(chan error, 10)
	add := func(e *consent.Event) {
		go func() { errs <- w.Append(ctx, e) }()
	}
	add(storetest.Event("shop", 10))
	for blocked := 0; blocked == 0; { // until the writer's transaction waits for the lock
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
			tx.Conn().PgConn().PID()).Scan(&blocked); err != nil {
			t.Fatal(err)
		}
	}
	retry := storetest.Event("shop", 11)
	retry.RequestID = retried.RequestID
	newPage := storetest.Event("shop", 14)
	newPage.Personal.Page = "https://shop.example/new"
	queued := []*consent.Event{storetest.Event("shop", 11), retry, storetest.Event("shop", 13), newPage, storetest.Event("shop", 15)}
	for i, e := range queued {
		if e != retry {
			e.RequestID = uuid.Must(uuid.NewV7()) // new requests join with their IDs unlooked-up
		}
		add(e)
		for w.QueueLen() < i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if want := []int{4, 2}; !slices.Equal(batches, want) {
		t.Errorf("batches %v, want %v: the three queued before the new page joined the waiting batch", batches, want)
	}
	if !retry.Repeat || retry.ID != retried.ID {
		t.Errorf("the joined retry was recorded again (repeat %v, ID %v, want %v)", retry.Repeat, retry.ID, retried.ID)
	}
	// The batch ran twice, and the metric says so: what each event was
	// answered with is what the second run committed.
	if n := s.Reruns(); n != 1 {
		t.Errorf("%d batches counted as run again, want 1", n)
	}
	for _, e := range queued {
		stored, err := s.Event(ctx, e.ID)
		if err != nil || stored.Seq != e.Seq || stored.Hash != e.Hash {
			t.Errorf("event answered as #%d %x, stored as %+v (%v)", e.Seq, e.Hash[:4], stored, err)
		}
	}
	verifyCount(t, s, 8)
}

// holdHead locks the ledger head's row in a transaction of a session of its
// own, as another instance's batch does while it commits.
func holdHead(t *testing.T, url string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close(ctx) })
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT 1 FROM ledger_head WHERE id = 1 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	return tx
}

// openTest opens a store on a fresh schema (pgtest.URL), closed when the
// test ends, and returns it with the schema's URL.
func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	url := pgtest.URL(t)
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

// verifyCount verifies s's whole ledger up to its head and checks that it
// holds want events.
func verifyCount(t *testing.T, s *Store, want int64) {
	t.Helper()
	ctx := context.Background()
	head, headHash, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.Finish(head, headHash); err != nil || v.Count() != want {
		t.Fatalf("verified %d events, err %v; want %d", v.Count(), err, want)
	}
}

// A batch's request IDs are inserted without a lookup. One that another
// instance recorded before fails the insert on its unique index, and the
// batch runs again with every ID looked up: the retry, at the start, the
// middle or the end of the batch, is answered with the event recorded
// first, the others get the next seqs, nothing is stored twice, and the
// instance counts the batch as run again.
func TestRecordedRequestIDRetriesTheBatch(t *testing.T) {
	ctx := context.Background()
	first, url := openTest(t)
	other, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	recorded := storetest.EventsWithRequests(0, 26)
	if err := first.AppendBatch(ctx, recorded); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, 13, 25} {
		batch := storetest.EventsWithRequests(100+at, 26)
		batch[at].RequestID = recorded[at].RequestID
		seq, _, err := other.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := other.AppendBatch(ctx, batch); err != nil {
			t.Fatalf("retry at %d: %v", at, err)
		}
		seq = storetest.CheckRetried(t, batch, recorded, at, seq)
		var events, requests int64
		if err := other.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM requests)").Scan(&events, &requests); err != nil {
			t.Fatal(err)
		}
		if events != seq || requests != seq {
			t.Fatalf("retry at %d: %d events and %d request IDs stored, want %d of each", at, events, requests, seq)
		}
	}
	// The first retry made its batch run again; the two batches after it
	// looked their IDs up first. Once store.LookupsAfterRerun batches have
	// done so, a retry makes its batch run again.
	if a, b := first.Reruns(), other.Reruns(); a != 0 || b != 1 {
		t.Errorf("batches run again: %d and %d, want 0 and 1", a, b)
	}
	for i := range store.LookupsAfterRerun - 2 {
		if err := other.AppendBatch(ctx, storetest.EventsWithRequests(1000+i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	again := storetest.EventsWithRequests(2000, 2)
	again[1].RequestID = recorded[1].RequestID
	if err := other.AppendBatch(ctx, again); err != nil || again[1].ID != recorded[1].ID || other.Reruns() != 2 {
		t.Errorf("a retry after the lookups: answered %v (want %v), %d reruns (want 2), %v", again[1].ID, recorded[1].ID, other.Reruns(), err)
	}
	verifyCount(t, other, 26+3*25+store.LookupsAfterRerun-2+1)
}

// Two instances that meet the same new user agents, pages and choices in
// different orders store them without a deadlock: each inserts them in one
// order. Before, 7 of 60 such batches failed with "deadlock detected".
func TestNewNamesOnTwoInstances(t *testing.T) {
	ctx := context.Background()
	a, url := openTest(t)
	b, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	for round := range 30 {
		batch := func(reversed bool) []*consent.Event {
			events := make([]*consent.Event, 200)
			for i := range events {
				e := storetest.Event("shop", i)
				e.Personal.UserAgent = fmt.Sprintf("agent %d of round %d", i, round)
				e.Personal.Page = fmt.Sprintf("https://shop.example/%d/%d", round, i)
				e.Country = fmt.Sprintf("%c%c", 'A'+i/26%26, 'A'+i%26)
				e.Revision = round + 1
				events[i] = e
			}
			if reversed {
				slices.Reverse(events)
			}
			return events
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range []*Store{a, b} {
			events := batch(i == 1)
			wg.Go(func() { errs[i] = s.AppendBatch(ctx, events) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	verifyCount(t, a, 30*400)
}

// A process that stored a batch's new user agents and pages and died before
// the batch committed leaves them to the sweep: each was stored with a
// candidate row, which a batch that commits deletes. The strings of the
// events that committed stay, with no candidate row left for them.
func TestNamesOfADeadBatchAreSwept(t *testing.T) {
	ctx := context.Background()
	dead, url := openTest(t)
	// The sweep at opening is over before the batches: it would clear rows
	// beside the counts below.
	for dead.Sweeps().Runs == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	committed := storetest.Event("shop", 1)
	committed.Personal.UserAgent, committed.Personal.Page = "Mozilla/5.0 committed", "https://shop.example/committed"
	if err := dead.AppendBatch(ctx, []*consent.Event{committed}); err != nil {
		t.Fatal(err)
	}
	count := func(query string) int {
		var n int
		if err := dead.pool.QueryRow(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM names_pending"); n != 0 {
		var rows []string
		dead.pool.QueryRow(ctx, "SELECT array(SELECT format('%s %s %s %s', id, kind, name_id, after_seq) FROM names_pending)").Scan(&rows)
		var names []string
		dead.pool.QueryRow(ctx, "SELECT array(SELECT format('a %s %s', id, ua) FROM agents UNION ALL SELECT format('p %s %s', id, url) FROM pages)").Scan(&names)
		t.Errorf("a batch that committed left %d candidate rows %q; %q; sweeps %+v", n, rows, names, dead.Sweeps())
	}
	lost := storetest.Event("shop", 2)
	lost.Personal.UserAgent, lost.Personal.Page = "Mozilla/5.0 (died before its batch)", "https://shop.example/died"
	if err := dead.storeAll(ctx, []*consent.Event{lost}); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM names_pending WHERE after_seq = 1"); n != 2 {
		t.Errorf("the strings stored for a batch have %d candidate rows after the head (1), want 2", n)
	}
	dead.Close()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.SweepNames(ctx); err != nil {
		t.Fatal(err)
	}
	var agents, pages []string
	if err := s.pool.QueryRow(ctx, "SELECT array(SELECT ua FROM agents ORDER BY ua), array(SELECT url FROM pages ORDER BY url)").Scan(&agents, &pages); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(agents, []string{committed.Personal.UserAgent}) || !slices.Equal(pages, []string{committed.Personal.Page}) {
		t.Errorf("after the sweep: agents %q, pages %q", agents, pages)
	}
}
