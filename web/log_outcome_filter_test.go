package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestLogFiltersByOutcome: the log's Action filter offers "Opted out by
// GPC" (in the console's language) and filters by what a decision did, not
// by the action stored: "Opted out by GPC" lists the signal's opt-outs
// stored as accept_all (before 2 December 2026) and as custom, "Accepted
// all" and "Chose categories" list none of them, and the filtered export
// holds the same events. "Accepted all" listed the opt-out stored as
// accept_all, and nothing filtered GPC opt-outs.
func TestLogFiltersByOutcome(t *testing.T) {
	a, c := signedIn(t, "dpo@demo.example", auth.Viewer)
	left := []string{"analytics", "necessary", "preferences"}
	var batch []*consent.Event
	add := func(act consent.Action, src consent.Source, granted ...string) {
		e := storetest.Event("demo", len(batch))
		e.Action, e.Source, e.Granted = act, src, granted
		e.GPC = e.GPC || src == consent.SourceGPC
		batch = append(batch, e)
	}
	add(consent.AcceptAll, consent.SourceBanner, "analytics", "marketing", "necessary", "preferences")
	add(consent.AcceptAll, consent.SourceGPC, left...) // as stored before 2 December 2026
	add(consent.Custom, consent.SourcePreferences, "analytics", "necessary")
	add(consent.Custom, consent.SourceGPC, left...)
	add(consent.RejectAll, consent.SourceBanner, "necessary")
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	id := func(i int) string { return batch[i].ID.String() }
	rowIDs := func(page string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<tr role="row" data-testid="row"><td[^>]*><a href="/admin/events/([0-9a-f-]+)"`).FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, tc := range []struct {
		action string
		want   []string // newest first
	}{
		{"gpc", []string{id(3), id(1)}},
		{"accept_all", []string{id(0)}},
		{"custom", []string{id(2)}},
		{"reject_all", []string{id(4)}},
	} {
		status, page, _ := c.get("/admin/log?action=" + tc.action)
		if got := rowIDs(page); status != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("action=%s: %d, rows %v, want %v", tc.action, status, got, tc.want)
		}
		// The export of the view holds the same events, with their stored codes.
		_, body, _ := c.get("/admin/log/export?format=csv&action=" + tc.action)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Errorf("action=%s: no CSV export (%v)", tc.action, err)
			continue
		}
		var exported []string
		for _, r := range rows[1:] {
			if i := slices.Index(rows[0], "event_id"); i >= 0 {
				exported = append(exported, r[i])
			}
		}
		slices.Sort(exported)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(exported, want) {
			t.Errorf("action=%s: the export holds %v, want %v", tc.action, exported, want)
		}
	}
	for _, lang := range []struct{ code, words string }{
		{"en", "Opted out by GPC"}, {"de", "Widerspruch per GPC"}, {"fr", "Refus par GPC"}, {"es", "Exclusión por GPC"}, {"ar", "انسحاب بإشارة GPC"},
	} {
		c.speak(lang.code)
		_, page, _ := c.get("/admin/log?action=gpc")
		sel := regexp.MustCompile(`(?s)<select name="action">.*?</select>`).FindString(page)
		if m := regexp.MustCompile(`<option value="gpc" selected>([^<]*)<`).FindStringSubmatch(sel); m == nil || html.UnescapeString(m[1]) != lang.words {
			t.Errorf("%s: the Action filter's GPC option is %q, want %q selected", lang.code, m, lang.words)
		}
	}
}
