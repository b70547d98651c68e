package catalog_test

import (
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
)

// TestCatalogSize: the catalog holds at least 100 services, and the ones
// site owners ask for first.
func TestCatalogSize(t *testing.T) {
	services, cookies, hosts := catalog.Size()
	t.Logf("catalog: %d services, %d cookies, %d hosts", services, cookies, hosts)
	if services < 100 || cookies < 500 || hosts < 150 {
		t.Errorf("catalog: %d services, %d cookies, %d hosts; want at least 100, 500, 150", services, cookies, hosts)
	}
	for _, id := range []string{"google-analytics", "google-ads", "google-tag-manager", "meta-pixel", "hotjar", "matomo", "youtube", "vimeo",
		"hubspot", "linkedin-insight", "tiktok-pixel", "microsoft-clarity", "microsoft-uet", "stripe", "google-recaptcha"} {
		e, ok := catalog.Get(id)
		if !ok || len(e.Hosts) == 0 || len(e.Cookies) == 0 {
			t.Errorf("%s: %+v, want an entry with hosts and cookies", id, e)
		}
	}
}

// TestCatalogIntegrity: every entry makes a valid service on a new site,
// its texts exist in every visitor language, and every cookie names the
// Open Cookie Database row its facts come from.
func TestCatalogIntegrity(t *testing.T) {
	rows := map[string]string{}
	f, err := os.Open("ocd/open-cookie-database.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		rows[r[0]] = strings.TrimRight(strings.TrimSpace(r[3]), "*")
	}
	var en map[string]any
	if _, err := toml.DecodeFile("../../locales/active.en.toml", &en); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range catalog.All() {
		if ids[e.ID] || !consent.ValidSiteID(e.ID) {
			t.Errorf("%q: duplicate or malformed ID", e.ID)
		}
		ids[e.ID] = true
		if !consent.BuiltIn(e.Category) || !strings.HasPrefix(e.PolicyURL, "https://") || en[e.DescriptionKey] == nil {
			t.Errorf("%s: category %q, policy %q, description %q", e.ID, e.Category, e.PolicyURL, e.DescriptionKey)
		}
		for _, k := range e.Cookies {
			if name, ok := rows[k.Source]; !ok || name != strings.TrimRight(k.Name, "*") {
				t.Errorf("%s: cookie %s names row %s (%q)", e.ID, k.Name, k.Source, name)
			}
			if en[k.PurposeKey] == nil || (k.Session && k.Days > 0) || (!k.Session && k.Days < 1) {
				t.Errorf("%s: cookie %+v", e.ID, k)
			}
		}
		site := consent.Site{ID: "s", Name: "S", Categories: consent.BuiltInCategories(), Services: []consent.Service{e.Service()}}
		if err := site.Validate(); err != nil {
			t.Errorf("%s: %v", e.ID, err)
		}
	}
}

func TestSearch(t *testing.T) {
	for q, want := range map[string]string{"youtube": "youtube", "_ga": "google-analytics", "clarity.ms": "microsoft-clarity", "MICROSOFT uet": "microsoft-uet"} {
		got := catalog.Search(q)
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("Search(%q) = %d entries, first %v; want %s first", q, len(got), got, want)
		}
	}
	if n := len(catalog.Search("")); n != len(catalog.All()) {
		t.Errorf("an empty search finds %d", n)
	}
	if n := len(catalog.Search("no such service anywhere")); n != 0 {
		t.Errorf("a search for nothing finds %d", n)
	}
}

var heldIframe = regexp.MustCompile(`<iframe[^>]* data-consent="marketing" data-src=`)

// TestTags: a vendor's tag rewritten for blocking loads and runs nothing
// before consent: no script with src or without type="text/plain", no
// iframe with src. A necessary service's tag stays as published.
func TestTags(t *testing.T) {
	n := 0
	for _, e := range catalog.All() {
		tag, ok := catalog.Tag(e.ID, "marketing")
		if !ok {
			continue
		}
		n++
		for _, bad := range []string{"<script src=", " src=\"http", "<iframe src="} {
			if strings.Contains(tag, bad) && !strings.Contains(tag, "data-src=") {
				t.Errorf("%s: %q left in %s", e.ID, bad, tag)
			}
		}
		if strings.Count(tag, "<script") != strings.Count(tag, `<script type="text/plain" data-consent="marketing"`) {
			t.Errorf("%s: a script is not held back: %s", e.ID, tag)
		}
		if strings.Count(tag, "<iframe") != len(heldIframe.FindAllString(tag, -1)) {
			t.Errorf("%s: an iframe is not held back: %s", e.ID, tag)
		}
		if strings.Contains(tag, ` src=`) {
			t.Errorf("%s: a src is left: %s", e.ID, tag)
		}
	}
	if n < 20 {
		t.Errorf("%d services have tags, want at least 20", n)
	}
	if tag, _ := catalog.Tag("stripe", "necessary"); tag != `<script src="https://js.stripe.com/v3/"></script>` {
		t.Errorf("a necessary service's tag was rewritten: %s", tag)
	}
	if tag, _ := catalog.Tag("google-analytics", "analytics"); !strings.Contains(tag, `<script type="text/plain" data-consent="analytics" async data-src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX"></script>`) {
		t.Errorf("GA4: %s", tag)
	}
}

// loadsFrom is the catalog entry among entries a URL is taken for, by the
// snippet's rule (tracker in static/consentry.js): a host with a path
// ("google.com/maps") at any depth of the URL's host, else the host or one
// of its parent domains.
func loadsFrom(entries []catalog.Entry, url string) string {
	rest := url[strings.Index(url, "//")+2:]
	host, path, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	seg, _, _ := strings.Cut(path, "/")
	seg, _, _ = strings.Cut(seg, "?")
	for _, withPath := range []bool{true, false} {
		for h := host; h != ""; {
			for _, e := range entries {
				for _, eh := range e.Hosts {
					if withPath && eh == h+"/"+seg || !withPath && eh == h {
						return e.ID
					}
				}
			}
			_, h, _ = strings.Cut(h, ".")
		}
	}
	return ""
}

var tagURL = regexp.MustCompile(`(?:https?:)?//[a-z0-9.-]+\.[a-z]+(?:/[^"'\s]*)?`)

// TestTagsLoadFromTheirOwnHosts: every URL a catalog service's published
// tag loads from is covered by that service's own hosts, also on a site
// that declares the other services of its provider, so automatic blocking
// holds the tag and a blocked iframe's placeholder names the right service:
// the Google Maps embed (www.google.com/maps/embed) was neither held nor
// named, and on a site with reCAPTCHA (www.google.com) it was taken for
// reCAPTCHA, a necessary service, and loaded before consent.
func TestTagsLoadFromTheirOwnHosts(t *testing.T) {
	for _, e := range catalog.All() {
		tag, ok := catalog.Tag(e.ID, consent.Necessary)
		if !ok {
			continue
		}
		var same []catalog.Entry // the service and the others of its provider
		for _, o := range catalog.All() {
			if o.Provider == e.Provider && o.ID != e.ID {
				same = append(same, o)
			}
		}
		for _, u := range tagURL.FindAllString(tag, -1) {
			if strings.Contains(u, "matomo.php") { // a beacon address, not something the tag loads
				continue
			}
			if got := loadsFrom([]catalog.Entry{e}, u); got != e.ID {
				t.Errorf("%s: its tag loads %s, which its hosts %v do not cover", e.ID, u, e.Hosts)
			}
			if got := loadsFrom(append([]catalog.Entry{e}, same...), u); got != e.ID {
				t.Errorf("%s: its tag loads %s, taken for %s on a site that has both", e.ID, u, got)
			}
		}
	}
	all := catalog.All()
	for url, want := range map[string]string{
		"https://www.google.com/maps/embed?pb=1": "google-maps", "https://maps.google.com/maps?q=x": "google-maps",
		"https://www.google.com/recaptcha/api.js": "google-recaptcha", "https://www.youtube.com/embed/x": "youtube",
	} {
		if got := loadsFrom(all, url); got != want {
			t.Errorf("%s is taken for %q, want %q", url, got, want)
		}
	}
}

// TestHotjarCookiesSayWhatTheyDo: Hotjar's cookies say what each does, not
// the purpose of the Open Cookie Database's category they are filed under:
// the ones that tell its visitors apart across visits (_hjSessionUser_,
// _hjid) and count sessions say so, those remembering that a visitor closed
// a survey or poll say they remember a setting, and recording, sampling and
// storage checks say they record how pages are used. The database files
// most of them under Functional, whose generic purpose, "Remembers your
// settings, such as language or player volume", the catalog gave a visitor
// ID kept for a year. _hjptid, set on hotjar.com for Hotjar's own staff and
// never on a customer's site, is not listed. Each cookie still names the
// database row its facts come from.
func TestHotjarCookiesSayWhatTheyDo(t *testing.T) {
	e, ok := catalog.Get("hotjar")
	if !ok {
		t.Fatal("no Hotjar in the catalog")
	}
	want := map[string]string{
		"_hjSessionUser_*": "purpose_visitor_id", "_hjid": "purpose_visitor_id", "_hjFirstSeen": "purpose_visitor_id",
		"_hjSession_*": "purpose_behaviour", "_hjIncludedInSessionSample*": "purpose_behaviour", "_hjTLDTest": "purpose_behaviour",
		"_hjCookieTest": "purpose_behaviour", "hjViewportId": "purpose_behaviour",
		"_hjClosedSurveyInvites": "purpose_settings", "_hjDonePolls": "purpose_settings", "_hjShownFeedbackMessage": "purpose_settings",
	}
	for _, k := range e.Cookies {
		if k.Name == "_hjptid" {
			t.Error("Hotjar lists _hjptid, which only Hotjar's own site sets")
		}
		if w, ok := want[k.Name]; ok {
			if k.PurposeKey != w {
				t.Errorf("Hotjar's %s says %s, want %s", k.Name, k.PurposeKey, w)
			}
			delete(want, k.Name)
		}
		if k.Source == "" {
			t.Errorf("Hotjar's %s names no Open Cookie Database row", k.Name)
		}
	}
	for name := range want {
		t.Errorf("Hotjar lists no %s", name)
	}
}

// TestTagPlaceholdersAreNotConsentrys: no vendor's tag has a placeholder
// named SITE_ID, which is what the embed code calls Consentry's own site ID
// (data-site="SITE_ID"): Hotjar's tag said hjid:SITE_ID, and an owner put
// their Consentry site there. Hotjar's names its own: HOTJAR_SITE_ID.
func TestTagPlaceholdersAreNotConsentrys(t *testing.T) {
	bare := regexp.MustCompile(`(^|[^A-Z_])SITE_ID\b`)
	for _, e := range catalog.All() {
		if tag, ok := catalog.Tag(e.ID, "analytics"); ok && bare.MatchString(tag) {
			t.Errorf("%s: the tag has a bare SITE_ID placeholder: %s", e.ID, tag)
		}
	}
	if tag, _ := catalog.Tag("hotjar", "analytics"); !strings.Contains(tag, "hjid:HOTJAR_SITE_ID,") {
		t.Errorf("Hotjar's tag does not name its own site ID: %s", tag)
	}
}

// TestFunctionalCookiesClaimNoSetting: a cookie the Open Cookie Database
// files as functional under an analytics or marketing service (Twitch's
// api_token, YouTube's YSC, Dynamic Yield's DYID: a login, a view counter,
// a personalisation key) says it supports the service's own functions,
// described in its privacy policy, which is true of each; the catalog told
// visitors each of them "Remembers your settings, such as language or
// player volume". A cookie services.txt gives its own purpose keeps it
// (Hotjar's _hjDonePolls does remember a setting), and no catalog service
// without a privacy policy to point to has one.
func TestFunctionalCookiesClaimNoSetting(t *testing.T) {
	for _, tc := range []struct{ service, cookie, want string }{
		{"twitch", "api_token", "purpose_function"},
		{"youtube", "YSC", "purpose_function"},
		{"dynamic-yield", "DYID", "purpose_function"},
		{"hotjar", "_hjDonePolls", "purpose_settings"},
	} {
		e, ok := catalog.Get(tc.service)
		if !ok {
			t.Fatalf("no %s in the catalog", tc.service)
		}
		i := slices.IndexFunc(e.Cookies, func(k catalog.Cookie) bool { return k.Name == tc.cookie })
		if i < 0 {
			t.Errorf("%s lists no %s", tc.service, tc.cookie)
			continue
		}
		if got := e.Cookies[i].PurposeKey; got != tc.want {
			t.Errorf("%s's %s says %s, want %s", tc.service, tc.cookie, got, tc.want)
		}
	}
	for _, e := range catalog.All() {
		if e.PolicyURL == "" && slices.ContainsFunc(e.Cookies, func(k catalog.Cookie) bool { return k.PurposeKey == "purpose_function" }) {
			t.Errorf("%s has cookies whose purpose points to its privacy policy, and none", e.ID)
		}
	}
}
