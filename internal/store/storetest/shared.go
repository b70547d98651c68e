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
	t.Run("RefusalsAddUpAcrossInstances", func(t *testing.T) { a, b := open(t); testRefusalsTwoInstances(t, a, b) })
	t.Run("RateCountsAddUpAcrossInstances", func(t *testing.T) { a, b := open(t); testRateCounts(t, a, b) })
}

// testRateCounts: the rate limit's counts that two instances add, at once
// and over the same keys, add up exactly; each instance reads back the
// counts of the keys it names, from Since on; Forget drops older slots.
// Only a store that shares the counts (PostgreSQL) has them.
func testRateCounts(t *testing.T, a, b store.Store) {
	ra, okA := a.(store.RateCounts)
	rb, okB := b.(store.RateCounts)
	if !okA || !okB {
		t.Skip("this store serves one instance: the rate limit keeps its counts in memory")
	}
	ctx := context.Background()
	const slot = 7_000_000_000 // 250 ms slots: late 2025
	keys := []string{"192.0.2.0", "198.51.100.0", "2001:db8:1::"}
	const rounds = 40
	// Each instance names the keys in its own order, and one key twice in a
	// slot: the store adds them all the same.
	adds := func(i, r int) []store.RateCount {
		return []store.RateCount{rc(keys[(r+i)%3], slot, 1), rc(keys[(r+i+1)%3], slot, 2), rc(keys[(r+i+2)%3], slot+1, 3), rc(keys[(r+i)%3], slot, 4)}
	}
	type cell struct {
		key  string
		slot int64
	}
	want := map[cell]int64{}
	for i := range 2 {
		for r := range rounds {
			for _, c := range adds(i, r) {
				if c.Key != keys[2] {
					want[cell{c.Key, c.Slot}] += c.Hits
				}
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for i, s := range []store.RateCounts{ra, rb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				_, err := s.SyncRateCounts(ctx, store.RateSync{Add: adds(i, r), Keys: keys, Since: slot, Forget: slot - 8})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := ra.SyncRateCounts(ctx, store.RateSync{Keys: keys[:2], Since: slot, Forget: slot - 8})
	if err != nil {
		t.Fatal(err)
	}
	have := map[cell]int64{}
	for _, c := range got {
		have[cell{c.Key, c.Slot}] += c.Hits
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("counts of two keys over both instances:\n  got  %v\n  want %v\nconcurrent adds were lost or doubled, or an unasked key came back", have, want)
	}

	// Since leaves older slots out; Forget removes them for everyone.
	late, err := ra.SyncRateCounts(ctx, store.RateSync{Add: []store.RateCount{rc(keys[0], slot+10, 5)}, Keys: keys[:1], Since: slot + 1, Forget: slot})
	if err != nil {
		t.Fatal(err)
	}
	if len(late) != 2 || late[0].Slot+late[1].Slot != 2*slot+11 {
		t.Errorf("from slot+1 on: %v, want slot+1 and slot+10", late)
	}
	gone, err := rb.SyncRateCounts(ctx, store.RateSync{Keys: keys, Since: slot - 100, Forget: slot + 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) != 1 || gone[0] != rc(keys[0], slot+10, 5) {
		t.Errorf("after forgetting the slots before slot+2: %v, want only slot+10's", gone)
	}
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

func rc(key string, slot, hits int64) store.RateCount {
	return store.RateCount{Key: key, Slot: slot, Hits: hits}
}
