package web_test

import (
	"context"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// demoServiceNames are the messages that name the demo's own services.
var demoServiceNames = []string{"demo_service_session", "demo_service_settings", "demo_service_analytics", "demo_service_ads", "demo_service_video"}

// TestDemoServicesInTheVisitorsLanguage: the demo shop's own services are
// named in the visitor's language in the preference center ('Shop-Sitzung',
// 'Демо-видео', '演示广告'), in every visitor language, and its video's
// placeholder names the video service so too; they were English in all of
// them ('Shop session'), while the products beside them were translated.
func TestDemoServicesInTheVisitorsLanguage(t *testing.T) {
	a := newApp(t, 0)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	english := []string{"Shop session", "Language and store", "Demo Analytics", "Demo Ads", "Demo Video"}
	for _, l := range i18n.Visitor {
		loc := b.For(l.Code)
		prefs := html.UnescapeString(decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&part=prefs&lang=" + l.Code, "", nil})).HTML)
		for _, k := range demoServiceNames {
			if want := loc.T(k); want == k || !strings.Contains(prefs, "<h3>"+want+"</h3>") {
				t.Errorf("%s: the preference center does not name the service %s %q", l.Code, k, want)
			}
		}
		shop := html.UnescapeString(do(a, req{"GET", "/demo?lang=" + l.Code, "", nil}).Body.String())
		if want := loc.T("demo_service_video"); !strings.Contains(shop, `data-service="`+want+`"`) {
			t.Errorf("%s: the demo's video does not name its service %q for its placeholder", l.Code, want)
		}
		if l.Code == "en" {
			continue
		}
		for _, w := range english {
			if strings.Contains(prefs, "<h3>"+w+"</h3>") { // the providers, "Demo Ads Inc.", keep their names
				t.Errorf("%s: the preference center names a service %q in English", l.Code, w)
			}
		}
	}
}

// TestRenamedDemoServiceIsTheOwners: the site editor shows a demo service's
// name in the language being edited; saved as shown, the service keeps
// being named in every visitor's language; renamed, it is named as its
// owner wrote it, in every language (the message no longer stands in for
// it).
func TestRenamedDemoServiceIsTheOwners(t *testing.T) {
	a, c := signedIn(t, "owner@demo.example", auth.Admin)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ads := func() consent.Service {
		t.Helper()
		draft, err := a.Store.Draft(context.Background(), "demo")
		if err != nil {
			t.Fatal(err)
		}
		n := slices.IndexFunc(draft.Services, func(sv consent.Service) bool {
			return sv.Category == consent.Marketing && sv.Cookies[0].Name == "_demo_ads"
		})
		if n < 0 {
			t.Fatal("the demo has no ads service")
		}
		draft.Services[n].Cookies = []consent.Cookie{{Name: strconv.Itoa(n)}} // where it is, for save
		return draft.Services[n]
	}
	save := func(lang, name string) {
		t.Helper()
		n := ads().Cookies[0].Name
		_, page, _ := c.get("/admin/sites/demo?" + url.Values{"edit": {n}, "lang": {lang}}.Encode())
		action, form := formFields(t, page, "service-form")
		if got, want := form.Get("name"), b.For(lang).T("demo_service_ads"); name == "" && got != want {
			t.Errorf("editing in %s, the form shows the name %q, want %q", lang, got, want)
		}
		if name != "" {
			form.Set("name", name)
		}
		if status, body, _ := c.post(action, form); status != 303 {
			t.Fatalf("saving the service: %d %.300s", status, body)
		}
	}
	save("de", "")
	if sv := ads(); sv.Name != "Demo Ads" || sv.NameKey != "demo_service_ads" {
		t.Errorf("saved as shown in German, the service is named %q (key %q), want %q by demo_service_ads", sv.Name, sv.NameKey, "Demo Ads")
	}
	save("de", "Partner ads")
	if sv := ads(); sv.Name != "Partner ads" || sv.NameKey != "" {
		t.Errorf("renamed, the service is named %q (key %q), want the owner's %q alone", sv.Name, sv.NameKey, "Partner ads")
	}
	if status, body, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"material"}}); status != 303 {
		t.Fatalf("publishing: %d %.300s", status, body)
	}
	for _, lang := range []string{"en", "de", "ja"} {
		prefs := html.UnescapeString(decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&part=prefs&lang=" + lang, "", nil})).HTML)
		if !strings.Contains(prefs, "<h3>Partner ads</h3>") {
			t.Errorf("renamed: the preference center in %s does not name the service as its owner did, %q", lang, "Partner ads")
		}
	}
}
