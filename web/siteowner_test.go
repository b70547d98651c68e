package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestEditorialRevisionDoesNotNag: an editorial revision leaves visitors'
// decisions current; a material one brings the banner back with what
// changed in the visitor's language and never the internal note.
func TestEditorialRevisionDoesNotNag(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites")
	tok := csrfField.FindStringSubmatch(page)[1]
	c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://Shop.example/"}})
	linkPrivacy(t, a, "shop")
	if _, page, _ = c.get("/admin/sites/shop"); !strings.Contains(page, `data-testid="first-publish"`) || strings.Contains(page, "kind-editorial") ||
		strings.Contains(page, "older revision") {
		t.Error("a first publication offers an editorial kind or speaks of older revisions")
	}
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "change_note": {"first"}}); status != http.StatusSeeOther {
		t.Fatalf("publish 1: %d %s", status, body)
	}
	site, _ := a.Store.Site(context.Background(), "shop")
	if site.Origins[0] != "https://shop.example" || site.Services[0].Cookies[0].Name != "consentry" || site.Services[0].Category != consent.Necessary {
		t.Errorf("a new site: origins %v, services %+v; want the origin cleaned up and Consentry's cookie under Necessary", site.Origins, site.Services)
	}
	banner := func(q string) (int, string) {
		rec := do(a, req{"GET", "/api/v1/sites/shop/banner?" + q, "", nil})
		return rec.Code, rec.Body.String()
	}
	edit := func(name string) {
		if status, _, _ := c.post("/admin/sites/shop/basics", url.Values{"_csrf": {tok}, "name": {name}, "origins": {"https://shop.example"},
			"lifetime_days": {"183"}, "layout": {"bar"}, "position": {"bottom"}, "background": {"#ffffff"}, "text": {"#1f2328"},
			"accent": {"#1d4ed8"}, "accent_text": {"#ffffff"}}); status != http.StatusSeeOther {
			t.Fatalf("basics: %d", status)
		}
	}
	edit("The Shop")
	// edit leaves out the Consent Mode mapping and the vendor signals, and
	// clearing them is material: the owner confirms the editorial revision.
	if status, _, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}, "change_note": {"typo"}, "confirm_editorial": {"1"}}); status != http.StatusSeeOther {
		t.Fatal("editorial publish")
	}
	if code, _ := banner("rev=1"); code != http.StatusNoContent {
		t.Errorf("after an editorial revision a decision on revision 1: %d, want 204", code)
	}
	edit("The Shop, again")
	if status, _, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"material"}, "change_note": {"JIRA-12 new tracker"},
		"what_changed_en": {"We now measure visits."}, "what_changed_fr": {"Nous mesurons désormais les visites."}}); status != http.StatusSeeOther {
		t.Fatal("material publish")
	}
	for _, tc := range []struct {
		q, want string
		code    int
	}{
		{"rev=2&lang=en", "We now measure visits.", 200},
		{"rev=1&lang=fr", "Nous mesurons désormais les visites.", 200},
		{"rev=3&lang=en", "", 204},
	} {
		code, body := banner(tc.q)
		if code != tc.code || !strings.Contains(body, tc.want) || strings.Contains(body, "JIRA-12") {
			t.Errorf("%s: %d %.200s; want %d with %q and never the internal note", tc.q, code, body, tc.code, tc.want)
		}
	}
	edit("The Shop, fixed")
	c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}, "confirm_editorial": {"1"}})
	for q, want := range map[string]int{"rev=2": 200, "rev=3": 204, "rev=4": 204} {
		if code, _ := banner(q); code != want {
			t.Errorf("after material 3 and editorial 4, %s: %d, want %d", q, code, want)
		}
	}
	if code, body := banner("rev=2&lang=en"); code != 200 || !strings.Contains(body, "We now measure visits.") {
		t.Errorf("an editorial revision lost the material one's what-changed text: %.200s", body)
	}
}

// TestBannerStateForTheSnippet: what the snippet needs for automatic
// blocking, placeholders, vendor signals, links and a non-blocking banner.
func TestBannerStateForTheSnippet(t *testing.T) {
	a := newApp(t, 0)
	ctx := context.Background()
	site, _ := a.Store.Site(ctx, "demo")
	site.Services = append(site.Services, consent.Service{Name: "YouTube", Provider: "Google", Category: consent.Marketing,
		Hosts: []string{"youtube.com", "ytimg.com"}, Cookies: []consent.Cookie{{Name: "YSC", Session: true, PurposeKey: "purpose_video"}}})
	site.Signals = map[string]string{"uet": consent.Marketing, "meta": consent.Marketing}
	site.Appearance.NonBlocking = true
	site.Links = map[string]consent.Links{"en": {Privacy: "https://shop.example/privacy", Legal: "https://shop.example/imprint"},
		"de": {Privacy: "https://shop.example/datenschutz", Legal: "https://shop.example/impressum"}}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	var st struct {
		Modal    bool
		HTML     string
		Services []struct {
			Name, Category string
			Hosts, Cookies []string
		}
		Signals    map[string]string
		Texts      map[string]string
		Categories []struct{ Key, Name string }
	}
	rec := do(a, req{"GET", "/api/v1/sites/demo/banner?lang=de", "", nil})
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Modal || len(st.Services) != 1 || st.Services[0].Name != "YouTube" || strings.Join(st.Services[0].Hosts, " ") != "youtube.com ytimg.com" ||
		st.Services[0].Cookies[0] != "YSC" || st.Signals["uet"] != consent.Marketing || st.Signals["meta"] != consent.Marketing {
		t.Errorf("state: modal %v, services %+v, signals %v", st.Modal, st.Services, st.Signals)
	}
	for _, k := range []string{"ph_blocked", "ph_cookies", "ph_once", "ph_allow"} {
		if v := st.Texts[k]; v == "" || v == k {
			t.Errorf("placeholder text %s missing: %q", k, v)
		}
	}
	if !strings.Contains(st.Texts["ph_allow"], "{category}") || st.Categories[3].Name != "Marketing" {
		t.Errorf("placeholder texts %v, categories %v", st.Texts, st.Categories)
	}
	for _, want := range []string{"https://shop.example/datenschutz", "https://shop.example/impressum", "Impressum", "Sitzung"} {
		if !strings.Contains(st.HTML, want) {
			t.Errorf("the German banner lacks %q", want)
		}
	}
	if !strings.Contains(st.HTML, "Spielt eingebettete Videos") {
		t.Error("a catalog purpose is not shown in the visitor's language")
	}
	// The no-JavaScript page links the policy too, before the choice.
	if rec := do(a, req{"GET", "/p/demo?lang=de", "", nil}); !strings.Contains(rec.Body.String(), "https://shop.example/datenschutz") {
		t.Error("the no-JavaScript page does not link the privacy policy")
	}
	// A language without its own links gets the English ones.
	rec = do(a, req{"GET", "/api/v1/sites/demo/banner?lang=fr", "", nil})
	if !strings.Contains(rec.Body.String(), "https://shop.example/privacy") {
		t.Error("a language without links shows no policy link")
	}
}

// TestCatalogAndCategoriesInTheConsole: a service added from the catalog
// comes with its cookies and hosts in the chosen category; any category but
// necessary can be renamed and removed, and with it its mapping, signals
// and texts.
func TestCatalogAndCategoriesInTheConsole(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites")
	tok := csrfField.FindStringSubmatch(page)[1]
	c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"shop.example"}})
	if _, page, _ = c.get("/admin/sites/shop?catalog=youtube"); !strings.Contains(page, `data-testid="catalog-youtube"`) || strings.Contains(page, `data-testid="catalog-hotjar"`) {
		t.Error("searching the catalog for youtube does not find just YouTube")
	}
	if _, page, _ = c.get("/admin/sites/shop"); !strings.Contains(page, `data-testid="catalog-google-analytics"`) {
		t.Error("the editor does not offer the popular services before a search")
	}
	if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"youtube"}, "category": {"preferences"}}); status != http.StatusSeeOther {
		t.Fatalf("add from catalog: %d %.300s", status, body)
	}
	if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"youtube"}}); status != http.StatusBadRequest || !strings.Contains(body, "already") {
		t.Errorf("adding YouTube twice: %d", status)
	}
	d, _ := a.Store.Draft(context.Background(), "shop")
	yt := d.Services[len(d.Services)-1]
	if yt.Catalog != "youtube" || yt.Category != consent.Preferences || len(yt.Cookies) < 5 || !strings.Contains(strings.Join(yt.Hosts, " "), "youtube-nocookie.com") {
		t.Errorf("the catalog service %+v", yt)
	}
	// Marketing: renamed, then removed with its mapping and signals.
	if status, _, _ := c.post("/admin/sites/shop/categories/marketing", url.Values{"_csrf": {tok}, "lang": {"en"}, "name": {"Advertising"}}); status != http.StatusSeeOther {
		t.Fatal("rename")
	}
	if d, _ = a.Store.Draft(context.Background(), "shop"); d.Texts["en"]["category_marketing"] != "Advertising" {
		t.Errorf("renamed texts %v", d.Texts)
	}
	for _, key := range []string{"marketing", "analytics"} {
		if status, body, _ := c.post("/admin/sites/shop/categories/"+key+"/delete", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
			t.Fatalf("remove %s: %d %.300s", key, status, body)
		}
	}
	if status, _, _ := c.post("/admin/sites/shop/categories/necessary/delete", url.Values{"_csrf": {tok}}); status != http.StatusBadRequest {
		t.Error("necessary was removed")
	}
	if status, _, _ := c.post("/admin/sites/shop/categories/preferences/delete", url.Values{"_csrf": {tok}}); status != http.StatusBadRequest {
		t.Error("a category with services was removed")
	}
	d, _ = a.Store.Draft(context.Background(), "shop")
	if _, ok := d.Category(consent.Marketing); ok || d.ConsentMap[consent.Marketing] != nil || d.ConsentMap[consent.Analytics] != nil ||
		len(d.Signals) != 0 || d.Texts["en"]["category_marketing"] != "" {
		t.Errorf("after removal: categories %v, map %v, signals %v, texts %v", d.Categories, d.ConsentMap, d.Signals, d.Texts)
	}
}

// TestEmbedPage: the site's own origin in the no-JavaScript link, and its
// catalog services' tags rewritten to wait for consent.
func TestEmbedPage(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites")
	tok := csrfField.FindStringSubmatch(page)[1]
	c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://shop.example/"}})
	for _, id := range []string{"google-analytics", "youtube"} {
		if status, _, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {id}}); status != http.StatusSeeOther {
			t.Fatalf("add %s: %d", id, status)
		}
	}
	_, page, _ = c.get("/admin/sites/shop/embed")
	for _, want := range []string{
		"/p/shop?return=https%3A%2F%2Fshop.example%2F&#34;&gt;",
		`data-consent=&#34;analytics&#34; async data-src=&#34;https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX&#34;`,
		`data-consent=&#34;marketing&#34; data-src=&#34;https://www.youtube-nocookie.com/embed/VIDEO_ID&#34;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the embed page lacks %s", want)
		}
	}
	if strings.Contains(page, "YOUR-SITE") {
		t.Error("the embed page leaves a stand-in for the site's origin")
	}
}

// TestEditorKeepsWhatWasTyped: a refused form shows again with what the
// owner typed and names the field; the basics form sets the links of the
// language being edited, a non-blocking banner and the vendor signals.
func TestEditorKeepsWhatWasTyped(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites")
	tok := csrfField.FindStringSubmatch(page)[1]
	c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://shop.example"}})
	basics := url.Values{"_csrf": {tok}, "name": {"Typed name"}, "origins": {"ftp://shop.example"}, "lifetime_days": {"183"}, "layout": {"bar"},
		"position": {"bottom"}, "background": {"#ffffff"}, "text": {"#1f2328"}, "accent": {"#1d4ed8"}, "accent_text": {"#ffffff"}}
	status, body, _ := c.post("/admin/sites/shop/basics", basics)
	if status != http.StatusBadRequest || !strings.Contains(body, `value="Typed name"`) || !strings.Contains(body, "ftp://shop.example") || !strings.Contains(body, "origins") {
		t.Errorf("a refused basics form: %d; want 400 naming origins with the typed values", status)
	}
	svc := url.Values{"_csrf": {tok}, "name": {"Typed service"}, "provider": {"P"}, "category": {"analytics"}, "cookies": {"_x | soon | persistent | X"}}
	status, body, _ = c.post("/admin/sites/shop/services", svc)
	if status != http.StatusBadRequest || !strings.Contains(body, `value="Typed service"`) || !strings.Contains(body, "_x | soon | persistent | X") {
		t.Errorf("a refused service form: %d; want 400 with the typed service and cookie line", status)
	}
	basics.Set("origins", "https://shop.example")
	basics.Set("lang", "de")
	basics.Set("privacy_link", "https://shop.example/datenschutz")
	basics.Set("legal_link", "https://shop.example/impressum")
	basics.Set("non_blocking", "1")
	basics.Set("signal_uet", "analytics")
	if status, body, _ := c.post("/admin/sites/shop/basics", basics); status != http.StatusSeeOther {
		t.Fatalf("basics: %d %.300s", status, body)
	}
	d, _ := a.Store.Draft(context.Background(), "shop")
	if d.Links["de"].Legal != "https://shop.example/impressum" || !d.Appearance.NonBlocking || d.Signals["uet"] != "analytics" || d.Signals["meta"] != "" {
		t.Errorf("draft links %v, non-blocking %v, signals %v", d.Links, d.Appearance.NonBlocking, d.Signals)
	}
	if _, page, _ = c.get("/admin/sites/shop?lang=de"); !strings.Contains(page, "Banner heading") || strings.Contains(page, "<code>banner_title</code>") ||
		!strings.Contains(page, `type="color"`) || !strings.Contains(page, `data-testid="contrast"`) {
		t.Error("the editor labels texts by key, or lacks colour pickers and the contrast check")
	}
}

// TestNewSiteFormKeepsWhatWasTyped: a new site refused (its ID taken, or
// not an ID) shows the form again with the ID, name and origin as typed;
// they were emptied, to be typed again.
func TestNewSiteFormKeepsWhatWasTyped(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites")
	tok := csrfField.FindStringSubmatch(page)[1]
	for _, id := range []string{"demo", "Tea Shop"} {
		status, body, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {id}, "name": {"Meadow & Moss Teas"}, "origin": {"https://teas.example/"}})
		if status != http.StatusBadRequest {
			t.Fatalf("new site %q: status %d, want 400", id, status)
		}
		for _, want := range []string{`name="id" value="` + id + `"`, `name="name" value="Meadow &amp; Moss Teas"`, `name="origin" value="https://teas.example/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("new site %q refused: the form lacks %s", id, want)
			}
		}
	}
}
