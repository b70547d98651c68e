package catalog_test

import (
	"encoding/csv"
	"os"
	"regexp"
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
