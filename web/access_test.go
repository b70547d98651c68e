package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/google/uuid"
)

// trustOnly makes 10.9.9.9 the only trusted proxy: requests from the
// loopback address are then direct, and their X-Forwarded-For is a lie.
func trustOnly(o *app.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}
}

// TestForwardedForOnlyFromTrustedProxies: a client on 127.0.0.1 rotating
// X-Forwarded-For gets neither past the rate limit nor past the sign-in
// throttle, and the ledger records its real (truncated) address.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	a := newApp(t, 1, trustOnly) // 1 decision/s, burst 2
	c := newConsole(t, a)
	post := func(i int) *http.Response {
		r, _ := http.NewRequest("POST", c.srv.URL+consents, strings.NewReader(`{"action":"reject_all","revision":1}`))
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i/250, i%250+1))
		res, err := c.http.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	// 20 posts against a burst of 2 and 1/s: refused many times over unless
	// every claimed address counts as a client of its own.
	codes := map[int]int{}
	for i := range 20 {
		codes[post(i).StatusCode]++
	}
	if codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("rotating X-Forwarded-For from 127.0.0.1: codes %v, want 429 once over the burst", codes)
	}

	// The recorded address is the socket's, truncated.
	a2 := newApp(t, 0, trustOnly)
	c2 := newConsole(t, a2)
	r, _ := http.NewRequest("POST", c2.srv.URL+consents, strings.NewReader(`{"action":"accept_all","revision":1}`))
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Forwarded-For", "203.0.113.99")
	res, err := c2.http.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var resp consentResp
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
		t.Fatal(err)
	}
	ev, err := a2.Store.Event(context.Background(), uuid.MustParse(resp.EventID))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Personal.IP != "127.0.0.0" {
		t.Errorf("recorded IP %q, want the socket's 127.0.0.0", ev.Personal.IP)
	}

	// The sign-in throttle holds the address, whatever it claims.
	token := c2.csrf()
	var last int
	for i := range 40 {
		r, _ := http.NewRequest("POST", c2.srv.URL+"/admin/login", strings.NewReader(url.Values{
			"email": {fmt.Sprintf("nobody%d@shop.example", i)}, "password": {"guess guess guess"}, "_csrf": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		res, err := c2.http.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("40 sign-ins for 40 accounts from 127.0.0.1 under rotating X-Forwarded-For: last %d, want 429", last)
	}
	entries, _ := a2.Store.AuditLog(context.Background(), 0, 100)
	for _, e := range entries {
		if e.IP != "127.0.0.1" {
			t.Errorf("audit entry %s records IP %q, want 127.0.0.1", e.Action, e.IP)
			break
		}
	}
}

// from makes a console whose requests come through the trusted proxy on
// 127.0.0.1 on behalf of ip.
func from(t *testing.T, a *app.App, ip string) *console {
	c := newConsole(t, a)
	c.http.Transport = forwardedFor{ip}
	return c
}

type forwardedFor struct{ ip string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.ip)
	return http.DefaultTransport.RoundTrip(r)
}

func viaLoopbackProxy(o *app.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// pageToken is the CSRF token on a signed-in page.
func (c *console) pageToken() string {
	c.t.Helper()
	_, body, _ := c.get("/admin/log")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatal("no CSRF token on the log page")
	}
	return m[1]
}

// send asks for path as the console's links and forms do: a GET without a
// form, else a POST of form with the session's CSRF token (unless form has
// one). It returns the status and the page.
func (c *console) send(path string, form url.Values) (int, string) {
	c.t.Helper()
	if form == nil {
		status, page, _ := c.get(path)
		return status, page
	}
	form = maps.Clone(form)
	if _, given := form["_csrf"]; !given {
		form.Set("_csrf", c.pageToken())
	}
	status, page, _ := c.post(path, form)
	return status, page
}

func (c *console) signedIn() bool {
	c.t.Helper()
	status, _, _ := c.get("/admin/log")
	return status == http.StatusOK
}

func (c *console) attempt(email, pw string) (int, http.Header) {
	c.t.Helper()
	status, _, h := c.post("/admin/login", url.Values{"email": {email}, "password": {pw}, "_csrf": {c.csrf()}})
	return status, h
}

// TestSignOutEndsEveryCopy: a copy of the session cookie dies with the
// session it names.
func TestSignOutEndsEveryCopy(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	thief := newConsole(t, a)
	u, _ := url.Parse(c.srv.URL + "/admin/")
	thief.http.Jar.SetCookies(u, c.http.Jar.Cookies(u))
	if !thief.signedIn() {
		t.Fatal("the copied cookie does not work to begin with")
	}
	if status, _, _ := c.post("/admin/logout", url.Values{"_csrf": {c.pageToken()}}); status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", status)
	}
	if thief.signedIn() {
		t.Error("a copy of the cookie still works after signing out")
	}
}

// TestSignOutEverywhere: the button on the account page ends every session
// of the user, and only theirs.
func TestSignOutEverywhere(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	c1, c2, other := newConsole(t, a), newConsole(t, a), newConsole(t, a)
	c1.login("dpo@shop.example")
	c2.login("dpo@shop.example")
	other.login("viewer@shop.example")
	status, body, _ := c1.get("/admin/account")
	if status != 200 || !strings.Contains(body, `data-testid="signout-everywhere"`) || !strings.Contains(body, `data-testid="password"`) {
		t.Fatalf("account page: %d", status)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	if status, _, h := c1.post("/admin/account/signout-everywhere", url.Values{"_csrf": {token}}); status != http.StatusSeeOther || h.Get("Location") != "/admin/login" {
		t.Fatalf("sign out everywhere: %d %q", status, h.Get("Location"))
	}
	if c1.signedIn() || c2.signedIn() {
		t.Error("a session survived signing out everywhere")
	}
	if !other.signedIn() {
		t.Error("another user's session ended")
	}
	entries, _ := a.Store.AuditLog(context.Background(), 0, 1)
	if len(entries) != 1 || entries[0].Action != "signout_everywhere" || entries[0].Detail != "sessions=2" {
		t.Errorf("audit %+v", entries)
	}
}

// TestPasswordChangeEndsOtherSessions: changing one's password ends every
// other session; this one goes on. A wrong current password changes nothing.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c1, c2 := newConsole(t, a), newConsole(t, a)
	c1.login("dpo@shop.example")
	c2.login("dpo@shop.example")
	const fresh = "a new and longer passphrase"
	if status, _, _ := c1.post("/admin/account/password", url.Values{"_csrf": {c1.pageToken()}, "current": {"not my password"}, "password": {fresh}}); status != http.StatusBadRequest {
		t.Errorf("wrong current password: %d, want 400", status)
	}
	if !c2.signedIn() {
		t.Fatal("a refused password change ended a session")
	}
	if status, body, h := c1.post("/admin/account/password", url.Values{"_csrf": {c1.pageToken()}, "current": {password}, "password": {fresh}}); status != http.StatusSeeOther || h.Get("Location") != "/admin/account" {
		t.Fatalf("password change: %d %.300s", status, body)
	}
	if !c1.signedIn() {
		t.Error("the session that changed the password ended")
	}
	if c2.signedIn() {
		t.Error("another session survived the password change")
	}
	if status, _ := newConsole(t, a).attempt("dpo@shop.example", fresh); status != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", status)
	}
}

// TestSessionTimeoutsServerSide: the idle and absolute timeouts hold on the
// stored session, whatever the cookie says.
func TestSessionTimeoutsServerSide(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	db := appDB(t, a)
	for _, col := range []string{"seen_at", "started_at"} {
		c := newConsole(t, a)
		c.login("dpo@shop.example")
		if !c.signedIn() {
			t.Fatal("not signed in")
		}
		past := time.Now().Add(-auth.AbsoluteTimeout - time.Minute).UnixMicro()
		if _, err := db.Exec(`UPDATE sessions SET `+col+` = ?`, past); err != nil {
			t.Fatal(err)
		}
		if c.signedIn() {
			t.Errorf("session with an old %s still works", col)
		}
	}
}

// TestCSRFBoundToSession: a console form's token works only in the session
// it was made for.
func TestCSRFBoundToSession(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	me := url.Values{"lang": {"en"}, "tz": {"UTC"}}
	with := func(token string) url.Values {
		v := url.Values{"_csrf": {token}}
		for k, x := range me {
			v[k] = x
		}
		return v
	}
	c, other := newConsole(t, a), newConsole(t, a)
	c.login("dpo@shop.example")
	other.login("viewer@shop.example")
	old := c.pageToken()
	if status, _, _ := c.post("/admin/me", with(old)); status != http.StatusSeeOther {
		t.Fatalf("own token: %d", status)
	}
	if status, _, _ := other.post("/admin/me", with(old)); status != http.StatusForbidden {
		t.Errorf("a token from another session: %d, want 403", status)
	}
	c.post("/admin/logout", with(old))
	c.login("dpo@shop.example")
	if status, _, _ := c.post("/admin/me", with(old)); status != http.StatusForbidden {
		t.Errorf("a token from the browser's previous session: %d, want 403", status)
	}
	if status, _, _ := c.post("/admin/me", with(c.pageToken())); status != http.StatusSeeOther {
		t.Errorf("the new session's token: %d", status)
	}
}

// TestSignInThrottle: one address hammering an account is blocked, the
// account's owner elsewhere is not; an address the owner signed in from
// stays open to them; an account attacked from many addresses waits a
// bounded time; the audit trail counts repeats instead of growing.
func TestSignInThrottle(t *testing.T) {
	a := newApp(t, 0, viaLoopbackProxy)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	attacker := from(t, a, "192.0.2.66")
	codes := map[int]int{}
	for range 30 {
		status, _ := attacker.attempt("dpo@shop.example", "guess guess guess")
		codes[status]++
	}
	if codes[http.StatusUnauthorized] != 11 || codes[http.StatusTooManyRequests] != 19 {
		t.Errorf("30 guesses from one address: %v, want 11 refused, then 429", codes)
	}
	wantMetrics(t, a, `consentry_refused_total{code="rate_limited"} 19`)
	entries, _ := a.Store.AuditLog(ctx, 0, 10)
	if len(entries) != 2 || entries[0].Action != "signin_throttled" || entries[0].Count != 19 || entries[1].Action != "signin_failed" || entries[1].Count != 11 {
		t.Errorf("audit trail after 30 guesses: %+v", entries)
	}
	owner := from(t, a, "198.51.100.5")
	if status, _ := owner.attempt("dpo@shop.example", password); status != http.StatusSeeOther {
		t.Errorf("the owner from another address: %d", status)
	}
	if _, body, _ := owner.get("/admin/audit"); !strings.Contains(body, `data-testid="count">× 11</span>`) {
		t.Error("the audit page does not show the count of repeated failures")
	}

	// The owner's own address, shared with someone spraying other accounts.
	office := from(t, a, "198.51.100.5")
	for i := range 15 {
		office.attempt(fmt.Sprintf("user%d@shop.example", i), "guess guess guess")
	}
	if status, _ := office.attempt("someone@shop.example", "guess guess guess"); status != http.StatusTooManyRequests {
		t.Errorf("spraying from one address: %d, want 429", status)
	}
	if status, _ := from(t, a, "198.51.100.5").attempt("dpo@shop.example", password); status != http.StatusSeeOther {
		t.Errorf("the owner from their usual, now throttled address: %d", status)
	}

	// Many addresses, one account: slowed, for at most a minute.
	var last int
	var h http.Header
	for i := range 25 {
		last, h = from(t, a, fmt.Sprintf("203.0.113.%d", i+1)).attempt("dpo@shop.example", "guess guess guess")
	}
	retry, _ := strconv.Atoi(h.Get("Retry-After"))
	if last != http.StatusTooManyRequests || retry < 1 || retry > 60 {
		t.Errorf("25 addresses on one account: %d, Retry-After %q, want 429 within a minute", last, h.Get("Retry-After"))
	}

	// What a client sends is stored cut to length.
	from(t, a, "203.0.113.200").attempt(strings.Repeat("x", 5000)+"@shop.example", "guess guess guess")
	entries, _ = a.Store.AuditLog(ctx, 0, 1)
	if len(entries[0].Target) > auth.MaxEmail || len(entries[0].Actor) > auth.MaxEmail {
		t.Errorf("stored a %d-byte target", len(entries[0].Target))
	}
}

// TestAccessAcrossInstances: two instances on one database share sessions
// and the throttle: signing out on one ends the session on the other, and
// an address blocked by one is blocked by the other.
func TestAccessAcrossInstances(t *testing.T) {
	a := newApp(t, 0, viaLoopbackProxy)
	b := newApp(t, 0, viaLoopbackProxy, func(o *app.Options) { o.DB = a.DB() }) // the same file, hence the same key file
	accessAcrossInstances(t, a, b)
}

// TestAccessAcrossInstancesPostgres is the same with both instances on one
// PostgreSQL database and the cluster's keys.
func TestAccessAcrossInstancesPostgres(t *testing.T) {
	url, keys := pgtest.URL(t), config.NewKeys()
	a := newApp(t, 0, viaLoopbackProxy, onPostgres(url, keys, true))
	b := newApp(t, 0, viaLoopbackProxy, onPostgres(url, keys, false))
	accessAcrossInstances(t, a, b)
}

func accessAcrossInstances(t *testing.T, a, b *app.App) {
	addUser(t, a, "dpo@shop.example", auth.Admin)
	onA, onB := newConsole(t, a), newConsole(t, b)
	onA.login("dpo@shop.example")
	ua, _ := url.Parse(onA.srv.URL + "/admin/")
	ub, _ := url.Parse(onB.srv.URL + "/admin/")
	onB.http.Jar.SetCookies(ub, onA.http.Jar.Cookies(ua))
	if !onB.signedIn() {
		t.Fatal("the session does not work on the other instance to begin with")
	}
	onA.post("/admin/logout", url.Values{"_csrf": {onA.pageToken()}})
	if onB.signedIn() {
		t.Error("signed out on one instance, still signed in on the other")
	}

	guesser := from(t, a, "192.0.2.77")
	for range auth.SignIn.IP.Free + 1 {
		guesser.attempt("dpo@shop.example", "guess guess guess")
	}
	if status, _ := from(t, b, "192.0.2.77").attempt("dpo@shop.example", "guess guess guess"); status != http.StatusTooManyRequests {
		t.Errorf("an address blocked on one instance tries on the other: %d, want 429", status)
	}
}

// A refused decision is told to come back when its network has a token
// again: Retry-After 5 at 0.2 decisions a second, not a second later only
// to be refused again.
func TestRateLimitRetryAfter(t *testing.T) {
	c := newConsole(t, newApp(t, 0.2)) // burst 1
	var res *http.Response
	for range 2 {
		r, _ := http.NewRequest("POST", c.srv.URL+consents, strings.NewReader(`{"action":"reject_all","revision":1}`))
		r.Header.Set("Content-Type", "text/plain")
		var err error
		if res, err = c.http.Do(r); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "5" {
		t.Errorf("second decision at 0.2/s: %d, Retry-After %q; want 429 with 5", res.StatusCode, res.Header.Get("Retry-After"))
	}
}
