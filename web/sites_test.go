package web_test

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

func TestSiteEditorDraftPublish(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	token := func(path string) string {
		_, body, _ := c.get(path)
		return csrfField.FindStringSubmatch(body)[1]
	}
	tok := token("/admin/sites")
	if status, _, h := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"pharma"}, "name": {"Pharma"}, "origin": {"https://pharma.example"}}); status != http.StatusSeeOther || h.Get("Location") != "/admin/sites/pharma" {
		t.Fatalf("create: %d", status)
	}
	linkPrivacy(t, a, "pharma")
	if status, _, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"pharma"}, "name": {"Again"}}); status != http.StatusBadRequest {
		t.Errorf("duplicate id: %d", status)
	}
	if status, _, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"Bad Id"}, "name": {"x"}}); status != http.StatusBadRequest {
		t.Errorf("bad id: %d", status)
	}
	ctx := context.Background()
	if _, err := a.Store.Site(ctx, "pharma"); consent.ErrorCode(err) != consent.ENotFound {
		t.Error("a new site went live before publishing")
	}
	base := url.Values{"_csrf": {tok}, "name": {"Pharma"}, "origins": {"https://pharma.example\nhttps://www.pharma.example"},
		"lifetime_days": {"180"}, "retention_days": {"400"}, "rules": {"US opt-out\nbr notice"}, "consent_mode": {"analytics: analytics_storage\nmarketing: ad_storage ad_user_data ad_personalization"},
		"layout": {"box"}, "position": {"bottom"}, "background": {"#ffffff"}, "text": {"#1f2328"}, "accent": {"#1d4ed8"}, "accent_text": {"#ffffff"}, "age_notice": {"1"}}
	for name, tc := range map[string]struct {
		key, value, want string
	}{
		"low contrast":                 {"text", "#eeeeee", "Text colour: the text on the background has a contrast"},
		"bad origin":                   {"origins", "ftp://pharma.example", "origins"},
		"bad rule":                     {"rules", "US maybe", "rules"},
		"bad lifetime":                 {"lifetime_days", "900", "lifetime"},
		"retention under the lifetime": {"retention_days", "90", "retention"},
		"retention not a number":       {"retention_days", "a year", "retention"},
		"retention that would wrap":    {"retention_days", "213904", "retention"}, // 213,904 days × 24 h wraps time.Duration to 393 days
		"unknown CM key":               {"consent_mode", "analytics: analytics_cookies", "consent_mode"},
	} {
		form := url.Values{}
		for k, v := range base {
			form[k] = v
		}
		form.Set(tc.key, tc.value)
		status, body, _ := c.post("/admin/sites/pharma/basics", form)
		if status != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want 400 naming %s", name, status, tc.want)
		}
	}
	if d, _ := a.Store.Draft(ctx, "pharma"); len(d.Origins) != 1 {
		t.Error("a refused form was half-saved")
	}
	if status, _, _ := c.post("/admin/sites/pharma/basics", base); status != http.StatusSeeOther {
		t.Fatalf("basics: %d", status)
	}
	svc := url.Values{"_csrf": {tok}, "name": {"Matomo"}, "provider": {"InnoCraft"}, "category": {"analytics"},
		"description": {"Visit statistics"}, "policy_url": {"https://matomo.org/privacy"}, "cookies": {"_pk_id.* | 395 | persistent | Visitor ID | .pharma.example\n_pk_ses.* | 0 | session | Session"}}
	bad := url.Values{}
	for k, v := range svc {
		bad[k] = v
	}
	bad.Set("cookies", "_pk_id only")
	if status, body, _ := c.post("/admin/sites/pharma/services", bad); status != http.StatusBadRequest || !strings.Contains(body, "cookies") {
		t.Errorf("bad cookie line: %d", status)
	}
	if status, _, _ := c.post("/admin/sites/pharma/services", svc); status != http.StatusSeeOther {
		t.Fatalf("service: %d", status)
	}
	if status, _, _ := c.post("/admin/sites/pharma/texts", url.Values{"_csrf": {tok}, "lang": {"fr"}, "t_banner_title": {"Vos choix, Pharma"}}); status != http.StatusSeeOther {
		t.Fatalf("texts: %d", status)
	}
	_, page, _ := c.get("/admin/sites/pharma")
	for _, want := range []string{"Matomo", "_pk_id.*", "Country rule: US", "Appearance: Layout"} {
		if !strings.Contains(untagged(page), want) {
			t.Errorf("the editor does not show %q", want)
		}
	}
	if status, _, _ := c.post("/admin/sites/pharma/publish", url.Values{"_csrf": {tok}, "change_note": {"First version"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	live, err := a.Store.Site(ctx, "pharma")
	if err != nil || live.Revision != 1 || live.Rules["BR"] != consent.Notice || len(live.Services) != 2 || live.Services[1].Cookies[0].Domain != ".pharma.example" || live.Services[1].Cookies[0].Days != 395 ||
		live.Texts["fr"]["banner_title"] != "Vos choix, Pharma" || !live.AgeNotice || live.Retention.Duration != 400*24*time.Hour {
		t.Fatalf("live site %+v %v", live, err)
	}
	// The banner shows the site's own French title and the age notice.
	rec := do(a, req{"GET", "/api/v1/sites/pharma/banner?lang=fr", "", nil})
	if !strings.Contains(rec.Body.String(), "Vos choix, Pharma") || !strings.Contains(rec.Body.String(), "age-notice") {
		t.Error("the banner ignores the site's texts")
	}
	// A second revision, then its diff.
	if status, _, _ := c.post("/admin/sites/pharma/services/1/delete", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatal("delete service")
	}
	c.post("/admin/sites/pharma/publish", url.Values{"_csrf": {tok}, "change_note": {"Matomo removed (ticket 12)"},
		"kind": {"material"}, "what_changed_en": {"We no longer use Matomo."}})
	_, diff, _ := c.get("/admin/sites/pharma/diff?a=1&b=2")
	if !strings.Contains(diff, "Matomo") {
		t.Error("the diff does not show the removed service")
	}
	// A visitor holding revision 1 sees the banner again, with what changed
	// and never the internal note.
	rec = do(a, req{"GET", "/api/v1/sites/pharma/banner?rev=1&lang=en", "", nil})
	if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(b, "We no longer use Matomo.") || strings.Contains(b, "ticket 12") {
		t.Errorf("old revision: %d %s", rec.Code, b)
	}
	// The embed page's SRI hash is the hash of the file it names.
	_, embed, _ := c.get("/admin/sites/pharma/embed")
	m := regexp.MustCompile(`src=&#34;[^&]*(/c\.[0-9a-f]+\.js)&#34; integrity=&#34;(sha384-[^&]+)&#34;`).FindStringSubmatch(embed)
	if m == nil {
		t.Fatalf("no script tag on the embed page")
	}
	served := do(a, req{"GET", m[1], "", nil}) // identity encoding: SRI hashes the decoded body
	sum := sha512.Sum384(served.Body.Bytes())
	if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); served.Code != 200 || m[2] != got {
		t.Errorf("embed integrity %s, the served file hashes to %s", m[2], got)
	}
	if status, _, _ := c.get("/admin/sites/pharma/preview?lang=ar"); status != 200 {
		t.Errorf("preview: %d", status)
	}
}

// TestLayoutAndPositionInWords: the site editor's layout and position
// choices are words in the console's language, while the form still posts
// the codes; they showed "bar", "box", "bottom", "top" and "center" in every
// language.
func TestLayoutAndPositionInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	options := func(name string) []string {
		_, body, _ := c.get("/admin/sites/demo")
		sel := regexp.MustCompile(`(?s)<select[^>]*name="` + name + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
		if sel == nil {
			t.Fatalf("no %s choice on the site editor", name)
		}
		var out []string
		for _, m := range regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(sel[1], -1) {
			out = append(out, m[1]+"="+m[2])
		}
		return out
	}
	for _, tc := range []struct{ lang, layout, position string }{
		{"en", "bar=Bar across the page|box=Box", "bottom=Bottom|top=Top|center=Centre"},
		{"de", "bar=Leiste über die ganze Breite|box=Kasten", "bottom=Unten|top=Oben|center=Mitte"},
		{"ar", "bar=شريط بعرض الصفحة|box=مربّع", "bottom=في الأسفل|top=في الأعلى|center=في الوسط"},
	} {
		c.speak(tc.lang)
		if got := strings.Join(options("layout"), "|"); got != tc.layout {
			t.Errorf("%s: layout %q, want %q", tc.lang, got, tc.layout)
		}
		if got := strings.Join(options("position"), "|"); got != tc.position {
			t.Errorf("%s: position %q, want %q", tc.lang, got, tc.position)
		}
	}
}

// TestEmbedPageSaysNothingIsLive: the embed page of a site never published
// says that its tag shows no banner until the site is published, and links
// to the page that publishes it; a newcomer pasted the tag straight from a
// new site and saw nothing happen. A published site's page says nothing of
// the kind.
func TestEmbedPageSaysNothingIsLive(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	note := regexp.MustCompile(`(?s)<p[^>]*data-testid="embed-not-live"[^>]*>(.*?)</p>`)
	_, page, _ := c.get("/admin/sites/shop/embed")
	m := note.FindStringSubmatch(page)
	if m == nil || !strings.Contains(m[1], "no banner") || !strings.Contains(m[1], `href="/admin/sites/shop"`) {
		t.Fatalf("the embed page of a site never published does not say so: %q", m)
	}
	if status, _, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"material"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	if _, page, _ = c.get("/admin/sites/shop/embed"); note.MatchString(page) {
		t.Error("the embed page of a published site says nothing is live")
	}
	if _, page, _ = c.get("/admin/sites/demo/embed"); note.MatchString(page) {
		t.Error("the demo's embed page says nothing is live")
	}
}

// TestEmbedCodeReadsLeftToRight: the embed page's code — the tag, the
// examples and each service's tag — reads left to right in a right-to-left
// console too; in Arabic the blocks took the page's direction, so a line
// showed as 'script src="…" … <' and 'crossorigin="anonymous" … </script<'.
func TestEmbedCodeReadsLeftToRight(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	tok := c.pageToken()
	if status, _, _ := c.post("/admin/sites/demo/catalog", url.Values{"_csrf": {tok}, "id": {"hotjar"}, "category": {"analytics"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Hotjar: %d", status)
	}
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {"ar"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	_, page, _ := c.get("/admin/sites/demo/embed")
	pres := regexp.MustCompile(`<pre[^>]*>`).FindAllString(page, -1)
	testids := map[string]bool{}
	for _, p := range pres {
		if m := regexp.MustCompile(`data-testid="([^"]*)"`).FindStringSubmatch(p); m != nil {
			testids[m[1]] = true
		}
		if !strings.Contains(p, `dir="ltr"`) {
			t.Errorf("code block %s takes the Arabic page's direction", p)
		}
	}
	for _, id := range []string{"embed-tag", "embed-examples", "service-tag"} {
		if !testids[id] {
			t.Errorf("no %s code block on the embed page", id)
		}
	}
}

// TestStaleServiceFormChangesNothing: the forms that remove or edit a
// draft's service name the service the page showed (was); when the draft
// changed since (another tab or admin removed the one before it), the
// number now points at another service and the form is refused with a
// way on, changing nothing. By number alone, the owner's Remove removed
// the service after the one they chose, and Save overwrote it.
func TestStaleServiceFormChangesNothing(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites/demo")
	tok := csrfField.FindStringSubmatch(page)[1]
	names := func() []string {
		_, page, _ := c.get("/admin/sites/demo")
		var out []string
		for _, m := range regexp.MustCompile(`<input type="hidden" name="was" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	before := names()
	if len(before) < 3 {
		t.Fatalf("the demo's services as the page names them: %q", before)
	}
	// Another tab removes service 1; this page still shows it at 1.
	if status, _, _ := c.post("/admin/sites/demo/services/1/delete", url.Values{"_csrf": {tok}, "was": {before[1]}}); status != http.StatusSeeOther {
		t.Fatalf("removing %q: %d", before[1], status)
	}
	status, page, _ := c.post("/admin/sites/demo/services/1/delete", url.Values{"_csrf": {tok}, "was": {before[1]}})
	if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, "")), "Services: the draft changed since this page was opened: the service you chose, “"+before[1]+"”, is no longer where it was. Reload the page and try again.") {
		t.Errorf("removing %q again from the stale page: %d, want 400 and the way on: %s", before[1], status, regexp.MustCompile(`(?s)role="alert".{0,300}`).FindString(page))
	}
	status, _, _ = c.post("/admin/sites/demo/services", url.Values{"_csrf": {tok}, "index": {"1"}, "was": {before[1]}, "name": {"Renamed"}, "provider": {"X"}, "category": {"analytics"}})
	if status != http.StatusBadRequest {
		t.Errorf("saving the stale edit form of %q: %d, want 400", before[1], status)
	}
	if got := names(); !slices.Equal(got, slices.Delete(slices.Clone(before), 1, 2)) {
		t.Errorf("after the stale page's Remove and Save the services are %q, want %q less %q", got, before, before[1])
	}
	// The last service, removed in another tab: this page's edit form of it
	// names a number past the end now, and must not add it anew.
	last := len(before) - 1
	if status, _, _ := c.post("/admin/sites/demo/services/"+strconv.Itoa(last-1)+"/delete", url.Values{"_csrf": {tok}, "was": {before[last]}}); status != http.StatusSeeOther {
		t.Fatalf("removing %q: %d", before[last], status)
	}
	status, _, _ = c.post("/admin/sites/demo/services", url.Values{"_csrf": {tok}, "index": {strconv.Itoa(last)}, "was": {before[last]}, "name": {before[last]}, "provider": {"X"}, "category": {"marketing"}})
	if got := names(); status != http.StatusBadRequest || slices.Contains(got, before[last]) {
		t.Errorf("saving the stale edit form of %q, removed since: %d, services %q; want 400 and it not added anew", before[last], status, got)
	}
}
