package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
)

// TestDemoPrivacyNoticeSaysTheLifetime: the demo's privacy notice says for
// how many days a choice is remembered as the site is set up, in every
// visitor language with the number's plural form, and says the new figure
// once an operator changes it in the Basics form and publishes; it said
// "six months" whatever the site remembered.
func TestDemoPrivacyNoticeSaysTheLifetime(t *testing.T) {
	a, c := signedIn(t, "owner@demo.example", auth.Admin)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	site, err := a.Store.Site(t.Context(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	was := int(site.LifetimeOrDefault().Hours() / 24)
	says := func(days, not int) {
		t.Helper()
		for _, l := range i18n.Visitor {
			rec := do(a, req{"GET", "/demo/privacy?lang=" + l.Code, "", nil})
			if rec.Code != http.StatusOK {
				t.Fatalf("/demo/privacy?lang=%s: %d", l.Code, rec.Code)
			}
			page := html.UnescapeString(rec.Body.String())
			loc := b.For(l.Code)
			if want := loc.N("demo_privacy_kept", days); want == "demo_privacy_kept" || !strings.Contains(page, want) {
				t.Errorf("%s: the privacy notice does not say a choice is remembered for %d days (%q)", l.Code, days, want)
			}
			if old := loc.N("demo_privacy_kept", not); strings.Contains(page, old) {
				t.Errorf("%s: the privacy notice still says %q", l.Code, old)
			}
		}
	}
	says(was, 30)
	for _, days := range []int{30, 1} {
		if status, body := c.postBasics(t, "lifetime_days", strconv.Itoa(days)); status != http.StatusSeeOther {
			t.Fatalf("lifetime %d days: %d %.300s", days, status, body)
		}
		if status, body, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"material"}}); status != http.StatusSeeOther {
			t.Fatalf("publishing a lifetime of %d days: %d %.300s", days, status, body)
		}
		says(days, was)
		was = days
	}
	if rec := do(a, req{"GET", "/demo/privacy?lang=en", "", nil}); strings.Contains(rec.Body.String(), "six months") {
		t.Error("the English privacy notice still says six months")
	}
}
