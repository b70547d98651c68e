package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// old is a time well past any retention the tests use.
var old = time.Now().UTC().Truncate(time.Second).AddDate(-2, 0, 0)

// seedSites appends one event a second from at, of the site sites names in
// turn (sites[i%len(sites)]), in batches of 5, and returns them in order.
func seedSites(t *testing.T, s store.Store, n int, at time.Time, sites ...string) []*consent.Event {
	t.Helper()
	var all, batch []*consent.Event
	for i := range n {
		e := Event(sites[i%len(sites)], i)
		e.Time = at.Add(time.Duration(i) * time.Second)
		batch = append(batch, e)
		if len(batch) == 5 || i == n-1 {
			if err := s.AppendBatch(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
			all, batch = append(all, batch...), nil
		}
	}
	return all
}

// purge runs a purge to its end in batches of size, whatever the events'
// expiry.
func purge(t *testing.T, s store.Store, site string, cutoff time.Time, size int) store.Purge {
	t.Helper()
	return purgeAll(t, s, store.Purge{Actor: "cli", Site: site, Cutoff: cutoff}, size)
}

// purgeAll runs p to its end in batches of size.
func purgeAll(t *testing.T, s store.Store, p store.Purge, size int) store.Purge {
	t.Helper()
	ctx := context.Background()
	if err := s.BeginPurge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := s.PurgeBatch(ctx, &p, size)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return p
		}
		if n > size {
			t.Fatalf("a batch of %d removed %d", size, n)
		}
	}
}

func gaps(t *testing.T, s store.Store) []ledger.Gap {
	t.Helper()
	g, err := s.Gaps(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Purging every site's events before a cutoff leaves one run, a record of
// what went and the head it started at, the rollup as it was, and a ledger
// that verifies and goes on growing; purging up to the newest event too.
func testPurgeEverySite(t *testing.T, s store.Store) {
	ctx := context.Background()
	older := seedSites(t, s, 20, old, "shop", "blog")
	newer := seedSites(t, s, 10, time.Now().UTC().Add(-time.Minute), "blog")
	if _, err := s.Erase(ctx, older[2].ConsentID, "Art. 17", time.Now()); err != nil {
		t.Fatal(err) // an erased event is purged like any other
	}
	before, err := s.Counts(ctx, "shop", consent.Day(old), consent.Day(old)+1)
	if err != nil || len(before) == 0 {
		t.Fatalf("rollup %v, err %v", before, err)
	}
	if _, err := s.NewestCutoff(ctx); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("before any purge, the newest cutoff: %v", err)
	}
	cutoff := time.Now().AddDate(0, 0, -30)
	if n, err := s.PurgeCount(ctx, store.Purge{Cutoff: cutoff}); err != nil || n != 20 {
		t.Fatalf("dry run: %d, err %v; want 20", n, err)
	}
	p := purge(t, s, "", cutoff, 6)
	if p.Count != 20 || p.First != 1 || p.Last != 20 || p.LastHash != older[19].Hash || p.HeadSeq != 30 || p.HeadHash != newer[9].Hash {
		t.Errorf("purge %+v", p)
	}
	if n, err := s.PurgeCount(ctx, store.Purge{Cutoff: cutoff}); err != nil || n != 0 {
		t.Errorf("after the purge a dry run finds %d, err %v", n, err)
	}
	if _, err := s.Event(ctx, older[0].ID); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("a purged event is still there: %v", err)
	}
	if got := gaps(t, s); !reflect.DeepEqual(got, []ledger.Gap{{First: 1, Last: 20, After: older[19].Hash, Purge: p.ID}}) {
		t.Errorf("runs %+v", got)
	}
	after, err := s.Counts(ctx, "shop", consent.Day(old), consent.Day(old)+1)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("the daily rollup changed: %v → %v (%v)", before, after, err)
	}
	recs, err := s.Purges(ctx, 10)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %+v, err %v", recs, err)
	}
	if r := recs[0]; r.ID != p.ID || r.Actor != "cli" || r.Site != "" || r.Count != 20 || r.Last != 20 ||
		r.LastHash != p.LastHash || r.HeadSeq != 30 || !r.Cutoff.Equal(cutoff.UTC().Truncate(time.Microsecond)) || r.Finished.IsZero() {
		t.Errorf("stored record %+v", r)
	}
	if n, err := verify(t, s); err != nil || n != 10 {
		t.Fatalf("after the purge %d events verify, err %v", n, err)
	}
	if n, err := s.PurgedTotal(ctx); err != nil || n != 20 {
		t.Errorf("purged in all: %d, err %v", n, err)
	}
	// A purge that removed nothing, with a later cutoff, says nothing of
	// what was removed.
	if none := purge(t, s, "nowhere", time.Now().AddDate(0, 0, -1), 4); none.Count != 0 {
		t.Fatalf("a purge of a site with no events removed %d", none.Count)
	}
	if n, err := s.NewestCutoff(ctx); err != nil || n.ID != p.ID || !n.Cutoff.Equal(cutoff.UTC().Truncate(time.Microsecond)) {
		t.Errorf("the newest cutoff: %+v, err %v; want purge #%d's", n, err, p.ID)
	}
	// Up to the newest event: the ledger is all one run, and the next
	// event chains to the head the run ends at.
	all := purge(t, s, "blog", time.Now().Add(time.Hour), 4)
	if all.Count != 10 {
		t.Errorf("purged %d, want 10", all.Count)
	}
	if n, err := s.NewestCutoff(ctx); err != nil || n.ID != all.ID {
		t.Errorf("the newest cutoff: %+v, err %v; want purge #%d's", n, err, all.ID)
	}
	if got := gaps(t, s); len(got) != 1 || got[0].First != 1 || got[0].Last != 30 || got[0].After != newer[9].Hash {
		t.Errorf("runs %+v", got)
	}
	if n, err := verify(t, s); err != nil || n != 0 {
		t.Fatalf("an empty ledger: %d, %v", n, err)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{Event("shop", 1)}); err != nil {
		t.Fatal(err)
	}
	if n, err := verify(t, s); err != nil || n != 1 {
		t.Fatalf("after a new event: %d, %v", n, err)
	}
}

// Purging one site's events leaves a run for each stretch of them between
// other sites' events, each anchored to the event before it; purging the
// other site then merges them into one.
func testPurgeOneSite(t *testing.T, s store.Store) {
	ctx := context.Background()
	older := seedSites(t, s, 30, old, "blog", "shop", "shop") // blog at 1, 4, 7, …
	seedSites(t, s, 5, time.Now().UTC().Add(-time.Minute), "shop")
	cutoff := time.Now().AddDate(0, 0, -30)
	if n, err := s.PurgeCount(ctx, store.Purge{Site: "shop", Cutoff: cutoff}); err != nil || n != 20 {
		t.Fatalf("dry run: %d, err %v; want 20", n, err)
	}
	p := purge(t, s, "shop", cutoff, 3)
	if p.Count != 20 || p.First != 2 || p.Last != 30 || p.Site != "shop" {
		t.Errorf("purge %+v", p)
	}
	runs := gaps(t, s)
	if len(runs) != 10 {
		t.Fatalf("%d runs, want 10: %+v", len(runs), runs)
	}
	for i, g := range runs {
		first := int64(3*i + 2)
		if g.First != first || g.Last != first+1 || g.Before != older[first-2].Hash || g.After != older[first].Hash {
			t.Errorf("run %d: %+v", i, g)
		}
	}
	if n, err := verify(t, s); err != nil || n != 15 {
		t.Fatalf("after the purge %d events verify, err %v", n, err)
	}
	for _, e := range older {
		_, err := s.Event(ctx, e.ID)
		if gone := consent.ErrorCode(err) == consent.ENotFound; gone != (e.Site == "shop") {
			t.Errorf("event #%d of %s: err %v", e.Seq, e.Site, err)
		}
	}
	purge(t, s, "blog", cutoff, 4)
	if got := gaps(t, s); len(got) != 1 || got[0].First != 1 || got[0].Last != 30 || got[0].Before != ([32]byte{}) || got[0].After != older[29].Hash {
		t.Errorf("after purging the other site too, runs %+v; want one, 1 to 30", got)
	}
	if n, err := verify(t, s); err != nil || n != 5 {
		t.Fatalf("%d events verify, err %v", n, err)
	}
}

// A purge that stopped part way (here: one covering only the oldest events)
// leaves a run that the next purge extends, and a record of what it did.
func testPurgeInParts(t *testing.T, s store.Store) {
	ctx := context.Background()
	older := seedSites(t, s, 10, old, "shop")
	p := store.Purge{Actor: "scheduler", Site: "shop", Cutoff: old.Add(5 * time.Second)}
	if err := s.BeginPurge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if p.Below != 6 {
		t.Fatalf("below #%d, want #6 (the first event at the cutoff)", p.Below)
	}
	if n, err := s.PurgeBatch(ctx, &p, 100); err != nil || n != 5 {
		t.Fatalf("purged %d, err %v", n, err)
	}
	if n, err := verify(t, s); err != nil || n != 5 {
		t.Fatalf("%d, %v", n, err)
	}
	q := purge(t, s, "", time.Now(), 2)
	if q.Count != 5 || q.First != 6 || q.Last != 10 {
		t.Errorf("second purge %+v", q)
	}
	if got := gaps(t, s); len(got) != 1 || got[0].Last != 10 || got[0].After != older[9].Hash || got[0].Purge != q.ID {
		t.Errorf("runs %+v", got)
	}
	recs, err := s.Purges(ctx, 10)
	if err != nil || len(recs) != 2 || recs[0].ID != q.ID || recs[1].Actor != "scheduler" || recs[1].Site != "shop" || recs[1].Count != 5 {
		t.Errorf("records %+v, err %v", recs, err)
	}
	if n, err := verify(t, s); err != nil || n != 0 {
		t.Fatalf("%d, %v", n, err)
	}
}

// On PostgreSQL the purge lock is the database's, not the schema's: a
// test of another package on the same database (a purge of its own) may
// hold it for a moment, so the takes that must succeed wait for it, as
// retention.Lock does; one that never comes back still fails.
func testPurgeLock(t *testing.T, s store.Store) {
	ctx := context.Background()
	take := func(when string) func() {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			release, ok, err := s.PurgeLock(ctx)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if ok {
				return release
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the purge lock stayed taken for 30 s", when)
			}
		}
	}
	release := take("first")
	if _, ok, err := s.PurgeLock(ctx); err != nil || ok {
		t.Fatalf("second while held: ok %v, err %v", ok, err)
	}
	release()
	take("after release")()
}

// RunTamper runs the cases that change rows behind a store's back after a
// purge. open returns a new empty store and a function that runs one SQL
// statement on its database (literal values only, so it reads the same in
// every dialect).
func RunTamper(t *testing.T, open func(t *testing.T) (store.Store, func(query string) error)) {
	for _, tc := range []struct {
		name string
		sql  []string
		want int64 // the seq verify names
	}{
		{"remaining event changed", Rechoose(4, "country", "'ZZ'"), 4},
		{"remaining event between runs removed", []string{"DELETE FROM events WHERE seq = 7"}, 7},
		{"newest remaining event removed", []string{"DELETE FROM events WHERE seq = 35"}, 34},
		{"run forged over a remaining event", []string{"UPDATE purged SET last_seq = 4 WHERE first_seq = 2"}, 4},
		{"run's anchor changed", []string{"UPDATE purged SET after_hash = before_hash WHERE first_seq = 5"}, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, exec := open(t)
			seedSites(t, s, 30, old, "blog", "shop", "shop")
			seedSites(t, s, 5, time.Now().UTC().Add(-time.Minute), "shop")
			purge(t, s, "shop", time.Now().AddDate(0, 0, -30), 7)
			if _, err := verify(t, s); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			for _, q := range tc.sql {
				if err := exec(q); err != nil {
					t.Fatal(err)
				}
			}
			_, err := verify(t, s)
			var b *ledger.Break
			if !errors.As(err, &b) {
				t.Fatalf("verify after %q: %v, want a break", tc.sql, err)
			}
			if b.Seq != tc.want {
				t.Errorf("break at #%d (%v), want #%d", b.Seq, b, tc.want)
			}
		})
	}
	t.Run("purge refuses a changed event", func(t *testing.T) {
		s, exec := open(t)
		seedSites(t, s, 10, old, "shop")
		for _, q := range Rechoose(3, "country", "'ZZ'") {
			if err := exec(q); err != nil {
				t.Fatal(err)
			}
		}
		p := store.Purge{Actor: "cli", Cutoff: time.Now()}
		if err := s.BeginPurge(context.Background(), &p); err != nil {
			t.Fatal(err)
		}
		_, err := s.PurgeBatch(context.Background(), &p, 100)
		var b *ledger.Break
		if !errors.As(err, &b) || b.Seq != 3 {
			t.Fatalf("purge of tampered evidence: %v, want a break at #3", err)
		}
		if n, err := s.PurgeCount(context.Background(), store.Purge{Cutoff: time.Now()}); err != nil || n != 10 {
			t.Errorf("%d events left, err %v; want all 10", n, err)
		}
	})
}

// Rechoose is the SQL, statement by statement, that changes one field of
// what the event at seq records (its choice) to value, an SQL literal, for
// that event alone, the same in every dialect: a new choices row like the
// event's own but for that field, and the event pointed at it.
func Rechoose(seq int64, field, value string) []string {
	cols := []string{"revision", "action", "granted", "source", "lang", "country", "rule", "texts_hash"}
	sel := slices.Clone(cols)
	sel[slices.Index(cols, field)] = value
	return []string{
		fmt.Sprintf("INSERT INTO choices (%s) SELECT %s FROM choices WHERE id = (SELECT choice_id FROM events WHERE seq = %d)",
			strings.Join(cols, ", "), strings.Join(sel, ", "), seq),
		fmt.Sprintf("UPDATE events SET choice_id = (SELECT max(id) FROM choices) WHERE seq = %d", seq),
	}
}

// A decision still in force keeps its proof, however old: with Expired set,
// only events whose consent expired before it go (here every other one,
// so each removed event is a run of its own), and the ledger verifies.
func testPurgeKeepsInForce(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	var batch []*consent.Event
	for i := range 10 {
		e := Event("shop", i)
		e.Time = old.Add(time.Duration(i) * time.Second)
		e.Expires = e.Time.Add(30 * 24 * time.Hour) // long expired
		if i%2 == 1 {
			e.Expires = now.Add(30 * 24 * time.Hour) // made under a longer lifetime: still in force
		}
		batch = append(batch, e)
	}
	if err := s.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	p := store.Purge{Actor: "scheduler", Site: "shop", Cutoff: now.AddDate(0, 0, -30), Expired: now}
	if n, err := s.PurgeCount(ctx, p); err != nil || n != 5 {
		t.Fatalf("dry run: %d, err %v; want the 5 expired", n, err)
	}
	p = purgeAll(t, s, p, 3)
	if p.Count != 5 {
		t.Errorf("purged %d, want 5", p.Count)
	}
	for i, e := range batch {
		_, err := s.Event(ctx, e.ID)
		if gone := consent.ErrorCode(err) == consent.ENotFound; gone != (i%2 == 0) {
			t.Errorf("event %d (expires %s): gone %v, err %v", i, e.Expires.Format(time.DateOnly), gone, err)
		}
	}
	if got := gaps(t, s); len(got) != 5 {
		t.Errorf("runs %+v, want one for each removed event", got)
	}
	if n, err := verify(t, s); err != nil || n != 5 {
		t.Fatalf("after the purge %d events verify, err %v", n, err)
	}
}

// A purge is listed among the done ones once ended, oldest first, and not
// before: a head covers only records that will not change again.
func testPurgeDone(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedSites(t, s, 10, old, "shop", "blog")
	first := purge(t, s, "shop", old.Add(time.Hour), 2)
	second := purge(t, s, "blog", old.Add(time.Hour), 2)
	done := func() (ids []int64) {
		t.Helper()
		if err := s.DonePurges(ctx, func(p store.Purge) error {
			if !p.Done {
				t.Errorf("purge #%d listed as done but not marked", p.ID)
			}
			ids = append(ids, p.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := done(); len(got) != 0 {
		t.Fatalf("done before any ended: %v", got)
	}
	for _, p := range []store.Purge{second, first} {
		if _, err := s.EndPurge(ctx, p.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := done(); !reflect.DeepEqual(got, []int64{first.ID, second.ID}) {
		t.Errorf("done purges %v, want %d then %d", got, first.ID, second.ID)
	}
	if recs, err := s.Purges(ctx, 1); err != nil || len(recs) != 1 || !recs[0].Done || recs[0].Count != 5 {
		t.Errorf("newest record %+v, err %v", recs, err)
	}
}

// A purge killed between two batches leaves its record not done and true
// to what it removed: the runs add up to the records' counts. Ended as
// interrupted (retention.Close), it is done, listed among the done purges,
// and stays as it is when ended again.
func testPurgeUnfinished(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedSites(t, s, 10, old, "shop")
	p := store.Purge{Actor: "cli", Site: "shop", Cutoff: time.Now()}
	if err := s.BeginPurge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := s.PurgeBatch(ctx, &p, 3); err != nil || n != 3 {
			t.Fatalf("purged %d, err %v", n, err)
		}
	}
	accounted := func() {
		t.Helper()
		if n, purged, err := verifyPurged(s); err != nil || n != 4 || purged != 6 {
			t.Fatalf("%d events verify, %d purged, err %v", n, purged, err)
		}
	}
	accounted()
	open, err := s.UnfinishedPurges(ctx)
	if err != nil || len(open) != 1 || open[0].ID != p.ID || open[0].Count != 6 || open[0].Last != 6 || open[0].Done {
		t.Fatalf("unfinished %+v, err %v", open, err)
	}
	var done []store.Purge
	list := func(r store.Purge) error { done = append(done, r); return nil }
	if err := s.DonePurges(ctx, list); err != nil || len(done) != 0 {
		t.Fatalf("done before it was closed: %+v, err %v", done, err)
	}
	for _, interrupted := range []bool{true, false} {
		r, err := s.EndPurge(ctx, p.ID, interrupted)
		if err != nil || r.ID != p.ID || !r.Done || !r.Interrupted || r.Count != 6 || r.Last != 6 || r.LastHash != p.LastHash {
			t.Fatalf("ended (interrupted %v): %+v, err %v", interrupted, r, err)
		}
	}
	if _, err := s.EndPurge(ctx, p.ID+1, true); err == nil {
		t.Error("ended a purge that does not exist")
	}
	if open, err := s.UnfinishedPurges(ctx); err != nil || len(open) != 0 {
		t.Fatalf("unfinished after closing %+v, err %v", open, err)
	}
	if err := s.DonePurges(ctx, list); err != nil || len(done) != 1 || !done[0].Done || !done[0].Interrupted || done[0].Count != 6 {
		t.Fatalf("done %+v, err %v; want the record, interrupted", done, err)
	}
	accounted()
}

// A purge record once done never changes again (a head recorded since
// covers it): a batch of a purge whose record was ended meanwhile, as the
// next purge ends one it believes killed when the purge lock was lost (a
// PostgreSQL session of the lock dropped, a lock file removed), fails and
// removes nothing, so the purge still running stops there.
func testPurgeEndedRemovesNoMore(t *testing.T, s store.Store) {
	ctx := context.Background()
	seedSites(t, s, 10, old, "shop")
	p := store.Purge{Actor: "cli", Site: "shop", Cutoff: time.Now()}
	if err := s.BeginPurge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeBatch(ctx, &p, 3); err != nil || n != 3 {
		t.Fatalf("purged %d, err %v", n, err)
	}
	ended, err := s.EndPurge(ctx, p.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeBatch(ctx, &p, 3); err == nil || n != 0 {
		t.Errorf("a batch of a purge already ended: removed %d, err %v; want an error", n, err)
	}
	recs, err := s.Purges(ctx, 1)
	if err != nil || len(recs) != 1 || !reflect.DeepEqual(recs[0], ended) {
		t.Fatalf("the ended record changed: %+v, want %+v (err %v)", recs, ended, err)
	}
	if n, purged, err := verifyPurged(s); err != nil || n != 7 || purged != 3 {
		t.Fatalf("%d events verify, %d purged, err %v; want 7 and 3", n, purged, err)
	}
}

// verifyPurged walks the ledger from the start and checks that its purged
// runs account for every event the purge records say they removed: how
// many events verify, and how many were purged.
func verifyPurged(s store.Store) (int64, int64, error) {
	ctx := context.Background()
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil {
		return v.Count(), 0, err
	}
	purged, err := s.PurgedTotal(ctx)
	if err == nil {
		err = v.Accounted(purged)
	}
	return v.Count(), purged, err
}
