package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/siteyaml"
	"golang.org/x/net/html"
)

// TestServiceEditKeepsWhatTheFormDoesNotShow: editing a catalog service's
// description keeps its catalog entry, hosts and message keys, and every
// cookie whose line comes back as shown; an edited line is that cookie anew.
func TestServiceEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	publishWithTextLifetimes(t, a)
	_, page, _ := c.get("/admin/sites/demo")
	tok := csrfField.FindStringSubmatch(page)[1]
	if status, body, _ := c.post("/admin/sites/demo/catalog", url.Values{"_csrf": {tok}, "id": {"google-analytics"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Google Analytics: %d %s", status, body)
	}
	before, _ := a.Store.Draft(ctx, "demo")
	n := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Catalog == "google-analytics" })
	own := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Name == "Consentry" })
	edit := func(i int, change func(url.Values)) {
		t.Helper()
		_, page, _ := c.get("/admin/sites/demo?edit=" + strconv.Itoa(i))
		_, form := formFields(t, page, "service-form")
		change(form)
		if status, body, _ := c.post("/admin/sites/demo/services", form); status != http.StatusSeeOther {
			t.Fatalf("saving service %d: %d %.300s", i, status, body)
		}
	}
	edit(n, func(f url.Values) { f.Set("description", "Counts visits to the shop.") })
	edit(own, func(url.Values) {})
	after, _ := a.Store.Draft(ctx, "demo")
	ga, was := after.Services[n], before.Services[n]
	if ga.Description != "Counts visits to the shop." || ga.Catalog != was.Catalog || !slices.Equal(ga.Hosts, was.Hosts) ||
		ga.DescriptionKey != was.DescriptionKey || !slices.Equal(ga.Cookies, was.Cookies) {
		t.Errorf("Google Analytics after editing its description:\n%+v\nwas\n%+v", ga, was)
	}
	if got := consent.Diff(before, after); len(got) != 1 || got[0].Path != "services["+strconv.Itoa(n)+"].description" {
		t.Errorf("editing one description changed %+v", got)
	}
	// The demo's own cookie says "6 months", as stored before lifetimes
	// were counted in days; its line saved as shown keeps it so.
	if k := after.Services[own].Cookies[0]; k != before.Services[own].Cookies[0] {
		t.Errorf("the consentry cookie saved unchanged became %+v, was %+v", k, before.Services[own].Cookies[0])
	}
	edit(own, func(f url.Values) { f.Set("cookies", "consentry | 180 | persistent | Stores your consent decision") })
	after, _ = a.Store.Draft(ctx, "demo")
	if k := after.Services[own].Cookies[0]; k != (consent.Cookie{Name: "consentry", Provider: "Green Cross Pharmacy (demo)", Purpose: "Stores your consent decision", Days: 180}) {
		t.Errorf("the consentry cookie given 180 days became %+v", k)
	}
}

// TestUnchangedFormsChangeNothing: the demo site and each site YAML in
// testdata/sites, published as `sites apply` does; every form of the site
// editor (the basics, the texts and each category's name in every
// language the site has words or links in, each service) sent back as the
// page shows it leaves nothing to publish. A form cannot say "unset": the
// basics show an unset look or lifetime as the default's values, colours
// in lower case, and a browser sends a textarea's line breaks as CRLF.
func TestUnchangedFormsChangeNothing(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	ctx := context.Background()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"demo"}
	files, _ := filepath.Glob("testdata/sites/*.yaml")
	if len(files) == 0 {
		t.Fatal("no site YAML in testdata/sites")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		site, err := siteyaml.Decode(b)
		if err == nil {
			err = site.Validate()
		}
		if err == nil {
			err = site.ValidateTexts(bundle.Languages())
		}
		if err == nil {
			_, err = a.Store.Publish(ctx, site, shown.All(bundle))
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ids = append(ids, site.ID)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			live, err := a.Store.Site(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			save := func(query, testid string) {
				t.Helper()
				before, _ := a.Store.Draft(ctx, id)
				_, page, _ := c.get("/admin/sites/" + id + query)
				action, form := formFields(t, page, testid)
				if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
					t.Fatalf("%s%s, %s sent as shown: %d %.300s", id, query, testid, status, body)
				}
				after, _ := a.Store.Draft(ctx, id)
				for _, ch := range consent.Diff(before, after) {
					t.Errorf("%s%s, %s sent as shown changed %s: %q → %q", id, query, testid, ch.Path, ch.Old, ch.New)
				}
			}
			langs := []string{"en"}
			for l := range live.Texts {
				langs = append(langs, l)
			}
			for l := range live.Links {
				langs = append(langs, l)
			}
			slices.Sort(langs)
			for _, l := range slices.Compact(langs) {
				save("?lang="+l, "basics")
				save("?lang="+l, "texts-form")
				for _, cat := range live.Categories {
					save("?lang="+l, "rename-"+cat.Key)
				}
			}
			for i := range live.Services {
				save("?edit="+strconv.Itoa(i), "service-form")
			}
			if draft, _ := a.Store.Draft(ctx, id); len(consent.Diff(live, draft)) > 0 {
				t.Errorf("after saving every form unchanged the draft differs from the live revision: %+v", consent.Diff(live, draft))
			}
			if _, page, _ := c.get("/admin/sites/" + id); !strings.Contains(page, `data-testid="no-changes"`) {
				t.Error("after saving every form unchanged, the publish form lists changes")
			}
		})
	}
}

// TestChangesSayPeriodsInDays: a retention set in the basics shows on the
// publish form, and on the revisions' comparison once published, in days as
// the form counts them and in the console's language, never as a Go
// duration ("9600h0m0s").
func TestChangesSayPeriodsInDays(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.saveBasics("demo", "retention_days", "400")
	for lang, want := range map[string]string{
		"en": "Keep decisions in the log for | for ever → 400 days",
		"de": "Entscheidungen im Protokoll aufbewahrt für | unbegrenzt → 400 Tage",
		"fr": "Décisions conservées dans le journal pendant | indéfiniment → 400 jours",
		"es": "Decisiones conservadas en el registro durante | para siempre → 400 días",
		"ar": "مدة الاحتفاظ بالقرارات في السجل | دائمًا → 400 يوم",
	} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo")
		if got := rowTexts(t, page, "changes"); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: the publish form lists %q, want %q", lang, got, want)
		}
	}
	c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {"en"}, "tz": {"UTC"}})
	if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	_, page, _ := c.get("/admin/sites/demo/diff?a=1&b=2")
	if got, want := rowTexts(t, page, "changes"), []string{"Keep decisions in the log for | for ever → 400 days"}; !slices.Equal(got, want) {
		t.Errorf("revisions 1 → 2 list %q, want %q", got, want)
	}
}

// TestDiffOfEqualRevisionsSaysSo: two published revisions that say the
// same (a change made, then undone) compare as "no differences", not as
// "no changes since the live revision", which is the draft's state.
func TestDiffOfEqualRevisionsSaysSo(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for _, days := range []string{"400", "0"} {
		c.saveBasics("demo", "retention_days", days)
		if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != http.StatusSeeOther {
			t.Fatalf("publish: %d", status)
		}
	}
	said := regexp.MustCompile(`data-testid="no-differences">([^<]*)<`)
	for lang, want := range map[string]string{
		"en": "No differences: the two revisions say the same.",
		"de": "Keine Unterschiede: Die beiden Versionen sind gleich.",
	} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo/diff?a=1&b=3")
		if m := said.FindStringSubmatch(page); m == nil || m[1] != want {
			t.Errorf("%s: revisions 1 → 3 say %q, want %q", lang, m, want)
		}
	}
}

// TestDiffHeadingNamesTheSite: the revision comparison's heading names the
// site as its editor does, by its name ('Demo Pharmacy: Revision 1 → 2'),
// not by its ID ('demo: …'); in Arabic the name is a first-strong isolate,
// so a Latin name keeps its place before the heading's Arabic words.
func TestDiffHeadingNamesTheSite(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites/demo")
	action, form := formFields(t, page, "basics")
	form.Set("name", "Shop 2")
	form.Set("retention_days", "400")
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("basics: %d %.300s", status, body)
	}
	if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	if site, err := a.Store.Site(context.Background(), "demo"); err != nil || site.Name != "Shop 2" {
		t.Fatalf("the site after publishing: %v, %v", site, err)
	}
	heading := regexp.MustCompile(`<h1 id="title">([^<]*)</h1>`)
	for lang, want := range map[string]string{
		"en": "Shop 2: Policy revision 1 → 2",
		"de": "Shop 2: Richtlinienversion 1 → 2",
		"ar": "\u2068Shop 2\u2069: مراجعة السياسة 1 → 2",
	} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo/diff?a=1&b=2")
		if m := heading.FindStringSubmatch(page); m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("%s: the comparison's heading is %q, want %q", lang, m, want)
		}
	}
}

// TestPublishFormOffersKindByWhatChanged: a retention change alone is
// offered as an editorial revision (the log's retention is nothing a visitor
// consented to); a change to an analytics cookie's lifetime, which visitors
// were told when they agreed, as a material one.
func TestPublishFormOffersKindByWhatChanged(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	offered := func() string {
		t.Helper()
		_, page, _ := c.get("/admin/sites/demo")
		_, form := formFields(t, page, "publish-form")
		return form.Get("kind")
	}
	c.saveBasics("demo", "retention_days", "400")
	if got := offered(); got != "editorial" {
		t.Errorf("a retention change is offered as %q, want editorial", got)
	}
	draft, _ := a.Store.Draft(context.Background(), "demo")
	n := slices.IndexFunc(draft.Services, func(sv consent.Service) bool { return sv.Category == consent.Analytics })
	_, page, _ := c.get("/admin/sites/demo?edit=" + strconv.Itoa(n))
	action, form := formFields(t, page, "service-form")
	form.Set("cookies", strings.Replace(form.Get("cookies"), "| 395 |", "| 760 |", 1))
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("service: %d %.300s", status, body)
	}
	if got := offered(); got != "material" {
		t.Errorf("a change to an analytics cookie's lifetime is offered as %q, want material", got)
	}
}

// TestChangesInWords: the publish form says each change as a sentence in
// the console's language: a service added from the catalog with its
// category's name, an origin added, a category's Consent Mode types, a
// cookie's lifetime in days, and a category's new name in the site's own
// words; never a field's path, a list index or a category's key.
func TestChangesInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	post := func(what, action string, form url.Values) {
		t.Helper()
		if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", what, status, body)
		}
	}
	// The demo's ad cookie with its purpose in the owner's words, so that
	// giving it a new lifetime changes nothing else: an edited line's
	// purpose is its text, and the demo's says the catalog's by key.
	site, err := a.Store.Site(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	for i := range site.Services {
		for j, k := range site.Services[i].Cookies {
			if k.Name == "_demo_ads" {
				site.Services[i].Cookies[j].Purpose, site.Services[i].Cookies[j].PurposeKey = "Ad conversion and targeting", ""
			}
		}
	}
	if _, err := a.Store.Publish(context.Background(), site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	_, page, _ := c.get("/admin/sites/demo")
	action, form := formFields(t, page, "basics")
	form.Set("origins", form.Get("origins")+"\nhttps://shop.example")
	form.Set("consent_mode", strings.Replace(form.Get("consent_mode"), "marketing: ad_storage ad_user_data ad_personalization", "marketing: ad_storage", 1))
	post("basics", action, form)
	post("catalog", "/admin/sites/demo/catalog", url.Values{"_csrf": {c.pageToken()}, "id": {"google-analytics"}, "category": {"analytics"}})
	draft, _ := a.Store.Draft(context.Background(), "demo")
	n := slices.IndexFunc(draft.Services, func(sv consent.Service) bool { return sv.Name == "Demo Ads" })
	_, page, _ = c.get("/admin/sites/demo?edit=" + strconv.Itoa(n))
	action, form = formFields(t, page, "service-form")
	form.Set("cookies", "_demo_ads | 30 | persistent | Ad conversion and targeting")
	post("service", action, form)
	post("rename", "/admin/sites/demo/categories/analytics", url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "name": {"Statistik"}})

	for lang, want := range map[string][]string{
		"en": {
			"Service Demo Ads: cookie _demo_ads: lifetime material | 90 days → 30 days",
			"Added service Google Analytics 4 to Analytics material | 10 cookies: _ga, _gali, _ga_*, _gid, _gat*, _dc_gtm_*, …",
			"Allowed origins: added https://shop.example | ",
			"Consent Mode: Marketing material | ad_storage, ad_user_data, ad_personalization → ad_storage",
			"Text: Category name: Analytics (Deutsch, de) material | Statistik",
		},
		"de": {
			"Dienst Demo Ads: Cookie _demo_ads: Laufzeit wesentlich | 90 Tage → 30 Tage",
			"Dienst Google Analytics 4 unter Statistik hinzugefügt wesentlich | 10 Cookies: _ga, _gali, _ga_*, _gid, _gat*, _dc_gtm_*, …",
			"Erlaubte Ursprünge: https://shop.example hinzugefügt | ",
			"Consent Mode: Marketing wesentlich | ad_storage, ad_user_data, ad_personalization → ad_storage",
			"Text: Name der Kategorie: Statistik (Deutsch, de) wesentlich | Statistik",
		},
	} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo")
		if got := rowTexts(t, page, "changes"); !slices.Equal(got, want) {
			t.Errorf("%s: the publish form lists\n%s\nwant\n%s", lang, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for _, lang := range []string{"fr", "es", "ar"} {
		c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {lang}, "tz": {"UTC"}})
		_, page, _ := c.get("/admin/sites/demo")
		rows := rowTexts(t, page, "changes")
		for _, r := range rows {
			for _, english := range []string{"Added", "lifetime", "Allowed", " days", "a_chg", "a_field", "analytics"} {
				if strings.Contains(r, english) {
					t.Errorf("%s: %q says %q", lang, r, english)
				}
			}
		}
		if len(rows) != 5 {
			t.Errorf("%s: %d rows: %q", lang, len(rows), rows)
		}
	}
}

// cookieLifetimes are the preference center's cookie tables on a page:
// each cookie's name and what its lifetime column says.
func cookieLifetimes(t *testing.T, page string) map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for tr := range doc.Descendants() {
		if tr.Type != html.ElementNode || tr.Data != "tr" {
			continue
		}
		var cells []string
		for td := range tr.ChildNodes() {
			if td.Type == html.ElementNode && td.Data == "td" {
				cells = append(cells, strings.TrimSpace(textOf(td)))
			}
		}
		if len(cells) == 4 {
			out[cells[0]] = cells[2]
		}
	}
	return out
}

// TestOwnCookieFollowsTheLifetime: the site remembers a choice for 30
// days; once published, the preference center says Consentry's own cookie
// lives 30 days, not the 183 its declaration was written with.
func TestOwnCookieFollowsTheLifetime(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.saveBasics("demo", "lifetime_days", "30")
	if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	_, page, _ := c.get("/p/demo")
	if got := cookieLifetimes(t, page)["consentry"]; got != "30" {
		t.Errorf("the preference center says the consentry cookie lives %q days, want 30", got)
	}
}

// TestCookieLifetimesInDays: the cookie tables' column is "Lifetime
// (days)", and the cookies of a demo site stored before lifetimes were
// counted in days, declared as "6 months", "1 year" or "13 months", say
// their days there; a session cookie leaves it to the type column.
func TestCookieLifetimesInDays(t *testing.T) {
	a := newApp(t, 0)
	c := newConsole(t, a)
	publishWithTextLifetimes(t, a)
	_, page, _ := c.get("/p/demo")
	want := map[string]string{"consentry": "183", "session": "", "demo_lang": "365", "_demo_ga": "395", "_demo_ga_*": "395", "_demo_ads": "90", "_demo_video": "1"}
	if got := cookieLifetimes(t, page); !maps.Equal(got, want) {
		t.Errorf("the preference center's lifetimes are %q, want %q", got, want)
	}
}

// TestCountryRulesInWords: a country rule that changed is said with its
// mode in the console's language on the publish form and the revisions'
// comparison ('Länderregel: US | Opt-out (Widerspruch) → Opt-in …'), not
// with the code the form takes ('opt-out'); the country stays its code.
func TestCountryRulesInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	rules := func(r string) {
		t.Helper()
		c.saveBasics("demo", "rules", r)
	}
	lang := func(l string) {
		t.Helper()
		c.speak(l)
	}
	rules("US opt-out\nBR notice")
	lang("de")
	_, page, _ := c.get("/admin/sites/demo")
	if got, want := rowTexts(t, page, "changes"), []string{"Länderregel: BR wesentlich | Nur Hinweis", "Länderregel: US wesentlich | Opt-out (Widerspruch)"}; !slices.Equal(got, want) {
		t.Errorf("publish form: %q, want %q", got, want)
	}
	if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"material"}, "change_note": {"rules"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	rules("US opt-in")
	if status, _, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"material"}, "change_note": {"rules"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d", status)
	}
	for l, want := range map[string][]string{
		"en": {"Country rule: BR material | Notice only", "Country rule: US material | Opt-out → Opt-in"},
		"de": {"Länderregel: BR wesentlich | Nur Hinweis", "Länderregel: US wesentlich | Opt-out (Widerspruch) → Opt-in (vorherige Einwilligung)"},
		"fr": nil, "es": nil, "ar": nil,
	} {
		lang(l)
		_, page, _ := c.get("/admin/sites/demo/diff?a=2&b=3")
		got := rowTexts(t, page, "changes")
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("%s: comparison %q, want %q", l, got, want)
		}
		for _, r := range got {
			if strings.Contains(r, "| opt-") || strings.Contains(r, "→ opt-") || strings.Contains(r, "notice") {
				t.Errorf("%s: %q says the mode's code", l, r)
			}
		}
		if len(got) != 2 {
			t.Errorf("%s: %d rows", l, len(got))
		}
	}
}

// publishWithTextLifetimes publishes the demo site as a demo stored before
// cookie lifetimes were counted in days had it: "6 months", "Session",
// "1 year", "13 months", "90 days" and "1 day", as text.
func publishWithTextLifetimes(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	text := map[string]string{"consentry": "6 months", "session": "Session", "demo_lang": "1 year", "_demo_ga": "13 months",
		"_demo_ga_*": "13 months", "_demo_ads": "90 days", "_demo_video": "1 day"}
	for i := range site.Services {
		for j, k := range site.Services[i].Cookies {
			site.Services[i].Cookies[j].Days, site.Services[i].Cookies[j].Duration = 0, text[k.Name]
		}
	}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
}

// TestSiteRenameSaysTheName: the demo is named by a key that names it in
// every visitor language; its owner names it "Corner Pharmacy". The
// publish form says the change of the name from what visitors read in the
// console's language to the new name, as it says the provider of the
// site's own service, which follows the name; so do the audit trail's
// entries of the draft and of the revision. It said the key as written
// ("name_key demo_site_name") and the old name in English, as the trail
// did.
func TestSiteRenameSaysTheName(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.saveBasics("demo", "name", "Corner Pharmacy")
	said := map[string]string{
		"en": "Name | Green Cross Pharmacy (demo) → Corner Pharmacy",
		"de": "Name | Apotheke zum Grünen Kreuz (Demo) → Corner Pharmacy",
		"fr": "Nom | Pharmacie de la Croix Verte (démo) → Corner Pharmacy",
		"es": "Nombre | Farmacia Cruz Verde (demostración) → Corner Pharmacy",
		"ar": "الاسم | صيدلية الصليب الأخضر (تجريبية) → Corner Pharmacy",
	}
	for lang, want := range said {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo")
		// Consentry's own service is provided by the site under its name:
		// two rows more, of its provider, named as visitors read it too.
		got := rowTexts(t, page, "changes")
		if !slices.Contains(got, want) || slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "name_key") || strings.Contains(r, "demo_site_name") }) {
			t.Errorf("%s: the publish form lists %q, want %q and no key", lang, got, want)
		}
		was := strings.SplitN(want, "| ", 2)[1]
		if n := len(slices.DeleteFunc(got, func(r string) bool { return !strings.HasSuffix(r, was) })); n != 3 {
			t.Errorf("%s: %d of the publish form's rows %q end %q, want 3 (the name and its own service's two providers)", lang, n, got, was)
		}
	}
	c.speak("en")
	if status, body, _ := c.post("/admin/sites/demo/publish", url.Values{"_csrf": {c.pageToken()}, "kind": {"editorial"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d %.300s", status, body)
	}
	for lang, want := range said {
		name := strings.TrimSpace(strings.SplitN(strings.SplitN(want, "|", 2)[1], "→", 2)[0]) // what visitors read
		got, _ := auditDetails(t, c, lang, "")
		n := 0
		for _, d := range got {
			if strings.Contains(d, "name_key") || strings.Contains(d, "demo_site_name") {
				t.Errorf("%s: the trail says %q", lang, d)
			}
			if strings.Contains(d, name) {
				n++
			}
			if lang != "en" && strings.Contains(d, "Green Cross") {
				t.Errorf("%s: the trail names the demo in English: %q", lang, d)
			}
		}
		if n != 2 { // the basics saved, the revision published
			t.Errorf("%s: %d of the trail's details say %q: %q", lang, n, name, got)
		}
	}
}
