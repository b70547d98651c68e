package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// texts returns the text of every element with class cls inside the
// element whose data-testid is id, in document order.
func texts(page, id, cls string) []string {
	i := strings.Index(page, `data-testid="`+id+`"`)
	if i < 0 {
		return nil
	}
	end := strings.Index(page[i:], "</g>")
	var out []string
	for _, m := range regexp.MustCompile(`class="`+cls+`"[^>]*>([^<]*)<`).FindAllStringSubmatch(page[i:i+end], -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// seedDays appends, through the store's ledger append, n[i] decisions on the
// i-th day from first (accept all, reject all, custom with analytics, in
// turn), all under revision 1.
func seedDays(t *testing.T, a *app.App, first time.Time, n []int) {
	t.Helper()
	for i, k := range n {
		var batch []*consent.Event
		for j := range k {
			e := storetest.Event("demo", j)
			e.Time = first.AddDate(0, 0, i).Add(time.Duration(j) * time.Minute)
			switch j % 3 {
			case 0:
				e.Action, e.Granted = consent.AcceptAll, []string{"analytics", "marketing", "necessary", "preferences"}
			case 1:
				e.Action, e.Granted = consent.RejectAll, []string{"necessary"}
			}
			batch = append(batch, e)
		}
		if len(batch) > 0 {
			if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The decisions chart has a y-axis from 0 to a round number at or above the
// busiest day, with round gridlines between, and a date axis labelled in the
// user's language at a spacing that suits the period.
func TestDashboardAxes(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Viewer)
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // a Sunday
	seedDays(t, a, first, []int{3, 0, 137, 12, 5, 0, 1, 40, 9})
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	for _, tc := range []struct {
		lang, from, to string
		x              []string // the date labels, in order along the axis
		years          []string // the years under them, on the yearly scale
		y              []string
	}{
		{"en", "2026-11-01", "2026-11-07", []string{"Nov 1", "Nov 2", "Nov 3", "Nov 4", "Nov 5", "Nov 6", "Nov 7"}, nil, []string{"0", "50", "100", "150"}},
		{"en", "2026-11-01", "2026-11-30", []string{"Nov 2", "Nov 9", "Nov 16", "Nov 23", "Nov 30"}, nil, []string{"0", "50", "100", "150"}},
		{"en", "2026-09-03", "2026-11-30", []string{"Sep 15", "Oct 1", "Oct 15", "Nov 1", "Nov 15"}, nil, []string{"0", "50", "100", "150"}},
		{"en", "2025-12-01", "2026-11-30", []string{"Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"}, []string{"2025", "2026"}, []string{"0", "50", "100", "150"}},
		{"de", "2026-11-01", "2026-11-07", []string{"1. Nov.", "2. Nov.", "3. Nov.", "4. Nov.", "5. Nov.", "6. Nov.", "7. Nov."}, nil, []string{"0", "50", "100", "150"}},
		{"fr", "2026-11-02", "2026-11-02", []string{"2 nov."}, nil, []string{"0", "1"}},
		{"es", "2026-11-08", "2026-11-09", []string{"8 nov", "9 nov"}, nil, []string{"0", "10", "20", "30", "40"}},
		{"ar", "2026-11-01", "2026-11-07", []string{"1 نوفمبر", "2 نوفمبر", "3 نوفمبر", "4 نوفمبر", "5 نوفمبر", "6 نوفمبر", "7 نوفمبر"}, nil, []string{"0", "50", "100", "150"}},
	} {
		if status, body, _ := c.post("/admin/me", url.Values{"lang": {tc.lang}, "tz": {"Pacific/Kiritimati"}, "_csrf": {c.pageToken()}}); status != http.StatusSeeOther {
			t.Fatalf("setting %s: %d %s", tc.lang, status, body)
		}
		status, page, _ := c.get("/admin/dashboard?site=demo&from=" + tc.from + "&to=" + tc.to)
		if status != http.StatusOK {
			t.Fatalf("%s %s–%s: %d", tc.lang, tc.from, tc.to, status)
		}
		if x := texts(page, "chart-x", "xtick"); !slices.Equal(x, tc.x) {
			t.Errorf("%s %s–%s: date labels %q, want %q", tc.lang, tc.from, tc.to, x, tc.x)
		}
		if years := texts(page, "chart-x", "xsub"); !slices.Equal(years, tc.years) {
			t.Errorf("%s %s–%s: years %q, want %q", tc.lang, tc.from, tc.to, years, tc.years)
		}
		y := texts(page, "chart-y", "ytick")
		if !slices.Equal(y, tc.y) {
			t.Errorf("%s %s–%s: y labels %q, want %q", tc.lang, tc.from, tc.to, y, tc.y)
		}
		// The top gridline is at or above every bar, and the bars start at 0.
		from, _ := time.Parse("2006-01-02", tc.from)
		to, _ := time.Parse("2006-01-02", tc.to)
		top, _ := strconv.Atoi(y[len(y)-1])
		busiest := 0
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			if i := int(d.Sub(first).Hours() / 24); i >= 0 && i < 9 {
				busiest = max(busiest, []int{3, 0, 137, 12, 5, 0, 1, 40, 9}[i])
			}
		}
		if top < busiest || y[0] != "0" {
			t.Errorf("%s %s–%s: the y-axis runs %s to %d, the busiest day has %d", tc.lang, tc.from, tc.to, y[0], top, busiest)
		}
		// The table under the chart has a row a day, dated.
		rows := regexp.MustCompile(`<tr><th scope="row">([^<]+)</th>`).FindAllStringSubmatch(page[strings.Index(page, `data-testid="chart-table"`):], -1)
		if days := int(to.Sub(from).Hours()/24) + 1; len(rows) < days {
			t.Errorf("%s %s–%s: the chart's table has %d rows, want %d days", tc.lang, tc.from, tc.to, len(rows), days)
		}
	}
}

// The opt-in rate of a category is the share of decisions that granted it,
// among every decision (withdrawals and reject all included) on a revision
// that offered it: a category added by revision 2 has no rate on a day with
// revision 1's decisions only.
func TestDashboardOptInRates(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Viewer)
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	site.Categories = append(site.Categories, consent.Category{Key: "social"})
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	var batch []*consent.Event
	add := func(at time.Time, rev int, act consent.Action, granted ...string) {
		e := storetest.Event("demo", len(batch))
		e.Time, e.Revision, e.Action, e.Granted = at.Add(time.Duration(len(batch))*time.Second), rev, act, granted
		batch = append(batch, e)
	}
	// Day 1, revision 1 only: 5 decisions, 3 granting analytics.
	add(day1, 1, consent.AcceptAll, "analytics", "marketing", "necessary", "preferences")
	add(day1, 1, consent.Custom, "analytics", "necessary")
	add(day1, 1, consent.Custom, "analytics", "necessary", "preferences")
	add(day1, 1, consent.RejectAll, "necessary")
	add(day1, 1, consent.Withdraw, "necessary")
	// Day 2: one decision on revision 1, three on revision 2 (with social).
	day2 := day1.AddDate(0, 0, 1)
	add(day2, 1, consent.AcceptAll, "analytics", "marketing", "necessary", "preferences")
	add(day2, 2, consent.AcceptAll, "analytics", "marketing", "necessary", "preferences", "social")
	add(day2, 2, consent.Custom, "necessary", "social")
	add(day2, 2, consent.RejectAll, "necessary")
	if err := a.Store.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	_, page, _ := c.get("/admin/dashboard?site=demo&from=2026-10-05&to=2026-10-07")
	for id, want := range map[string]string{
		"optin-analytics-2026-10-05":   "60.0% (3 of 5)",
		"optin-preferences-2026-10-05": "40.0% (2 of 5)",
		"optin-marketing-2026-10-05":   "20.0% (1 of 5)",
		"optin-social-2026-10-05":      "—", // not offered yet
		"optin-analytics-2026-10-06":   "50.0% (2 of 4)",
		"optin-social-2026-10-06":      "66.7% (2 of 3)",
		"optin-analytics-2026-10-07":   "—", // nobody decided
	} {
		m := regexp.MustCompile(`data-testid="` + id + `">([^<]*)<`).FindStringSubmatch(page)
		if m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("%s = %v, want %q", id, m, want)
		}
	}
	if !strings.Contains(page, `data-testid="optin-help"`) {
		t.Error("the opt-in chart does not explain its denominator")
	}
	if strings.Contains(page, `data-testid="optin-necessary-`) {
		t.Error("the opt-in chart shows the necessary category")
	}
	// The CSV has the same figures.
	status, body, _ := c.get("/admin/dashboard/export?site=demo&from=2026-10-05&to=2026-10-07&view=optin")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil || strings.Join(rows[0], ",") != "from,days,category,granted,decisions,opt_in_percent" {
		t.Fatalf("opt-in CSV: %d %v %q", status, err, body)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]+" "+r[2]] = strings.Join(r[3:], ",")
	}
	for k, want := range map[string]string{"2026-10-05 analytics": "3,5,60.00", "2026-10-05 social": "0,0,", "2026-10-06 social": "2,3,66.67", "2026-10-07 marketing": "0,0,"} {
		if got[k] != want {
			t.Errorf("opt-in CSV %s: %q, want %q", k, got[k], want)
		}
	}
	// Over three months the rates are weekly, each week from Monday.
	_, page, _ = c.get("/admin/dashboard?site=demo&from=2026-09-01&to=2026-11-29")
	if !strings.Contains(page, `data-testid="optin-analytics-2026-10-05">55.6% (5 of 9)<`) || !strings.Contains(page, `data-testid="optin-analytics-2026-09-01">`) ||
		strings.Contains(page, `data-testid="optin-analytics-2026-10-06"`) {
		t.Error("over three months, the week from Monday Oct 5 does not hold both days' decisions (5 of 9 granted analytics)")
	}
}

// Two revisions compared: decisions posted through the consent API (the
// ledger writer), some on the old revision after the new one was
// published, counted under the revision each visitor was shown.
func TestDashboardComparesRevisions(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Viewer)
	if _, page, _ := c.get("/admin/dashboard?site=demo"); !strings.Contains(page, `data-testid="compare-none"`) {
		t.Error("with one revision the dashboard does not say there is nothing to compare")
	}
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	site.ChangeNote = "Reject all on the first layer"
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	post := func(rev int, body string, times int) {
		for range times {
			rec := do(a, req{"POST", consents, fmt.Sprintf(`{%s,"revision":%d,"lang":"en","page":"%s/demo"}`, body, rev, a.URL()),
				map[string]string{"Origin": a.URL()}})
			if rec.Code != http.StatusCreated {
				t.Fatalf("posting %s: %d %s", body, rec.Code, rec.Body)
			}
		}
	}
	// Revision 1: 6 accept all, 2 reject all, 2 custom with analytics.
	post(1, `"action":"accept_all"`, 6)
	post(1, `"action":"reject_all"`, 2)
	post(1, `"action":"custom","categories":{"analytics":true}`, 2)
	// Revision 2: 3 accept all, 5 reject all, 1 custom with marketing, 1 withdrawal.
	post(2, `"action":"accept_all"`, 3)
	post(2, `"action":"reject_all"`, 5)
	post(2, `"action":"custom","categories":{"marketing":true}`, 1)
	post(2, `"action":"withdraw"`, 1)
	cell := func(page, id string) []string {
		m := regexp.MustCompile(`data-testid="compare-` + id + `"><th scope="row">[^<]*</th><td class="a">([^<]*)</td><td class="b">([^<]*)</td><td class="diff">([^<]*)</td>`).FindStringSubmatch(page)
		if m == nil {
			return nil
		}
		return []string{m[1], m[2], strings.NewReplacer("\u2066", "", "\u2069", "").Replace(html.UnescapeString(m[3]))}
	}
	// The revision comparison waits for the writer: the posts are answered
	// after their commit, so the counts are complete.
	_, page, _ := c.get("/admin/dashboard?site=demo")
	for id, want := range map[string][]string{
		"action-accept_all": {"60.0%", "30.0%", "−30.0 pp"},
		"action-reject_all": {"20.0%", "50.0%", "+30.0 pp"},
		"action-custom":     {"20.0%", "10.0%", "−10.0 pp"},
		"action-withdraw":   {"0.0%", "10.0%", "+10.0 pp"},
		"optin-analytics":   {"80.0%", "30.0%", "−50.0 pp"},
		"optin-marketing":   {"60.0%", "40.0%", "−20.0 pp"},
		"optin-preferences": {"60.0%", "30.0%", "−30.0 pp"},
	} {
		if got := cell(page, id); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	for _, want := range []string{"10 decisions", `<option value="1" selected>`, `<option value="2" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the comparison lacks %q", want)
		}
	}
	// Picking the revisions the other way round turns the differences.
	_, page, _ = c.get("/admin/dashboard?site=demo&base=2&rev=1")
	if got := cell(page, "action-reject_all"); !slices.Equal(got, []string{"50.0%", "20.0%", "−30.0 pp"}) {
		t.Errorf("revision 2 against 1, reject all: %q", got)
	}
	if status, _, _ := c.get("/admin/dashboard?site=demo&base=9"); status != http.StatusNotFound {
		t.Errorf("an unpublished revision: %d, want 404", status)
	}
	if status, _, _ := c.get("/admin/dashboard?site=demo&rev=x"); status != http.StatusBadRequest {
		t.Errorf("a revision that is no number: %d, want 400", status)
	}
	// The CSV of the comparison.
	status, body, _ := c.get("/admin/dashboard/export?site=demo&view=revisions")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil {
		t.Fatalf("comparison CSV: %d %v", status, err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]+" "+r[1]] = strings.Join(r[2:], ",")
	}
	for k, want := range map[string]string{
		"measure key":        "revision_1_count,revision_1_percent,revision_2_count,revision_2_percent,difference_pp",
		"decisions ":         "10,,10,,",
		"action reject_all":  "2,20.00,5,50.00,30.00",
		"opt_in analytics":   "8,80.00,3,30.00,-50.00",
		"opt_in marketing":   "6,60.00,4,40.00,-20.00",
		"action withdraw":    "0,0.00,1,10.00,10.00",
		"opt_in preferences": "6,60.00,3,30.00,-30.00",
		"action custom":      "2,20.00,1,10.00,-10.00",
		"action accept_all":  "6,60.00,3,30.00,-30.00",
		"opt_in necessary":   "",
	} {
		if got[k] != want {
			t.Errorf("comparison CSV %q: %q, want %q", k, got[k], want)
		}
	}
	if status, _, _ := c.get("/admin/dashboard/export?site=demo&view=pie"); status != http.StatusBadRequest {
		t.Errorf("an unknown view: %d, want 400", status)
	}
}

// TestDashboardUnknownSite: a site the URL names and the console does not
// hold is a 404 that says so, in the console's language, with no figures:
// the first site's numbers showed under the name asked for.
func TestDashboardUnknownSite(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	if err := a.Store.AppendBatch(context.Background(), demoEvents(t, a, 3)); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	if _, page, _ := c.get("/admin/dashboard?site=demo"); !strings.Contains(page, `data-testid="totals"`) {
		t.Fatal("the demo's own dashboard shows no totals")
	}
	for _, tc := range []struct{ lang, want string }{{"en", "There is no site nosuch."}, {"de", "Es gibt keine Website nosuch."}} {
		c.speak(tc.lang)
		status, page, _ := c.get("/admin/dashboard?site=nosuch")
		if status != http.StatusNotFound || shownError(t, page) != tc.want {
			t.Errorf("%s: %d %q", tc.lang, status, shownError(t, page))
		}
		if strings.Contains(page, `data-testid="totals"`) || strings.Contains(page, `data-testid="periods"`) {
			t.Errorf("%s: another site's figures under the name asked for", tc.lang)
		}
	}
	if status, _, _ := c.get("/admin/dashboard/export?site=nosuch"); status != http.StatusNotFound {
		t.Errorf("export of no such site: %d, want 404", status)
	}
}

// TestLogUnknownSite: the log filtered by a site the console does not hold
// is a 404 that says so in the console's language, as the dashboard's is,
// not a log with "no events"; its export is refused the same way, back on
// the log for a browser and as JSON for a client that asks for it.
func TestLogUnknownSite(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	if err := a.Store.AppendBatch(context.Background(), demoEvents(t, a, 3)); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	if status, page, _ := c.get("/admin/log?site=demo"); status != http.StatusOK || strings.Contains(page, `data-testid="error"`) {
		t.Fatalf("the demo's own log: %d", status)
	}
	for _, tc := range []struct{ lang, want string }{{"en", "There is no site nosuch."}, {"de", "Es gibt keine Website nosuch."}} {
		c.speak(tc.lang)
		for _, path := range []string{"/admin/log?site=nosuch", "/admin/log/export?format=csv&site=nosuch"} {
			status, page, _ := c.get(path)
			if status != http.StatusNotFound || shownError(t, page) != tc.want {
				t.Errorf("%s %s: %d %q", tc.lang, path, status, shownError(t, page))
			}
			if strings.Contains(page, `data-testid="empty"`) {
				t.Errorf("%s %s: says the log is empty", tc.lang, path)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/admin/log/export?format=csv&site=nosuch", nil)
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("JSON export of no such site: %d, want 404", res.StatusCode)
	}
}
