package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

// TestEditedCookieLineKeepsItsPurposeKey: a cookie whose purpose is a
// visitor message (purpose_key, read in every visitor language) shows that
// message in the service form; an owner who changes its lifetime there
// keeps the key, and one who writes a purpose of their own gets that
// purpose instead. Its line saved with another lifetime became a cookie
// with an empty plain purpose, so visitors lost its purpose in every
// language.
func TestEditedCookieLineKeepsItsPurposeKey(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	before, err := a.Store.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	n := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Name == "Demo Analytics" })
	if n < 0 || len(before.Services[n].Cookies) != 2 || before.Services[n].Cookies[0].PurposeKey == "" || before.Services[n].Cookies[1].PurposeKey == "" {
		t.Fatalf("the demo's analytics cookies have no purpose keys: %+v", before.Services)
	}
	ga, pages := before.Services[n].Cookies[0], before.Services[n].Cookies[1]
	_, page, _ := c.get("/admin/sites/demo?edit=" + strconv.Itoa(n))
	action, form := formFields(t, page, "service-form")
	lines := strings.Split(form.Get("cookies"), "\r\n")
	if len(lines) != 2 || lines[0] != "_demo_ga | 395 | persistent | Tells visitors apart so that visits can be counted." {
		t.Fatalf("the form shows the cookies as %q", lines)
	}
	lines[0] = strings.Replace(lines[0], "395", "30", 1)
	lines[1] = "_demo_ga_* | 395 | persistent | Counts the pages you view"
	form.Set("cookies", strings.Join(lines, "\r\n"))
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("saving the service: %d %.300s", status, body)
	}
	after, err := a.Store.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	ks := after.Services[n].Cookies
	ga.Days = 30
	if len(ks) != 2 || ks[0] != ga {
		t.Errorf("_demo_ga given 30 days became %+v, want %+v", ks[0], ga)
	}
	pages.Purpose, pages.PurposeKey = "Counts the pages you view", ""
	if len(ks) != 2 || ks[1] != pages {
		t.Errorf("_demo_ga_* given a purpose became %+v, want %+v", ks[1], pages)
	}
}

// TestServiceFormShowsKeyedTexts: a service whose description and cookie
// purposes are visitor messages (a catalog service's, the demo's) shows
// them in the service form in the words of the language being edited, as
// its visitors read them; they showed as empty fields, as if the service
// said nothing. Saved as shown, the service keeps its keys, so every
// visitor still reads it in their own language, a catalog service still
// follows the catalog, and nothing is pending.
func TestServiceFormShowsKeyedTexts(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := c.post("/admin/sites/demo/catalog", url.Values{"_csrf": {c.pageToken()}, "id": {"hotjar"}, "category": {"analytics"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Hotjar from the catalog: %d", status)
	}
	before, err := a.Store.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Demo Analytics", "Hotjar"} {
		n := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Name == name })
		if n < 0 || before.Services[n].DescriptionKey == "" || before.Services[n].Description != "" {
			t.Fatalf("the draft has no %s described by a key: %+v", name, before.Services)
		}
		sv := before.Services[n]
		for _, lang := range []string{"en", "de", "ar"} {
			words := bundle.For(lang)
			_, page, _ := c.get("/admin/sites/demo?lang=" + lang + "&edit=" + strconv.Itoa(n))
			action, form := formFields(t, page, "service-form")
			if got, want := form.Get("description"), words.T(sv.DescriptionKey); got != want || got == sv.DescriptionKey {
				t.Errorf("%s, %s: the description shows %q, want %q", name, lang, got, want)
			}
			var want []string
			for _, k := range sv.Cookies {
				if k.Purpose == "" {
					k.Purpose = words.T(k.PurposeKey)
				}
				want = append(want, templates.CookieLine(k))
			}
			if got := strings.Split(form.Get("cookies"), "\r\n"); !slices.Equal(got, want) || strings.HasSuffix(got[0], "| ") {
				t.Errorf("%s, %s: the cookies show as %q, want %q", name, lang, got, want)
			}
			if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
				t.Fatalf("%s, %s: saving the service as shown: %d %.300s", name, lang, status, body)
			}
			after, err := a.Store.Draft(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			if d := consent.Diff(before, after); len(d) > 0 || len(after.Services[n].Overrides) > 0 {
				t.Errorf("%s, %s: saving the service as shown changed %+v, overrides %q", name, lang, d, after.Services[n].Overrides)
			}
		}
	}
}
