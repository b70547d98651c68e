package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
)

// TestRefusedOriginShownAndAdded: decisions from a page on an origin the
// site does not allow are refused (403); the site list flags the site, and
// the site editor then says how
// many were refused from which origin, beside the allowed origins, with an
// Add button; the Add (a POST, CSRF, admin only) publishes an editorial
// revision allowing that origin, keeps the owner's unpublished draft (the
// origin added to it too) and is in the audit trail; a decision from that
// origin is then accepted (201) and neither the notice nor the list counts it. Refusals of days
// before are said as the last 7 days'. What cannot be
// allowed (a "null" origin, one with a path) is not counted.
func TestRefusedOriginShownAndAdded(t *testing.T) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	ctx := context.Background()
	const wrong = "http://shop.example"
	decide := func(origin string) int {
		t.Helper()
		return do(a, req{"POST", consents, `{"action":"accept_all","revision":1}`, map[string]string{"Origin": origin}}).Code
	}
	for _, o := range []string{wrong, wrong, "HTTP://Shop.Example:80", "null", "https://other.example/path"} {
		if got := decide(o); got != http.StatusForbidden {
			t.Fatalf("a decision from %s: %d, want 403", o, got)
		}
	}
	// Two days ago, another instance refused an origin twice.
	if err := a.Store.AddRefusals(ctx, store.RefusalHour(time.Now().Add(-48*time.Hour)), []store.Refusal{{Site: "demo", Origin: "https://old.example", Count: 2}}, 0); err != nil {
		t.Fatal(err)
	}
	// The owner has a change of their own pending, which Add must keep.
	c.saveBasics("demo", "name", "Demo shop, renamed")

	_, list, _ := c.get("/admin/sites")
	if flag := untagged(between(list, `data-testid="site-refused"`, "</a>")); !strings.Contains(flag, "3 decisions refused in the last 24 hours") ||
		!strings.Contains(list, `href="/admin/sites/demo#refused"`) {
		t.Errorf("the site list does not flag the site: %q", flag)
	}
	_, page, _ := c.get("/admin/sites/demo")
	notice := between(page, `data-testid="refused-origins"`, "</div>")
	if !strings.Contains(notice, `data-origin="`+wrong+`"`) || !strings.Contains(untagged(notice), "3 decisions from "+wrong+" were refused in the last 24 hours") {
		t.Fatalf("the site editor does not say 3 decisions from %s were refused:\n%s", wrong, notice)
	}
	if !strings.Contains(untagged(notice), "2 decisions from https://old.example were refused in the last 7 days") {
		t.Errorf("the site editor does not say 2 decisions from https://old.example were refused in the last 7 days:\n%s", notice)
	}
	if strings.Count(notice, `data-testid="refused-origin"`) != 2 {
		t.Errorf("want two refused origins (null and an origin with a path are not counted):\n%s", notice)
	}
	if strings.Index(page, `data-testid="refused-origins"`) > strings.Index(page, `id="b-origins"`) ||
		strings.Index(page, `data-testid="refused-origins"`) < strings.Index(page, `id="basics"`) {
		t.Error("the notice is not under Basics, before the allowed origins")
	}

	tok := c.pageToken()
	if status, _, _ := c.post("/admin/sites/demo/origins/allow", url.Values{"origin": {wrong}}); status != http.StatusForbidden {
		t.Errorf("Add without the CSRF token: %d, want 403", status)
	}
	if got := decide(wrong); got != http.StatusForbidden {
		t.Fatalf("refused Add allowed the origin: %d", got)
	}
	status, body, h := c.post("/admin/sites/demo/origins/allow", url.Values{"_csrf": {tok}, "origin": {wrong}})
	if status != http.StatusSeeOther || h.Get("Location") != "/admin/sites/demo" {
		t.Fatalf("Add: %d %s %.300s", status, h.Get("Location"), body)
	}
	if got := decide(wrong); got != http.StatusCreated {
		t.Errorf("a decision from %s after Add: %d, want 201", wrong, got)
	}
	live, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if live.Revision != 2 || !live.Editorial || !live.AllowsOrigin(wrong) || live.Name == "Demo shop, renamed" {
		t.Errorf("live after Add: revision %d, editorial %v, origins %v, name %q; want 2, editorial, %s allowed, the draft's name not published",
			live.Revision, live.Editorial, live.Origins, live.Name, wrong)
	}
	if d, _ := a.Store.Draft(ctx, "demo"); d.Name != "Demo shop, renamed" || !d.AllowsOrigin(wrong) {
		t.Errorf("the draft after Add: name %q, origins %v; want the owner's change kept, %s added", d.Name, d.Origins, wrong)
	}
	entries, err := a.Store.AuditLog(ctx, 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "publish" || entries[0].Actor != "owner@shop.example" ||
		!strings.Contains(entries[0].Detail, "revision 2 (editorial)") || !strings.Contains(entries[0].Detail, wrong) {
		t.Errorf("audit trail after Add: %+v, %v; want a publish entry naming revision 2 and %s", entries, err, wrong)
	}
	_, page, _ = c.get("/admin/sites/demo")
	if notice = between(page, `data-testid="refused-origins"`, "</div>"); strings.Contains(notice, `data-origin="`+wrong+`"`) || !strings.Contains(notice, `data-origin="https://old.example"`) {
		t.Errorf("once %s is allowed the notice names it still, or no longer names https://old.example:\n%s", wrong, notice)
	}
	if said := untagged(between(page, `data-testid="published"`, "</p>")); !strings.Contains(said, "Decisions from "+wrong+" are accepted from now on.") {
		t.Errorf("after Add the editor does not say the origin is accepted: %q", said)
	}

	if _, list, _ = c.get("/admin/sites"); !strings.Contains(untagged(between(list, `data-testid="site-refused"`, "</a>")), "2 decisions refused in the last 7 days") {
		t.Errorf("once %s is allowed the site list does not count only https://old.example's 2 refusals of the last 7 days", wrong)
	}

	// A viewer cannot add an origin.
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	v := newConsole(t, a)
	v.login("viewer@shop.example")
	if status, _, _ := v.post("/admin/sites/demo/origins/allow", url.Values{"_csrf": {v.pageToken()}, "origin": {"https://viewer.example"}}); status != http.StatusForbidden {
		t.Errorf("a viewer's Add: %d, want 403", status)
	}
}

// between is the part of s from the first from to the first to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// TestRefusedOriginAcrossInstancesPostgres: with two instances on one
// PostgreSQL database, decisions refused on both are counted together once
// each has flushed (the first by its 10-second loop, here called; the
// second before its editor reads), the editor of either shows the sum, and
// Add on one lets the other accept that origin once its copy of the site
// is read again (within 2 s).
func TestRefusedOriginAcrossInstancesPostgres(t *testing.T) {
	db, keys := pgtest.URL(t), config.NewKeys()
	a := newApp(t, 0, onPostgres(db, keys, true))
	b := newApp(t, 0, onPostgres(db, keys, false))
	const wrong = "https://www.shop.example"
	decide := func(on *app.App) int {
		return do(on, req{"POST", consents, `{"action":"accept_all","revision":1}`, map[string]string{"Origin": wrong}}).Code
	}
	for i, on := range []*app.App{a, a, a, b, b} {
		if got := decide(on); got != http.StatusForbidden {
			t.Fatalf("decision %d from %s: %d, want 403", i, wrong, got)
		}
	}
	if err := a.Server.FlushRefusals(context.Background()); err != nil {
		t.Fatal(err)
	}
	addUser(t, b, "owner@shop.example", auth.Admin)
	c := newConsole(t, b)
	c.login("owner@shop.example")
	_, page, _ := c.get("/admin/sites/demo")
	if notice := untagged(between(page, `data-testid="refused-origins"`, "</div>")); !strings.Contains(notice, "5 decisions from "+wrong+" were refused in the last 24 hours") {
		t.Fatalf("the other instance's editor does not say 5 decisions from %s were refused:\n%s", wrong, notice)
	}
	if status, _, _ := c.post("/admin/sites/demo/origins/allow", url.Values{"_csrf": {c.pageToken()}, "origin": {wrong}}); status != http.StatusSeeOther {
		t.Fatalf("Add on the second instance: %d", status)
	}
	deadline := time.Now().Add(5 * time.Second)
	for decide(a) != http.StatusCreated {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after Add on the other instance, decisions from %s are still refused", wrong)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
