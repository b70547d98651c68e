package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
)

// BenchmarkConsole seeds a real SQLite file (or, with
// CONSENTRY_BENCH_STORE=postgres, a fresh schema in the database
// CONSENTRY_TEST_POSTGRES_URL names) with CONSENTRY_BENCH_EVENTS events
// (default 1,000,000) over 30 days, then times the console's pages
// end to end through the handler (query, render, write): DESIGN.md wants
// any log page ≤ 5 ms, a consent-ID lookup ≤ 1 ms, a 30-day dashboard
// ≤ 50 ms.
func BenchmarkConsole(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("CONSENTRY_BENCH_EVENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	var edit []func(*app.Options)
	if os.Getenv("CONSENTRY_BENCH_STORE") == "postgres" {
		edit = append(edit, onPostgres(pgtest.URL(b), config.NewKeys(), true))
	}
	a := newApp(b, 0, edit...)
	start := time.Now().UTC().AddDate(0, 0, -30).Truncate(24 * time.Hour)
	step := 30 * 24 * time.Hour / time.Duration(n)
	acts := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw, consent.AcceptAll}
	var probe *consent.Event
	batch := make([]*consent.Event, 0, 2000)
	t0 := time.Now()
	for i := range n {
		e := storetest.Event("demo", i)
		e.Action, e.Time = acts[i%len(acts)], start.Add(time.Duration(i)*step)
		e.Country = []string{"FR", "DE", "US", "ES", "SA"}[i%5]
		if i == n/2 {
			probe = e
		}
		batch = append(batch, e)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("seeded %d events in %s", n, time.Since(t0).Round(time.Second))
	// Ingest must not slow as the log grows: the same parallel posts as
	// BenchmarkConsentPost, on the full log.
	b.Run("IngestOnFullLog", func(b *testing.B) { postParallel(b, a) })
	cookies := signIn(b, a)
	deep := strconv.FormatInt(int64(n/100), 10) // 99% of the way down the log
	for _, tc := range []struct{ name, path string }{
		{"LogFirstPage", "/admin/log"},
		{"LogFirstPageSite", "/admin/log?site=demo"},
		{"LogDeepPage", "/admin/log?site=demo&before=" + deep},
		{"LogDeepFiltered", "/admin/log?site=demo&action=custom&before=" + deep},
		{"LogDateRange", "/admin/log?site=demo&from=" + start.AddDate(0, 0, 10).Format("2006-01-02") + "&to=" + start.AddDate(0, 0, 12).Format("2006-01-02")},
		{"ConsentLookup", "/admin/consents/" + probe.ConsentID.String()},
		{"EventProof", "/admin/events/" + probe.ID.String()},
		{"Dashboard30Days", "/admin/dashboard?" + url.Values{"site": {"demo"}, "from": {start.Format("2006-01-02")}, "to": {start.AddDate(0, 0, 29).Format("2006-01-02")}}.Encode()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", tc.path, nil)
				for _, c := range cookies {
					r.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				a.Server.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", tc.path, rec.Code)
				}
			}
		})
	}
}

// signIn returns the cookies of a signed-in admin session.
func signIn(b *testing.B, a *app.App) []*http.Cookie {
	u, err := auth.NewUser("bench@shop.example", auth.Admin, password, 4)
	if err == nil {
		err = a.Store.AddUser(context.Background(), u)
	}
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.Server.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/login", nil))
	csrf := rec.Result().Cookies()
	token := csrfField.FindStringSubmatch(rec.Body.String())[1]
	form := url.Values{"email": {u.Email}, "password": {password}, "_csrf": {token}}
	r := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range csrf {
		r.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	a.Server.ServeHTTP(rec, r)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", rec.Code)
	}
	return append(csrf, rec.Result().Cookies()...)
}
