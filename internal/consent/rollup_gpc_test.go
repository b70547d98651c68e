package consent_test

import (
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// TestGPCOptOutsAreTheirOwnOutcome: the rollup counts an opt-out the Global
// Privacy Control signal made by itself under gpc, whether it was stored as
// accept_all (before 2 December 2026) or custom, never under the action it
// was stored with; it grants nothing there, so the rates of the categories
// and the opt-in rates count the decisions visitors made and no others.
func TestGPCOptOutsAreTheirOwnOutcome(t *testing.T) {
	day := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	all := []string{"analytics", "marketing", "necessary", "preferences"}
	left := []string{"analytics", "necessary", "preferences"} // what a GPC opt-out leaves on
	ev := func(a consent.Action, s consent.Source, granted []string) *consent.Event {
		return &consent.Event{Site: "shop", Revision: 1, Time: day, Action: a, Source: s, Granted: granted, Lang: "en", Country: "US"}
	}
	events := []*consent.Event{
		ev(consent.AcceptAll, consent.SourceBanner, all),
		ev(consent.RejectAll, consent.SourceBanner, []string{"necessary"}),
		ev(consent.Custom, consent.SourcePreferences, []string{"analytics", "necessary"}),
		ev(consent.AcceptAll, consent.SourceGPC, left), // stored so before 66dc9d7
		ev(consent.Custom, consent.SourceGPC, left),
		ev(consent.Custom, consent.SourceGPC, left),
	}
	d := consent.Day(day)
	counts := consent.Rollup(events)
	st := consent.Summarize(counts, d, d)
	for a, want := range map[consent.Action]int64{consent.AcceptAll: 1, consent.RejectAll: 1, consent.Custom: 1, consent.GPCOptOut: 3} {
		if st.Actions[a] != want || st.Days[0].Actions[a] != want {
			t.Errorf("%s: %d decisions (%d that day), want %d", a, st.Actions[a], st.Days[0].Actions[a], want)
		}
	}
	if st.Total != 6 || st.Asked() != 3 {
		t.Errorf("%d decisions, %d asked; want 6 and 3", st.Total, st.Asked())
	}
	// Of the three decisions visitors made, two granted analytics, one
	// marketing and one preferences.
	for c, want := range map[string]float64{"analytics": 2.0 / 3, "marketing": 1.0 / 3, "preferences": 1.0 / 3, "necessary": 1} {
		if got := st.Rate(c); got != want {
			t.Errorf("rate of %s %.3f, want %.3f", c, got, want)
		}
	}
	series := consent.OptInRates(counts, d, d, false, []string{"analytics", "marketing"}, func(int, string) bool { return true })
	for i, want := range [][2]int64{{2, 3}, {1, 3}} {
		if p := series[i].Points[0]; p.Granted != want[0] || p.Decisions != want[1] {
			t.Errorf("opt-in %s: %d of %d, want %d of %d", series[i].Category, p.Granted, p.Decisions, want[0], want[1])
		}
	}
	r := consent.RevisionTotals(counts)[1]
	if r == nil || r.Total != 6 || r.Actions[consent.GPCOptOut] != 3 || r.Actions[consent.AcceptAll] != 1 || r.Rate("analytics") != 2.0/3 {
		t.Errorf("revision 1: %+v, want 6 decisions, 3 GPC opt-outs, 1 accept all, analytics 2 of 3", r)
	}
}
