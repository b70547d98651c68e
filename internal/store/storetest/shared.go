package storetest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// RunShared runs the cases for several instances on one database. open must
// return two stores, opened separately, on the same new empty database, as
// two Consentry instances would be.
func RunShared(t *testing.T, open func(t *testing.T) (store.Store, store.Store)) {
	t.Run("TwoWritersOneLedger", func(t *testing.T) { a, b := open(t); testTwoWriters(t, a, b) })
	t.Run("TwoPublishersNumberRevisions", func(t *testing.T) { a, b := open(t); testTwoPublishers(t, a, b) })
	t.Run("RequestIDsOnceOnTwoInstances", func(t *testing.T) { a, b := open(t); testRequestIDsTwoInstances(t, a, b) })
}

// testTwoWriters runs a ledger writer on each store at once: every event is
// in one chain that verifies, and the daily rollup counts each exactly once.
func testTwoWriters(t *testing.T, a, b store.Store) {
	const perWriter = 300
	day := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make(chan error, 2*perWriter)
	for _, s := range []store.Store{a, b} {
		w := ledger.NewWriter(s, 1000, 64, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var inner sync.WaitGroup
			for i := range perWriter {
				inner.Add(1)
				go func() {
					defer inner.Done()
					e := Event("shop", i)
					e.Action = consent.AcceptAll
					errs <- w.Append(context.Background(), e)
				}()
			}
			inner.Wait()
			w.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]store.Store{"first": a, "second": b} {
		if n, err := verify(t, s); err != nil || n != 2*perWriter {
			t.Fatalf("read through the %s store: verified %d events, err %v; want %d", name, n, err, 2*perWriter)
		}
	}
	var seqs []int64
	if err := a.Walk(context.Background(), 0, func(e *consent.Event) error { seqs = append(seqs, e.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i, seq := range seqs {
		if seq != int64(i+1) {
			t.Fatalf("seq %d at position %d: the ledger has a gap or a duplicate", seq, i)
		}
	}
	counts, err := b.Counts(context.Background(), "shop", consent.Day(day)-1, consent.Day(day)+1)
	if err != nil {
		t.Fatal(err)
	}
	st := consent.Summarize(counts, consent.Day(day)-1, consent.Day(day)+1)
	if st.Total != 2*perWriter || st.Actions[consent.AcceptAll] != 2*perWriter {
		t.Errorf("rollup counts %d events (%d accept_all); want %d", st.Total, st.Actions[consent.AcceptAll], 2*perWriter)
	}
}

// testTwoPublishers publishes one site from two stores at once: every
// revision gets its own number, 1 to n.
func testTwoPublishers(t *testing.T, a, b store.Store) {
	const each = 10
	var (
		mu   sync.Mutex
		got  []int
		wg   sync.WaitGroup
		errs []error
	)
	for _, s := range []store.Store{a, b} {
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				site := Site("shop")
				site.Name = fmt.Sprintf("Shop %d", i)
				rev, err := s.Publish(context.Background(), site, texts)
				mu.Lock()
				defer mu.Unlock()
				got, errs = append(got, rev), append(errs, err)
			}()
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Ints(got)
	for i, rev := range got {
		if rev != i+1 {
			t.Fatalf("revision numbers %v: want 1 to %d, each once", got, 2*each)
		}
	}
	if revs, err := b.Revisions(context.Background(), "shop"); err != nil || len(revs) != 2*each {
		t.Fatalf("%d revisions stored, err %v", len(revs), err)
	}
}
