package e2e

import (
	"math/rand/v2"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// seedHistory records days days of decisions on the demo site, oldest
// first, through the ledger writer's store call, as a site with a banner
// change would see them: revision 1 until switchAgo days ago, then revision
// 2 (published here), under which fewer visitors accept all and more reject
// all. The numbers vary from day to day, from a fixed seed; each day has
// about perDay decisions, fewer at weekends.
func (b *browser) seedHistory(days, switchAgo, perDay int) {
	b.t.Helper()
	b.seedHistoryGPC(days, switchAgo, perDay, 0)
}

// seedHistoryGPC is seedHistory with one decision in every gpcEvery (none
// when 0) an opt-out that a US visitor's Global Privacy Control signal made
// by itself (source gpc, no click). The ledger's times never go back, so
// they are recorded with the rest, day by day.
func (b *browser) seedHistoryGPC(days, switchAgo, perDay, gpcEvery int) {
	b.t.Helper()
	site, err := b.app.Store.Site(b.ctx, "demo")
	if err != nil {
		b.t.Fatal(err)
	}
	if site.Revision < 2 {
		site.ChangeNote = "Reject all beside Accept all on the first layer"
		if _, err := b.app.Store.Publish(b.ctx, site, nil); err != nil {
			b.t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(11, 2026))
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for ago := days - 1; ago >= 0; ago-- {
		day := today.AddDate(0, 0, -ago)
		n := perDay*3/4 + r.IntN(perDay/2+1)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n = n * 3 / 5
		}
		rev, accept, reject := 1, 0.62, 0.20
		if ago < switchAgo {
			rev, accept, reject = 2, 0.47, 0.36
		}
		batch := make([]*consent.Event, 0, n)
		for i := range n {
			e := storetest.Event("demo", i)
			e.Revision = rev
			e.Time = day.Add(time.Duration(i) * 20 * time.Hour / time.Duration(n))
			e.Expires = e.Time.Add(consent.DefaultLifetime)
			e.Country = []string{"DE", "FR", "ES", "NL", "AT", "BE", "IT", "PL"}[r.IntN(8)]
			e.Lang = map[string]string{"DE": "de", "AT": "de", "FR": "fr", "BE": "fr", "ES": "es", "NL": "nl", "IT": "it", "PL": "pl"}[e.Country]
			switch x := r.Float64(); {
			case x < accept:
				e.Action, e.Granted = consent.AcceptAll, []string{analytics, marketing, necessary, preferences}
			case x < accept+reject:
				e.Action, e.Granted = consent.RejectAll, []string{necessary}
			case x < 0.95:
				e.Action, e.Granted = consent.Custom, []string{necessary}
				for _, c := range []struct {
					key string
					p   float64
				}{{analytics, 0.7}, {marketing, 0.15}, {preferences, 0.55}} {
					if r.Float64() < c.p {
						e.Granted = append(e.Granted, c.key)
					}
				}
			default:
				e.Action, e.Granted = consent.Withdraw, []string{necessary}
			}
			if gpcEvery > 0 && i%gpcEvery == gpcEvery-1 {
				e.Action, e.Source, e.GPC, e.Granted = consent.Custom, consent.SourceGPC, true, []string{analytics, necessary, preferences}
				e.Country, e.Lang, e.Rule = "US", "en", "opt-out (US)"
			}
			batch = append(batch, e)
		}
		if err := b.app.Store.AppendBatch(b.ctx, batch); err != nil {
			b.t.Fatalf("seeding %s: %v", day.Format("2006-01-02"), err)
		}
	}
}
