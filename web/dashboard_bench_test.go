package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
	"golang.org/x/crypto/bcrypt"
)

// A site as the dashboard benchmark sees it: 12 optional categories, 60
// countries, 30 languages, 6 revisions over the year, each live about two
// months.
const (
	benchDays      = 365
	benchRevisions = 6
)

var (
	benchCategories = func() []string {
		out := []string{"analytics", "marketing", "preferences"}
		for i := len(out); i < 12; i++ {
			out = append(out, fmt.Sprintf("extra_%d", i))
		}
		return out
	}()
	benchCountries = codes(60)
	benchLangs     = codes(30)
)

func codes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('A'+i/26)) + string(rune('A'+i%26))
	}
	return out
}

// benchSite publishes the demo site benchRevisions times, the last with 12
// optional categories, and returns the app on a SQLite file it names.
func benchSite(b *testing.B) (*app.App, string) {
	path := filepath.Join(b.TempDir(), "c.db")
	a, err := app.Open(context.Background(), app.Options{Addr: "127.0.0.1:0", DB: "sqlite:" + path, Demo: true,
		Log: slog.New(slog.DiscardHandler), BcryptCost: bcrypt.MinCost})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range benchCategories[3:] {
		site.Categories = append(site.Categories, consent.Category{Key: k})
	}
	for site.Revision < benchRevisions {
		if site.Revision, err = a.Store.Publish(ctx, site, nil); err != nil {
			b.Fatal(err)
		}
	}
	return a, path
}

// revisionOn is the revision live on day d of the year (0 the first).
func revisionOn(d int) int { return 1 + d*benchRevisions/benchDays }

// BenchmarkDashboard times the dashboard end to end through the handler
// (rollup query, revision comparison, render, write) for the last 30, 90
// and 365 days of a year of decisions, signed in:
//
//   - Rollup10M: the daily rollup of 10,000,000 decisions, written straight
//     into the daily table (about 27,400 a day, every dimension, the
//     revision one included), as the ledger writer would have left it;
//   - Ledger: CONSENTRY_BENCH_EVENTS real events (default 1,000,000)
//     appended through the store over the same year, so the rollup is the
//     writer's own. The dashboard reads only the rollup, so both should take
//     the same time: it depends on days × dimension values, not on events.
//
// With a real ledger it also times migration 00008's backfill of the
// revision counts from those events (BackfillRevisions).
func BenchmarkDashboard(b *testing.B) {
	b.Run("Rollup10M", func(b *testing.B) {
		a, path := benchSite(b)
		rows := fillRollup(b, path, 10_000_000)
		b.Logf("daily rollup of 10,000,000 decisions: %d rows", rows)
		dashboardPeriods(b, a)
	})
	b.Run("Ledger", func(b *testing.B) {
		n := 1_000_000
		if s := os.Getenv("CONSENTRY_BENCH_EVENTS"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		a, path := benchSite(b)
		t0 := time.Now()
		seedYear(b, a, n)
		b.Logf("seeded %d events in %s", n, time.Since(t0).Round(time.Second))
		db := openBenchDB(b, path)
		var rows int
		if err := db.QueryRow("SELECT count(*) FROM daily WHERE site_id = 'demo'").Scan(&rows); err != nil {
			b.Fatal(err)
		}
		b.Logf("daily rollup of %d events: %d rows", n, rows)
		dashboardPeriods(b, a)
		b.Run("BackfillRevisions", func(b *testing.B) {
			up, _, _ := strings.Cut(readFile(b, "../internal/store/sqlite/migrations/00008_dashboard.sql"), "-- +goose Down")
			for b.Loop() {
				b.StopTimer()
				if _, err := db.Exec("DROP INDEX daily_revision; DELETE FROM daily WHERE dim = 'revision'"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := db.Exec(up); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func readFile(b *testing.B, path string) string {
	body, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return string(body)
}

func openBenchDB(b *testing.B, path string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// dashboardPeriods times the dashboard over the last 30, 90 and 365 days of
// the seeded year.
func dashboardPeriods(b *testing.B, a *app.App) {
	cookies := signIn(b, a)
	last := time.Now().UTC()
	for _, days := range []int{30, 90, 365} {
		path := "/admin/dashboard?" + url.Values{"site": {"demo"}, "from": {last.AddDate(0, 0, 1-days).Format("2006-01-02")},
			"to": {last.Format("2006-01-02")}}.Encode()
		b.Run(fmt.Sprintf("%dDays", days), func(b *testing.B) {
			size := 0
			for b.Loop() {
				r := httptest.NewRequest("GET", path, nil)
				for _, c := range cookies {
					r.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				a.Server.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="compare"`) {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// decision draws one visitor's choice: a site whose later revisions are
// refused more often.
func decision(r *rand.Rand, rev int) (consent.Action, []string) {
	accept := 0.65 - 0.04*float64(rev)
	switch x := r.Float64(); {
	case x < accept:
		return consent.AcceptAll, append([]string{"necessary"}, benchCategories...)
	case x < 0.85:
		return consent.RejectAll, []string{"necessary"}
	case x < 0.96:
		granted := []string{"necessary"}
		for i, c := range benchCategories {
			if r.IntN(len(benchCategories)+2) > i {
				granted = append(granted, c)
			}
		}
		return consent.Custom, granted
	default:
		return consent.Withdraw, []string{"necessary"}
	}
}

// seedYear appends n events over the last benchDays days in batches, as the
// ledger writer does.
func seedYear(b *testing.B, a *app.App, n int) {
	r := rand.New(rand.NewPCG(1, 2))
	first := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-benchDays)
	step := benchDays * 24 * time.Hour / time.Duration(n)
	batch := make([]*consent.Event, 0, 2000)
	for i := range n {
		e := storetest.Event("demo", i)
		e.Time = first.Add(time.Duration(i) * step)
		e.Revision = revisionOn(int(e.Time.Sub(first).Hours() / 24))
		e.Action, e.Granted = decision(r, e.Revision)
		e.Country, e.Lang = benchCountries[r.IntN(len(benchCountries))], benchLangs[r.IntN(len(benchLangs))]
		batch = append(batch, e)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// fillRollup writes the daily rollup of total decisions over the last
// benchDays days straight into the table: per day its actions, categories
// granted, countries, languages and the revision counts, from a sample of
// decisions scaled up, and returns the rows written.
func fillRollup(b *testing.B, path string, total int) int {
	db := openBenchDB(b, path)
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare("INSERT INTO daily (site_id, day, dim, key, n) VALUES ('demo', ?, ?, ?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	first := consent.Day(time.Now().UTC()) + 1 - benchDays
	rows := 0
	const sample = 2000
	for d := range benchDays {
		perDay := total / benchDays
		scale := float64(perDay) / sample
		counts := map[[2]string]int64{}
		for range sample {
			rev := revisionOn(d)
			act, granted := decision(r, rev)
			counts[[2]string{"action", string(act)}]++
			counts[[2]string{consent.DimRevision, consent.RevisionKey(rev, "action", string(act))}]++
			for _, g := range granted {
				counts[[2]string{"granted", g}]++
				counts[[2]string{consent.DimRevision, consent.RevisionKey(rev, "granted", g)}]++
			}
			counts[[2]string{"country", benchCountries[r.IntN(len(benchCountries))]}]++
			counts[[2]string{"lang", benchLangs[r.IntN(len(benchLangs))]}]++
		}
		for k, n := range counts {
			if _, err := ins.Exec(first+int64(d), k[0], k[1], int64(float64(n)*scale)); err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return rows
}
