package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

// GPCOutcome checks migration 00021 on a store holding what releases before
// it wrote: opt-outs of the Global Privacy Control signal (source gpc)
// stored as accept_all and as custom, counted in the daily rollup under
// those actions with their grants, some of them purged by retention since
// (the rollup still counts them), and rows not marked for the log's filter.
// s is a store of the newest schema; GPCOutcome fills it, closes it, has
// down take the schema back to before 00021 and raw write the old rollup
// and rows, and opens it again with reopen, which migrates it up. Then the
// rollup counts every held GPC opt-out under gpc, granting nothing, the
// purged ones where they were counted, and every other count as it was;
// the log's "Opted out by GPC" filter finds the held ones and the others'
// filters none of them; the ledger verifies.
func GPCOutcome(t *testing.T, s store.Store, raw Raw, down func() error, reopen func() store.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	all := []string{"analytics", "marketing", "necessary", "preferences"}
	left := []string{"analytics", "necessary", "preferences"} // what the signal leaves on in an opt-out region
	var purged, held []*consent.Event
	add := func(list *[]*consent.Event, site string, at time.Time, rev int, act consent.Action, src consent.Source, granted []string) {
		e := Event(site, len(purged)+len(held))
		e.Time, e.Revision, e.Action, e.Source, e.Granted = at.Add(time.Duration(len(purged)+len(held))*time.Second), rev, act, src, granted
		e.GPC = src == consent.SourceGPC || e.GPC
		*list = append(*list, e)
	}
	gone, day2, day3 := now.AddDate(0, 0, -40), now.AddDate(0, 0, -3), now.AddDate(0, 0, -2)
	add(&purged, "shop", gone, 1, consent.AcceptAll, consent.SourceGPC, left)
	add(&purged, "shop", gone, 1, consent.AcceptAll, consent.SourceGPC, left)
	add(&purged, "shop", gone, 1, consent.AcceptAll, consent.SourceBanner, all)
	add(&purged, "shop", gone, 1, consent.RejectAll, consent.SourceBanner, []string{"necessary"})
	add(&held, "shop", day2, 1, consent.AcceptAll, consent.SourceGPC, left)
	add(&held, "shop", day2, 1, consent.AcceptAll, consent.SourceGPC, left)
	add(&held, "shop", day2, 2, consent.Custom, consent.SourceGPC, left)
	add(&held, "shop", day2, 1, consent.AcceptAll, consent.SourceBanner, all)
	add(&held, "shop", day2, 2, consent.Custom, consent.SourcePreferences, []string{"analytics", "necessary"})
	add(&held, "shop", day2, 2, consent.RejectAll, consent.SourceBanner, []string{"necessary"})
	add(&held, "blog", day2, 1, consent.AcceptAll, consent.SourceGPC, left)
	add(&held, "blog", day2, 1, consent.Withdraw, consent.SourceBanner, []string{"necessary"})
	add(&held, "shop", day3, 2, consent.Custom, consent.SourceGPC, left)
	add(&held, "shop", day3, 2, consent.AcceptAll, consent.SourceBanner, all)
	if err := s.AppendBatch(ctx, append(slices.Clone(purged), held...)); err != nil {
		t.Fatal(err)
	}
	if p := purge(t, s, "", now.AddDate(0, 0, -30), 10); p.Count != int64(len(purged)) {
		t.Fatalf("purged %d events, want %d", p.Count, len(purged))
	}
	s.Close()
	if err := down(); err != nil {
		t.Fatalf("down to before 00021: %v", err)
	}
	// What releases before 00021 left: every event counted under its
	// stored action with its grants, no row marked.
	oldStyle := func(events []*consent.Event) []consent.Count {
		var plain []*consent.Event
		for _, e := range events {
			c := *e
			c.Source = consent.SourceBanner // counted as stored
			plain = append(plain, &c)
		}
		return consent.Rollup(plain)
	}
	stmts := []string{"UPDATE events SET flags = flags & 3", "DELETE FROM daily"}
	for _, c := range oldStyle(append(slices.Clone(purged), held...)) {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO daily (site_id, day, dim, key, n) VALUES ('%s', %d, '%s', '%s', %d)", c.Site, c.Day, c.Dim, c.Key, c.N))
	}
	for _, q := range stmts {
		if _, err := raw(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s = reopen()
	defer s.Close()

	want := cells(append(oldStyle(purged), consent.Rollup(held)...))
	got, err := raw("SELECT site_id || '|' || CAST(day AS TEXT) || '|' || dim || '|' || key || '=' || CAST(n AS TEXT) FROM daily")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the rollup after 00021:\n  %s\nwant (the purged opt-outs where they were counted, the held ones under gpc):\n  %s",
			strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if n, err := verify(t, s); err != nil || n != int64(len(held)) {
		t.Errorf("after 00021 the ledger verifies %d events of %d: %v", n, len(held), err)
	}
	// The log's filters are by outcome: the signal's opt-outs under their
	// own, newest first, of every site and of one; none under the action
	// they were stored with.
	ids := func(q consent.LogQuery) []uuid.UUID {
		page, err := s.Log(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []uuid.UUID
		for _, e := range page {
			out = append(out, e.ID)
		}
		return out
	}
	expect := func(site string, keep func(*consent.Event) bool) []uuid.UUID {
		var out []uuid.UUID
		for _, e := range slices.Backward(held) {
			if (site == "" || e.Site == site) && keep(e) {
				out = append(out, e.ID)
			}
		}
		return out
	}
	isGPC := func(e *consent.Event) bool { return e.Source == consent.SourceGPC }
	for _, site := range []string{"", "shop", "blog"} {
		if got, want := ids(consent.LogQuery{Site: site, Action: consent.GPCOptOut}), expect(site, isGPC); !slices.Equal(got, want) {
			t.Errorf("site %q, opted out by GPC: %v, want %v", site, got, want)
		}
		for _, act := range []consent.Action{consent.AcceptAll, consent.Custom} {
			want := expect(site, func(e *consent.Event) bool { return !isGPC(e) && e.Action == act })
			if got := ids(consent.LogQuery{Site: site, Action: act}); !slices.Equal(got, want) {
				t.Errorf("site %q, %s: %v, want %v", site, act, got, want)
			}
		}
	}
	// A page of them after a cursor starts below it.
	first := expect("shop", isGPC)
	e, err := s.Event(ctx, first[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(consent.LogQuery{Site: "shop", Action: consent.GPCOptOut, Before: e.Seq, Limit: 2}); !slices.Equal(got, first[1:3]) {
		t.Errorf("the next page of shop's GPC opt-outs: %v, want %v", got, first[1:3])
	}
}

// cells are counts as sorted "site|day|dim|key=n" lines, summed, zero ones
// left out.
func cells(counts []consent.Count) []string {
	sum := map[string]int64{}
	for _, c := range counts {
		sum[fmt.Sprintf("%s|%d|%s|%s", c.Site, c.Day, c.Dim, c.Key)] += c.N
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(sum)) {
		if sum[k] != 0 {
			out = append(out, fmt.Sprintf("%s=%d", k, sum[k]))
		}
	}
	slices.Sort(out)
	return out
}
