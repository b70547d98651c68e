package siteyaml_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

func TestRoundTrip(t *testing.T) {
	site := app.DemoSite("https://shop.example")
	site.Rules = map[string]consent.Mode{"US": consent.OptOut}
	site.Texts = map[string]map[string]string{"fr": {"banner_title": "Vos choix"}}
	site.Appearance = consent.Appearance{Layout: "box", Position: "center"}
	b, err := siteyaml.Encode(site)
	if err != nil {
		t.Fatal(err)
	}
	got, err := siteyaml.Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if d := consent.Diff(site, got); len(d) != 0 {
		t.Errorf("round trip changed %+v", d)
	}
	again, _ := siteyaml.Encode(got)
	if string(again) != string(b) {
		t.Error("encoding is not stable")
	}
}

func TestDecodeErrorsNameTheProblem(t *testing.T) {
	for yml, want := range map[string]string{
		"id: shop\ncolour: red\n":         "colour",
		"id: [shop\n":                     "malformed",
		"id: shop\nlifetime_days: soon\n": "soon",
		// A misspelt field in a nested part names the part as the file
		// does, not the Go type behind it ("in type consent.Appearance").
		"id: shop\nappearance:\n  non_blockng: true\n":                      "field non_blockng not found in appearance",
		"id: shop\ncategories:\n  - key: analytics\n    requird: true\n":    "field requird not found in a category",
		"id: shop\nservices:\n  - name: X\n    cookies:\n      - nam: _x\n": "field nam not found in a cookie",
	} {
		_, err := siteyaml.Decode([]byte(yml))
		if err == nil || !strings.Contains(err.Error(), want) || consent.ErrorCode(err) != consent.EInvalid || strings.Contains(err.Error(), "consent.") {
			t.Errorf("%q: err %v, want one naming %q and no Go type", yml, err, want)
		}
	}
}

// TestCatalogServices: `catalog: ID` brings the entry's fields, any field
// set beside it wins, and export writes back only what differs.
func TestCatalogServices(t *testing.T) {
	in := "id: shop\nname: Shop\nlifetime_days: 180\ncategories:\n  - key: necessary\n    required: true\n  - key: stats\n" +
		"services:\n  - catalog: google-analytics\n    category: stats\n  - catalog: consentry\n"
	site, err := siteyaml.Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	ga := site.Services[0]
	if ga.Name != "Google Analytics 4" || ga.Category != "stats" || len(ga.Cookies) == 0 || len(ga.Hosts) == 0 || ga.Cookies[0].Days == 0 {
		t.Errorf("catalog service %+v", ga)
	}
	if own := site.Services[1]; own.Category != consent.Necessary || own.Cookies[0].Name != "consentry" || own.Cookies[0].Days != 180 {
		t.Errorf("Consentry's own service %+v", own)
	}
	if err := site.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := siteyaml.Encode(site)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.Contains(s, "lifetime_days: 180") || !strings.Contains(s, "- catalog: google-analytics\n    category: stats\n") ||
		strings.Contains(s, "_ga") || strings.Contains(s, "hosts") {
		t.Errorf("export writes more than the overrides:\n%s", s)
	}
	if _, err := siteyaml.Decode([]byte("id: shop\nservices:\n  - catalog: no-such-thing\n")); err == nil || !strings.Contains(err.Error(), "no-such-thing") {
		t.Errorf("an unknown catalog ID: %v", err)
	}
}

// TestCatalogUpdatesFollowTheCatalog: a catalog service stored before the
// catalog learnt a host (Google Maps' google.com/maps) is exported without
// its hosts, so applying the file takes the catalog's; the update is listed
// and taken by Refresh. A field the YAML set itself stays the site's.
func TestCatalogUpdatesFollowTheCatalog(t *testing.T) {
	in := "id: shop\nname: Shop\ncategories:\n  - key: necessary\n    required: true\n  - key: marketing\n" +
		"services:\n  - catalog: google-maps\n  - catalog: youtube\n    hosts: [youtube-nocookie.com]\n"
	site, err := siteyaml.Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	maps, yt := &site.Services[0], &site.Services[1]
	if !slices.Contains(maps.Hosts, "google.com/maps") || len(maps.Overrides) != 0 || !slices.Equal(yt.Overrides, []string{"hosts"}) {
		t.Fatalf("decoded: maps %v %v, youtube overrides %v", maps.Hosts, maps.Overrides, yt.Overrides)
	}
	// As stored when the catalog did not know google.com/maps yet.
	maps.Hosts = slices.DeleteFunc(slices.Clone(maps.Hosts), func(h string) bool { return h == "google.com/maps" })

	ups := catalog.Updates(site)
	if len(ups) != 1 || ups[0].Catalog != "google-maps" || ups[0].Field != "hosts" || !slices.Equal(ups[0].Added, []string{"google.com/maps"}) {
		t.Errorf("updates %+v", ups)
	}
	out, err := siteyaml.Encode(site)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); strings.Contains(s, "maps.google.com") || !strings.Contains(s, "- catalog: youtube\n    hosts:\n      - youtube-nocookie.com\n") {
		t.Errorf("export pins what follows the catalog, or loses what the site set:\n%s", s)
	}
	again, err := siteyaml.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if d := consent.Diff(site, again); len(d) != 1 || d[0].New != "google.com/maps" {
		t.Errorf("applying the export changes %+v, want Google Maps' new host", d)
	}
	catalog.Refresh(site)
	if !slices.Contains(site.Services[0].Hosts, "google.com/maps") || !slices.Equal(site.Services[1].Hosts, []string{"youtube-nocookie.com"}) || len(catalog.Updates(site)) != 0 {
		t.Errorf("after Refresh: %v %v", site.Services[0].Hosts, site.Services[1].Hosts)
	}
}
