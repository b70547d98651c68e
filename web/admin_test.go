package web_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/storetest"
	"golang.org/x/crypto/bcrypt"
)

const password = "correct horse battery staple"

// console is a browser-like client of a real server: cookies, CSRF token.
type console struct {
	t    *testing.T
	a    *app.App
	srv  *httptest.Server
	http *http.Client
}

func newConsole(t *testing.T, a *app.App) *console {
	srv := httptest.NewServer(a.Server)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &console{t: t, a: a, srv: srv, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn is a new app's console with a user of role signed in by email.
func signedIn(t *testing.T, email string, role auth.Role) (*app.App, *console) {
	a := newApp(t, 0)
	addUser(t, a, email, role)
	c := newConsole(t, a)
	c.login(email)
	return a, c
}

// ownerOfShop signs an admin in to a new app's console and creates the
// site "shop" (https://shop.example) there, as a site owner starts;
// it returns the console and its form token.
func ownerOfShop(t *testing.T) (*app.App, *console, string) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	tok := c.pageToken()
	if status, body, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://shop.example"}}); status != http.StatusSeeOther {
		t.Fatalf("new site: %d %.300s", status, body)
	}
	linkPrivacy(t, a, "shop")
	return a, c, tok
}

// linkPrivacy gives the draft of site id, made in the console, an English
// privacy policy link (https://ID.example/privacy), which publishing asks
// for (consent.Site.PrivacyLinked), as its owner would before publishing;
// the site editor's Basics form would also make a site_edit audit entry.
func linkPrivacy(t *testing.T, a *app.App, id string) {
	t.Helper()
	ctx := context.Background()
	d, err := a.Store.Draft(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d.Links = map[string]consent.Links{"en": {Privacy: "https://" + id + ".example/privacy"}}
	if err := a.Store.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
}

func addUser(t *testing.T, a *app.App, email string, role auth.Role) {
	u, err := auth.NewUser(email, role, password, bcrypt.MinCost)
	if err == nil {
		err = a.Store.AddUser(context.Background(), u)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (c *console) get(path string) (int, string, http.Header) {
	c.t.Helper()
	res, err := c.http.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the CSRF token its forms carry.
func (c *console) csrf() string {
	c.t.Helper()
	_, body, _ := c.get("/admin/login")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatal("no CSRF token on the sign-in page")
	}
	return m[1]
}

// appDB opens the app's SQLite file beside its store, for a test to change
// what only a tamperer or time would; it closes when the test ends.
func appDB(t *testing.T, a *app.App) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(a.DB(), "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (c *console) post(path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	res, err := c.http.PostForm(c.srv.URL+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// speak switches the signed-in user's console to lang (times in UTC), as
// the account page does.
func (c *console) speak(lang string) {
	c.t.Helper()
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {lang}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		c.t.Fatalf("language %s: %d", lang, status)
	}
}

func (c *console) login(email string) {
	c.t.Helper()
	status, body, h := c.post("/admin/login", url.Values{"email": {email}, "password": {password}, "_csrf": {c.csrf()}})
	if status != http.StatusSeeOther || h.Get("Location") != "/admin/log" {
		c.t.Fatalf("sign-in: %d %s", status, body)
	}
}

// The access rules of every console route, so that a new route must be
// placed here, and so proved, before the suite passes.
var access = map[string]string{
	"GET /admin/login": "public", "POST /admin/login": "public",
	"POST /admin/logout": "staff", "POST /admin/me": "staff", "GET /admin/account": "staff",
	"POST /admin/account/password": "staff", "POST /admin/account/signout-everywhere": "staff",
	"GET /admin/log": "staff", "GET /admin/log/export": "staff",
	"GET /admin/events/:id": "staff", "GET /admin/consents/:id": "staff",
	"GET /admin/consents/:id/export": "staff", "POST /admin/consents/:id/erase": "admin",
	"GET /admin/requests": "staff", "POST /admin/requests": "admin", "GET /admin/requests/:id": "staff",
	"POST /admin/requests/:id/answer": "admin", "POST /admin/requests/:id/extend": "admin",
	"GET /admin/dashboard": "staff", "GET /admin/dashboard/export": "staff", "GET /admin/integrity": "staff", "POST /admin/integrity": "staff", "GET /admin/integrity/head": "staff",
	"GET /admin/audit": "admin", "GET /admin/audit/export": "admin", "GET /admin/users": "admin", "POST /admin/users": "admin",
	"POST /admin/users/:id": "admin",
	"GET /admin/sites":      "admin", "POST /admin/sites": "admin", "GET /admin/sites/:site": "admin",
	"POST /admin/sites/:site/basics": "admin", "POST /admin/sites/:site/origins/allow": "admin", "POST /admin/sites/:site/categories": "admin",
	"POST /admin/sites/:site/categories/:key/delete": "admin", "POST /admin/sites/:site/services": "admin",
	"POST /admin/sites/:site/categories/:key": "admin", "POST /admin/sites/:site/catalog": "admin", "POST /admin/sites/:site/catalog/update": "admin",
	"POST /admin/sites/:site/services/:n/delete": "admin", "POST /admin/sites/:site/texts": "admin",
	"POST /admin/sites/:site/what-changed": "admin", "POST /admin/sites/:site/publish": "admin", "GET /admin/sites/:site/diff": "admin",
	"GET /admin/sites/:site/embed": "admin", "GET /admin/sites/:site/preview": "admin",
}

func TestEveryAdminRouteIsGuarded(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	ev := storetest.Event("demo", 1)
	if err := a.Store.AppendBatch(context.Background(), []*consent.Event{ev}); err != nil {
		t.Fatal(err)
	}
	anon, viewer := newConsole(t, a), newConsole(t, a)
	viewer.login("viewer@shop.example")
	anonToken, viewerToken := anon.csrf(), viewer.csrf()
	seen := 0
	for _, r := range a.Server.Routes() {
		if !strings.HasPrefix(r.Path, "/admin/") || r.Method == "echo_route_not_found" {
			continue
		}
		key := r.Method + " " + r.Path
		rule, ok := access[key]
		if !ok {
			t.Errorf("%s is not classified as public, staff or admin", key)
			continue
		}
		seen++
		path := strings.NewReplacer(":id", ev.ConsentID.String(), ":site", "demo", ":key", "marketing", ":n", "0").Replace(r.Path)
		if strings.HasPrefix(r.Path, "/admin/events/") {
			path = "/admin/events/" + ev.ID.String()
		}
		do := func(c *console, token string) (int, string) {
			if r.Method == http.MethodGet {
				s, _, h := c.get(path)
				return s, h.Get("Location")
			}
			s, _, h := c.post(path, url.Values{"_csrf": {token}, "reason": {"test"}, "role": {"viewer"}, "email": {"x@y.example"}, "password": {password}, "lang": {"en"}, "tz": {"UTC"}})
			return s, h.Get("Location")
		}
		status, loc := do(anon, anonToken)
		switch {
		case rule == "public":
		case r.Method == http.MethodGet && (status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login")):
			t.Errorf("anonymous %s: %d → %q, want a redirect to sign in", key, status, loc)
		case r.Method != http.MethodGet && status != http.StatusForbidden:
			t.Errorf("anonymous %s: %d, want 403", key, status)
		}
		if rule == "admin" {
			if status, _ := do(viewer, viewerToken); status != http.StatusForbidden {
				t.Errorf("viewer %s: %d, want 403", key, status)
			}
		}
	}
	if seen != len(access) {
		t.Errorf("checked %d routes, the table lists %d", seen, len(access))
	}
	if e, _ := a.Store.Event(context.Background(), ev.ID); e.Erased != nil {
		t.Error("a refused request erased data")
	}
}

func TestSignIn(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c := newConsole(t, a)
	if status, body, _ := c.post("/admin/login", url.Values{"email": {"dpo@shop.example"}, "password": {"wrong password here"}, "_csrf": {c.csrf()}}); status != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password") {
		t.Errorf("wrong password: %d", status)
	}
	if status, _, _ := c.post("/admin/login", url.Values{"email": {"dpo@shop.example"}, "password": {password}}); status != http.StatusForbidden {
		t.Errorf("sign-in without CSRF token: %d", status)
	}
	c.login("dpo@shop.example")
	if status, body, _ := c.get("/admin/log"); status != 200 || !strings.Contains(body, "dpo@shop.example") {
		t.Errorf("after sign-in: %d", status)
	}
	token := csrfField.FindStringSubmatch(func() string { _, b, _ := c.get("/admin/log"); return b }())[1]
	if status, _, h := c.post("/admin/logout", url.Values{"_csrf": {token}}); status != http.StatusSeeOther || h.Get("Location") != "/admin/login" {
		t.Errorf("sign-out: %d", status)
	}
	if status, _, _ := c.get("/admin/log"); status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", status)
	}
	entries, _ := a.Store.AuditLog(context.Background(), 0, 10)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "signout,signin,signin_failed" {
		t.Errorf("audit trail %v", actions)
	}
}

func TestSignInThrottled(t *testing.T) {
	a := newApp(t, 0)
	c := newConsole(t, a)
	token := c.csrf()
	var last int
	for range auth.SignIn.IP.Free + 2 {
		last, _, _ = c.post("/admin/login", url.Values{"email": {"victim@shop.example"}, "password": {"guess guess guess"}, "_csrf": {token}})
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("attempt %d: %d, want 429", auth.SignIn.IP.Free+2, last)
	}
}

func TestLogFiltersAndPaging(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	var batch []*consent.Event
	for i := range 120 {
		e := storetest.Event("demo", i)
		if i%3 == 0 {
			e.Action = consent.RejectAll
		}
		if i == 5 { // a returning visitor: the event's ID is no consent ID
			e.ConsentID = batch[4].ConsentID
		}
		batch = append(batch, e)
	}
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	rows := regexp.MustCompile(`data-testid="row"`)
	older := regexp.MustCompile(`href="(/admin/log\?[^"]+)" rel="next"`)
	path, total, pages := "/admin/log?site=demo&action=reject_all", 0, 0
	for path != "" {
		status, body, _ := c.get(path)
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		total += len(rows.FindAllString(body, -1))
		pages++
		path = ""
		if m := older.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "action=reject_all") {
				t.Fatalf("the next page lost the filter: %s", path)
			}
		}
	}
	if total != 40 || pages != 1 {
		t.Errorf("%d rows on %d pages, want 40 on 1", total, pages)
	}
	total, pages, path = 0, 0, "/admin/log"
	for path != "" {
		_, body, _ := c.get(path)
		total += len(rows.FindAllString(body, -1))
		pages++
		path = ""
		if m := older.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if total != 120 || pages != 3 {
		t.Errorf("%d rows on %d pages, want 120 on 3", total, pages)
	}
	for _, bad := range []string{"from=yesterday", "colour=red", "before=x", "gpc=maybe"} {
		status, body, _ := c.get("/admin/log?" + bad)
		if status != http.StatusBadRequest || !strings.Contains(body, `data-testid="error"`) {
			t.Errorf("%s: %d", bad, status)
		}
	}
	// The search box finds an event and a consent ID; a new visitor's
	// consent ID, which is also its first event's ID, finds the visitor.
	if _, _, h := c.get("/admin/log?q=" + batch[5].ID.String()); h.Get("Location") != "/admin/events/"+batch[5].ID.String() {
		t.Errorf("search by event ID went to %q", h.Get("Location"))
	}
	if _, _, h := c.get("/admin/log?q=" + batch[7].ConsentID.String()); h.Get("Location") != "/admin/consents/"+batch[7].ConsentID.String() {
		t.Errorf("search by consent ID went to %q", h.Get("Location"))
	}
	if _, _, h := c.get("/admin/log?q=" + batch[4].ID.String()); h.Get("Location") != "/admin/consents/"+batch[4].ID.String() {
		t.Errorf("search by a first event's ID, the visitor's consent ID, went to %q", h.Get("Location"))
	}
	if status, _, _ := c.get("/admin/log?q=not-an-id"); status != http.StatusBadRequest {
		t.Errorf("bad search: %d", status)
	}
}

// TestExportStreams exports 200k events as CSV and checks that the server's
// heap stays far below the size of the file: rows are streamed, not buffered.
func TestExportStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 200k events")
	}
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	const n = 200_000
	batch := make([]*consent.Event, 0, 1000)
	for i := range n {
		batch = append(batch, storetest.Event("demo", i))
		if len(batch) == cap(batch) {
			if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	// Collect garbage eagerly while exporting: the heap then measures what
	// the export keeps, not how far behind the collector happens to be on a
	// loaded machine (with the default GOGC, garbage alone could reach the
	// threshold below).
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var base, peak runtime.MemStats
	runtime.ReadMemStats(&base)
	var highest atomic.Uint64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > highest.Load() {
					highest.Store(m.HeapAlloc)
				}
			}
		}
	}()
	res, err := c.http.Get(c.srv.URL + "/admin/log/export?format=csv&site=demo")
	if err != nil {
		t.Fatal(err)
	}
	lines, size := 0, 0
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines++
		size += len(sc.Bytes()) + 1
	}
	res.Body.Close()
	close(done)
	runtime.ReadMemStats(&peak)
	if lines != n+1 {
		t.Fatalf("%d lines, want %d rows and a header", lines, n)
	}
	growth := int64(highest.Load()) - int64(base.HeapAlloc)
	t.Logf("exported %d rows, %d MB; heap grew at most %d MB", n, size>>20, growth>>20)
	if growth > int64(size)/4 {
		t.Errorf("heap grew %d MB for a %d MB export: rows are being buffered", growth>>20, size>>20)
	}
	if ct := res.Header.Get("Content-Disposition"); !strings.Contains(ct, "attachment") {
		t.Errorf("Content-Disposition %q", ct)
	}
}

func TestEraseConsent(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	es := demoEvents(t, a, 3)
	es[2].ConsentID = es[0].ConsentID
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	path := "/admin/consents/" + es[0].ConsentID.String()
	_, page, _ := c.get(path)
	token := csrfField.FindStringSubmatch(page)[1]
	// Portability export first: both events, as JSON.
	status, body, h := c.get(path + "/export")
	var doc struct {
		ConsentID string `json:"consent_id"`
		Events    []struct {
			IP string `json:"ip"`
		} `json:"events"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &doc) != nil || len(doc.Events) != 2 || doc.Events[0].IP == "" || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %s", status, body)
	}
	if status, _, _ := c.post(path+"/erase", url.Values{"_csrf": {token}}); status != http.StatusBadRequest {
		t.Errorf("erase without a reason: %d", status)
	}
	// The first post only shows what would go, and asks again.
	status, preview, _ := c.post(path+"/erase", url.Values{"_csrf": {token}, "reason": {"DSR-2026-114"}})
	if status != http.StatusOK || !strings.Contains(preview, `data-testid="erase-confirm"`) || !strings.Contains(preview, es[0].Personal.IP) || !strings.Contains(preview, `name="confirm" value="yes"`) {
		t.Fatalf("erase without confirmation: %d, want the preview asking again", status)
	}
	if e, _ := a.Store.Event(context.Background(), es[0].ID); e.Personal.IP == "" || e.Erased != nil {
		t.Fatal("the preview erased already")
	}
	if status, _, _ := c.post(path+"/erase", url.Values{"_csrf": {token}, "reason": {"DSR-2026-114"}, "confirm": {"yes"}}); status != http.StatusSeeOther {
		t.Fatalf("erase: %d", status)
	}
	_, page, _ = c.get("/admin/events/" + es[2].ID.String())
	if !strings.Contains(page, `data-testid="erased"`) || !strings.Contains(page, "DSR-2026-114") || !strings.Contains(page, `data-testid="link-ok"`) {
		t.Error("the proof view does not say the fields were erased, or the link no longer verifies")
	}
	if e, _ := a.Store.Event(context.Background(), es[1].ID); e.Personal.IP == "" {
		t.Error("another visitor's data was erased")
	}
	var v ledger.Verifier
	if err := a.Store.Walk(context.Background(), 0, v.Next); err != nil || v.Count() != 3 {
		t.Errorf("ledger after erasure: %v", err)
	}
}

func TestDashboardCounts(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	var batch []*consent.Event
	acts := []consent.Action{consent.AcceptAll, consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	for i, act := range acts {
		e := storetest.Event("demo", i)
		e.Action = act
		if act == consent.RejectAll || act == consent.Withdraw {
			e.Granted = []string{"necessary"}
		}
		batch = append(batch, e)
	}
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, page, _ := c.get("/admin/dashboard?site=demo")
	for id, want := range map[string]string{"tile-total": "5", "tile-accept_all": "2", "tile-reject_all": "1", "tile-custom": "1", "tile-withdraw": "1", "rate-analytics": "60.0%", "rate-necessary": "100.0%"} {
		m := regexp.MustCompile(`data-testid="` + id + `">(?:<span class="n">)?([^<]+)<`).FindStringSubmatch(page)
		if m == nil || m[1] != want {
			t.Errorf("%s = %v, want %s", id, m, want)
		}
	}
	if status, _, _ := c.get("/admin/dashboard?from=2020-01-01&to=2026-01-01"); status != http.StatusBadRequest {
		t.Errorf("a period over a year: %d", status)
	}
	// 0001-01-01 is Go's zero time: it was taken for no start, and the page
	// showed 30 days of year 9999 with no word of the period asked for.
	if status, _, _ := c.get("/admin/dashboard?from=0001-01-01&to=9999-12-31"); status != http.StatusBadRequest {
		t.Errorf("a period from year 1 to 9999: %d", status)
	}
	// The chart's CSV: one row a day of the period, the same totals.
	link := regexp.MustCompile(`href="(/admin/dashboard/export\?[^"]+)" data-testid="chart-csv"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("no CSV link under the chart")
	}
	status, body, _ := c.get(strings.ReplaceAll(link[1], "&amp;", "&"))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "day,accept_all,reject_all,custom,withdraw,gpc,total" {
		t.Fatalf("chart CSV: %d %q %v", status, rows, err)
	}
	var sum [6]int
	for _, r := range rows[1:] {
		for i := range sum {
			n, _ := strconv.Atoi(r[i+1])
			sum[i] += n
		}
	}
	if sum != [6]int{2, 1, 1, 1, 0, 5} {
		t.Errorf("the chart CSV adds up to %v, want 2 1 1 1 0 and 5", sum)
	}
	if status, _, _ := c.get("/admin/dashboard/export?from=2020-01-01&to=2026-01-01"); status != http.StatusBadRequest {
		t.Errorf("chart CSV over a year: %d", status)
	}
}

func TestIntegrityPage(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	batch := demoEvents(t, a, 10)
	if err := a.Store.AppendBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, page, _ := c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="unverified"`) {
		t.Error("a GET verified (changed) something")
	}
	token := csrfField.FindStringSubmatch(page)[1]
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}})
	if !strings.Contains(page, `data-testid="head">10:`+hex.EncodeToString(batch[9].Hash[:])) {
		t.Error("the integrity page does not show the head to record")
	}
	if !strings.Contains(page, "#10") || !strings.Contains(page, batch[9].ID.String()) || strings.Contains(page, `data-testid="broken"`) {
		t.Fatal("verification does not say intact up to event #10")
	}
	if _, later, _ := c.get("/admin/integrity"); !strings.Contains(page, `data-testid="verified-by"><bdi class="whole">viewer@shop.example<`) || !strings.Contains(later, `data-testid="verified-by"><bdi class="whole">viewer@shop.example<`) {
		t.Error("the integrity page does not say who verified last")
	}
	db := appDB(t, a)
	if _, err := db.Exec(`INSERT INTO choices (revision, action, granted, source, lang, country, rule, texts_hash)
		SELECT revision, 'accept_all', granted, source, lang, country, rule, texts_hash FROM choices WHERE id = (SELECT choice_id FROM events WHERE seq = 4);
		UPDATE events SET choice_id = last_insert_rowid() WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.post("/admin/integrity", url.Values{"_csrf": {token}, "full": {"1"}})
	if !strings.Contains(page, `data-testid="broken"`) || !strings.Contains(page, batch[3].ID.String()) {
		t.Error("a full verification missed the changed event #4")
	}
}

func TestReceipt(t *testing.T) {
	a := newApp(t, 0)
	resp := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":1}`, nil}))
	rec := do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(resp.Token), "", nil})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), resp.ConsentID) || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("receipt: %d %s", rec.Code, rec.Body)
	}
	if rec := do(a, req{"GET", "/api/v1/consents/receipt?token=forged", "", nil}); rec.Code != http.StatusBadRequest {
		t.Errorf("forged token: %d", rec.Code)
	}
}

// TestConsoleLanguages: the language setting offers every console language
// by its own name, and choosing one turns the console into it.
func TestConsoleLanguages(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, body, _ := c.get("/admin/log")
	for _, want := range []string{`<option value="en" lang="en" selected>English</option>`, `<option value="ar" lang="ar">العربية</option>`,
		`<option value="fr" lang="fr">français</option>`, `<option value="de" lang="de">Deutsch</option>`, `<option value="es" lang="es">español</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the language setting lacks %s", want)
		}
	}
	for _, tc := range []struct{ lang, log string }{
		{"de", "Einwilligungsprotokoll"}, {"fr", "Registre des consentements"}, {"es", "Registro de consentimientos"}, {"ar", `lang="ar" dir="rtl"`},
	} {
		if status, body, _ := c.post("/admin/me", url.Values{"lang": {tc.lang}, "tz": {"Europe/Berlin"}, "_csrf": {c.pageToken()}}); status != http.StatusSeeOther {
			t.Fatalf("setting %s: %d %s", tc.lang, status, body)
		}
		if _, body, _ := c.get("/admin/log"); !strings.Contains(body, tc.log) || !strings.Contains(body, `lang="`+tc.lang+`"`) {
			t.Errorf("in %s the log page lacks %q", tc.lang, tc.log)
		}
	}
}

// TestLogCategoryFiltersAreChoices: the Granted and Denied filters offer the
// sites' categories by the names the log's columns show, so a privacy
// officer picks "Analytics" rather than typing it and being told that
// "Analytics" is not a category key; the choice made stays selected.
func TestLogCategoryFiltersAreChoices(t *testing.T) {
	_, c := signedIn(t, "viewer@shop.example", auth.Viewer)
	status, page, _ := c.get("/admin/log?denied=marketing")
	if status != http.StatusOK {
		t.Fatalf("log: %d", status)
	}
	for _, want := range []string{
		`<option value="">All</option> <option value="preferences">Preferences</option><option value="analytics">Analytics</option><option value="marketing">Marketing</option></select>`,
		`<option value="marketing" selected>Marketing</option>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the log's filters lack %s", want)
		}
	}
}

// saveBasics saves the site editor's basics form of site with field set to
// value, and fails the test unless it was saved.
func (c *console) saveBasics(site, field, value string) {
	c.t.Helper()
	_, page, _ := c.get("/admin/sites/" + site)
	action, form := formFields(c.t, page, "basics")
	form.Set(field, value)
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		c.t.Fatalf("saving the basics (%s): %d %.300s", field, status, body)
	}
}
