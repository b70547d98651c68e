package consent_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// TestRollupCountsEveryCell holds Rollup to the plain definition of the
// rollup, one map entry per cell counted event by event, over batches that
// mix sites, days, revisions, actions, categories, countries and languages
// in every order, Global Privacy Control opt-outs among them: the same
// cells, each once, with the same counts.
func TestRollupCountsEveryCell(t *testing.T) {
	acts := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	granted := [][]string{nil, {"necessary"}, {"analytics", "necessary"}, {"analytics", "marketing", "necessary", "preferences"}}
	countries := []string{"", "DE", "FR", "US"}
	langs := []string{"en", "de", "fr"}
	sites := []string{"shop", "blog", "news"}
	day := time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := 1 + r.IntN(64)
		mixed := round%3 != 0 // else one site, day and revision, as under load
		batch := make([]*consent.Event, n)
		for i := range batch {
			e := &consent.Event{Site: "shop", Revision: 1, Time: day, Action: acts[r.IntN(4)], Granted: granted[r.IntN(4)],
				Country: countries[r.IntN(4)], Lang: langs[r.IntN(3)], Source: consent.SourceBanner}
			if r.IntN(5) == 0 {
				e.Source = consent.SourceGPC
			}
			if mixed {
				e.Site, e.Revision = sites[r.IntN(3)], 1+r.IntN(3)
				e.Time = day.Add(time.Duration(r.IntN(3)) * time.Minute)
			}
			batch[i] = e
		}
		got := consent.Rollup(batch)
		want := referenceRollup(batch)
		seen := map[string]bool{}
		for _, c := range got {
			k := cellKey(c)
			if seen[k] {
				t.Fatalf("round %d: cell %s twice", round, k)
			}
			seen[k] = true
			if want[k] != c.N {
				t.Fatalf("round %d: cell %s counts %d, want %d", round, k, c.N, want[k])
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("round %d: %d cells, want %d", round, len(seen), len(want))
		}
	}
}

func cellKey(c consent.Count) string {
	return c.Site + "|" + strconv.FormatInt(c.Day, 10) + "|" + c.Dim + "|" + c.Key
}

// referenceRollup counts every cell of every event in a map: an event's
// outcome, and its grants unless it is a GPC opt-out.
func referenceRollup(events []*consent.Event) map[string]int64 {
	m := map[string]int64{}
	for _, e := range events {
		add := func(dim, key string) {
			m[cellKey(consent.Count{Site: e.Site, Day: consent.Day(e.Time), Dim: dim, Key: key})]++
		}
		outcome := string(e.Action)
		if e.Source == consent.SourceGPC {
			outcome = "gpc"
		}
		add("action", outcome)
		add("country", e.Country)
		add("lang", e.Lang)
		add(consent.DimRevision, consent.RevisionKey(e.Revision, "action", outcome))
		if outcome == "gpc" {
			continue
		}
		for _, g := range slices.Clone(e.Granted) {
			add("granted", g)
			add(consent.DimRevision, consent.RevisionKey(e.Revision, "granted", g))
		}
	}
	return m
}
