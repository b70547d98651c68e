package web_test

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
)

// TestDemoSiteNameInTheVisitorsLanguage: the demo shop's own name is the
// visitor's language's on the page without JavaScript, in the preference
// center (Consentry's own service is provided by it) and on the receipt
// ('Apotheke zum Grünen Kreuz (Demo)', '緑十字薬局（デモ）'), in every
// visitor language, as its services and products were; it was 'Green
// Cross Pharmacy (demo)' in all of them. Saved as shown in the site
// editor it keeps being translated; renamed, it is the owner's name in
// every language.
func TestDemoSiteNameInTheVisitorsLanguage(t *testing.T) {
	a, c := signedIn(t, "owner@demo.example", auth.Admin)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	const english = "Green Cross Pharmacy (demo)"
	pages := func(lang string) map[string]string {
		t.Helper()
		site, err := a.Store.Site(context.Background(), "demo")
		if err != nil {
			t.Fatal(err)
		}
		tok := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"accept_all","revision":` + strconv.Itoa(site.Revision) + `,"lang":"` + lang + `"}`, nil})).Token
		return map[string]string{
			"the page without JavaScript": do(a, req{"GET", "/p/demo?lang=" + lang, "", nil}).Body.String(),
			"the preference center":       decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&part=prefs&lang=" + lang, "", nil})).HTML,
			"the receipt":                 do(a, req{"GET", "/api/v1/consents/receipt?token=" + url.QueryEscape(tok), "", map[string]string{"Accept": "text/html"}}).Body.String(),
		}
	}
	for _, l := range i18n.Visitor {
		want := b.For(l.Code).T("demo_site_name")
		if want == "demo_site_name" || l.Code != "en" && strings.Contains(want, "Green Cross") {
			t.Errorf("%s: the demo's name is %q", l.Code, want)
			continue
		}
		for name, page := range pages(l.Code) {
			page = html.UnescapeString(page)
			if !strings.Contains(page, want) || l.Code != "en" && strings.Contains(page, english) {
				t.Errorf("%s: %s does not name the demo %q", l.Code, name, want)
			}
		}
	}

	basics := func(name string) {
		t.Helper()
		c.speak("de")
		_, page, _ := c.get("/admin/sites/demo")
		action, form := formFields(t, page, "basics")
		if form.Get("name") != english {
			t.Errorf("the editor shows the name %q, want the owner's %q", form.Get("name"), english)
		}
		if name != "" {
			form.Set("name", name)
		}
		if status, body, _ := c.post(action, form); status != 303 {
			t.Fatalf("saving the basics: %d %.300s", status, body)
		}
		if status, body, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != 303 {
			t.Fatalf("publishing: %d %.300s", status, body)
		}
	}
	basics("")
	if page := html.UnescapeString(pages("de")["the page without JavaScript"]); !strings.Contains(page, "Apotheke zum Grünen Kreuz (Demo)") {
		t.Error("saved as shown, the demo's name is no longer German")
	}
	basics("Grüne Apotheke")
	for _, lang := range []string{"en", "de", "ja"} {
		for name, page := range pages(lang) {
			if page = html.UnescapeString(page); !strings.Contains(page, "Grüne Apotheke") || strings.Contains(page, b.For(lang).T("demo_site_name")) {
				t.Errorf("renamed, %s in %s does not name the site as its owner did", name, lang)
			}
		}
	}
}
