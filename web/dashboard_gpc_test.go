package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestDashboardCountsGPCOptOutsApart: after a day of clicks and of opt-outs
// the Global Privacy Control signal made by itself (one stored as
// accept_all, as releases before 2 December 2026 did, two as custom), the
// dashboard shows the opt-outs on a tile, a bar and a column of their own,
// "Opted out by GPC", and counts none of them under "Accepted all" or
// "Chose categories"; the categories' shares and the opt-in rates are of
// the five decisions visitors made, as the help under them says. It counted
// the old one as "Accepted all", the others as "Chose categories", and
// their grants as opt-ins (analytics 75% of 8 decisions, not 60% of 5).
func TestDashboardCountsGPCOptOutsApart(t *testing.T) {
	a, c := signedIn(t, "dpo@demo.example", auth.Viewer)
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	all := []string{"analytics", "marketing", "necessary", "preferences"}
	left := []string{"analytics", "necessary", "preferences"} // what the signal leaves on in an opt-out region
	var batch []*consent.Event
	add := func(act consent.Action, src consent.Source, granted ...string) {
		e := storetest.Event("demo", len(batch))
		e.Time, e.Action, e.Source, e.Granted = day.Add(time.Duration(len(batch))*time.Minute), act, src, granted
		if src == consent.SourceGPC {
			e.GPC, e.Country, e.Rule = true, "US", "opt-out (US)"
		}
		batch = append(batch, e)
	}
	add(consent.AcceptAll, consent.SourceBanner, all...)
	add(consent.AcceptAll, consent.SourceBanner, all...)
	add(consent.RejectAll, consent.SourceBanner, "necessary")
	add(consent.Custom, consent.SourcePreferences, "analytics", "necessary")
	add(consent.Withdraw, consent.SourcePreferences, "necessary")
	add(consent.AcceptAll, consent.SourceGPC, left...) // as stored before 2 December 2026
	add(consent.Custom, consent.SourceGPC, left...)
	add(consent.Custom, consent.SourceGPC, left...)
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	const period = "/admin/dashboard?site=demo&from=2026-11-20&to=2026-11-20"
	cell := func(page, re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(page)
		if m == nil {
			return "(none)"
		}
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	for _, lang := range []struct{ code, gpc string }{{"en", "Opted out by GPC"}, {"ar", "انسحاب بإشارة GPC"}} {
		c.speak(lang.code)
		_, page, _ := c.get(period)
		if lang.code == "en" {
			for id, want := range map[string]string{"total": "8", "accept_all": "2", "reject_all": "1", "custom": "1", "withdraw": "1", "gpc": "3"} {
				if got := cell(page, `data-testid="tile-`+id+`">\s*<span class="n">([^<]*)<`); got != want {
					t.Errorf("tile %s shows %s, want %s", id, got, want)
				}
			}
			for key, want := range map[string]string{"analytics": "60.0%", "marketing": "40.0%", "preferences": "40.0%", "necessary": "100.0%"} {
				if got := cell(page, `data-testid="rate-`+key+`">([^<]*)<`); got != want {
					t.Errorf("share granting %s: %s, want %s (of the 5 decisions visitors made)", key, got, want)
				}
			}
			for key, want := range map[string]string{"analytics": "60.0% (3 of 5)", "marketing": "40.0% (2 of 5)", "preferences": "40.0% (2 of 5)"} {
				if got := cell(page, `data-testid="optin-`+key+`-2026-11-20">([^<]*)<`); got != want {
					t.Errorf("opt-in rate of %s: %s, want %s", key, got, want)
				}
			}
			for _, id := range []string{"optin-help", "rates-help"} {
				if got := cell(page, `data-testid="`+id+`">([^<]*)<`); !strings.Contains(got, "Global Privacy Control") {
					t.Errorf("%s does not say what a GPC opt-out counts as: %q", id, got)
				}
			}
			if got := cell(page, `<title>[^<]*· Opted out by GPC: ([^<]*)</title>`); got != "3" {
				t.Errorf("the day's bar of GPC opt-outs says %s, want 3", got)
			}
		}
		if got := cell(page, `data-testid="tile-gpc">\s*<span class="n">[^<]*</span>\s*<span>([^<]*)<`); got != lang.gpc {
			t.Errorf("%s: the GPC tile is labelled %q, want %q", lang.code, got, lang.gpc)
		}
		if got := cell(page, `data-action="gpc">.*?<span class="label">([^<]*)<`); got != lang.gpc {
			t.Errorf("%s: the chart's legend names GPC opt-outs %q, want %q", lang.code, got, lang.gpc)
		}
	}
	// The chart's CSV has a column of its own for them.
	_, body, _ := c.get("/admin/dashboard/export?site=demo&from=2026-11-20&to=2026-11-20")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "day,accept_all,reject_all,custom,withdraw,gpc,total" ||
		strings.Join(rows[1], ",") != "2026-11-20,2,1,1,1,3,8" {
		t.Errorf("chart CSV %q (%v), want the gpc column: 2026-11-20,2,1,1,1,3,8", rows, err)
	}
}
