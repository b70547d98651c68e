package consent_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

func testSite() *consent.Site {
	return &consent.Site{
		ID: "shop", Name: "Shop", Origins: []string{"https://shop.example"}, Revision: 2,
		Categories: []consent.Category{
			{Key: "necessary", Required: true}, {Key: "preferences"}, {Key: "analytics"}, {Key: "marketing", GPC: true},
		},
		ConsentMap: consent.DefaultConsentMap(),
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name    string
		req     consent.Request
		gpc     bool
		granted string
		code    consent.Code
		field   string
	}{
		{"accept all", consent.Request{Action: "accept_all", Revision: 2}, false, "analytics marketing necessary preferences", "", ""},
		{"accept all under GPC leaves marketing off", consent.Request{Action: "accept_all", Revision: 2}, true, "analytics necessary preferences", "", ""},
		{"GPC from the request body", consent.Request{Action: "accept_all", Revision: 1, GPC: true}, false, "analytics necessary preferences", "", ""},
		{"reject all keeps necessary", consent.Request{Action: "reject_all", Revision: 2}, false, "necessary", "", ""},
		{"withdraw", consent.Request{Action: "withdraw", Revision: 2}, false, "necessary", "", ""},
		{"custom", consent.Request{Action: "custom", Revision: 2, Categories: map[string]bool{"analytics": true, "marketing": false}}, false, "analytics necessary", "", ""},
		{"custom cannot deny necessary", consent.Request{Action: "custom", Revision: 2, Categories: map[string]bool{"necessary": false}}, false, "necessary", "", ""},
		{"custom may grant marketing despite GPC", consent.Request{Action: "custom", Revision: 2, Categories: map[string]bool{"marketing": true}}, true, "marketing necessary", "", ""},
		{"unknown action", consent.Request{Action: "maybe", Revision: 2}, false, "", consent.EUnprocessed, "action"},
		{"unknown category", consent.Request{Action: "custom", Revision: 2, Categories: map[string]bool{"tracking": true}}, false, "", consent.EUnprocessed, "categories"},
		{"categories with accept all", consent.Request{Action: "accept_all", Revision: 2, Categories: map[string]bool{"analytics": false}}, false, "", consent.EUnprocessed, "categories"},
		{"unpublished revision", consent.Request{Action: "accept_all", Revision: 3}, false, "", consent.EUnprocessed, "revision"},
		{"revision zero", consent.Request{Action: "accept_all"}, false, "", consent.EUnprocessed, "revision"},
		{"bad consent id", consent.Request{Action: "accept_all", Revision: 2, ConsentID: "nope"}, false, "", consent.EUnprocessed, "consent_id"},
		{"unknown source", consent.Request{Action: "accept_all", Revision: 2, Source: "robot"}, false, "", consent.EUnprocessed, "source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := testSite().Decide(tc.req, consent.Jurisdiction{Mode: consent.OptIn}, tc.gpc)
			if tc.code != "" {
				e, ok := err.(*consent.Error)
				if !ok || e.Code != tc.code || e.Field != tc.field {
					t.Fatalf("err = %v, want %s on %s", err, tc.code, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := join(d.Granted); got != tc.granted {
				t.Errorf("granted %q, want %q", got, tc.granted)
			}
			if d.Source != consent.SourceAPI {
				t.Errorf("source %q, want api by default", d.Source)
			}
		})
	}
}

// TestDecideSaysWhatIsWrong: a decision without a revision is not told
// "revision 0 has not been published" of a number it never sent, and a
// malformed consent ID is told what to send instead.
func TestDecideSaysWhatIsWrong(t *testing.T) {
	for _, tc := range []struct {
		req  consent.Request
		says string
	}{
		{consent.Request{Action: "accept_all"}, `revision: no revision: send the revision the visitor was shown, the banner answer's revision (site "shop" is at revision 2)`},
		{consent.Request{Action: "accept_all", Revision: 3}, `revision: revision 3 has not been published for site "shop"`},
		{consent.Request{Action: "accept_all", Revision: 2, ConsentID: "nope"}, "consent_id: is not a consent ID: send the consent_id of an earlier answer, or leave it out to begin a new consent"},
	} {
		if _, err := testSite().Decide(tc.req, consent.Jurisdiction{Mode: consent.OptIn}, false); err == nil || err.Error() != tc.says {
			t.Errorf("%+v: %v; want %q", tc.req, err, tc.says)
		}
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestSiteValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*consent.Site)
		field string
	}{
		{"valid", func(*consent.Site) {}, ""},
		{"bad id", func(s *consent.Site) { s.ID = "Shop!" }, "id"},
		{"no name", func(s *consent.Site) { s.Name = " " }, "name"},
		{"origin with path", func(s *consent.Site) { s.Origins = []string{"https://shop.example/x"} }, "origins"},
		{"origin without scheme", func(s *consent.Site) { s.Origins = []string{"shop.example"} }, "origins"},
		{"duplicate category", func(s *consent.Site) { s.Categories = append(s.Categories, consent.Category{Key: "analytics"}) }, "categories"},
		{"no necessary", func(s *consent.Site) { s.Categories = s.Categories[1:] }, "categories"},
		{"service in unknown category", func(s *consent.Site) { s.Services = []consent.Service{{Name: "x", Category: "ads"}} }, "services"},
		{"unknown consent mode type", func(s *consent.Site) { s.ConsentMap = map[string][]string{"analytics": {"analytics_cookies"}} }, "consent_mode"},
		{"lifetime over 13 months", func(s *consent.Site) { s.Lifetime.Duration = 400 * 24 * time.Hour }, "lifetime"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testSite()
			tc.edit(s)
			err := s.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := err.(*consent.Error); !ok || e.Field != tc.field || e.Code != consent.EInvalid {
				t.Fatalf("err = %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestTruncateIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":             "203.0.113.0",
		"::ffff:203.0.113.77":      "203.0.113.0",
		"2001:db8:abcd:12:1::9":    "2001:db8:abcd::",
		"not an ip":                "",
		"":                         "",
		"2001:db8:abcd:ffff::1%lo": "2001:db8:abcd::",
	} {
		if got := consent.TruncateIP(in); got != want {
			t.Errorf("TruncateIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPageOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://Shop.example:443/basket?email=a@b.c#x": "https://shop.example/basket",
		"http://127.0.0.1:8080/demo":                    "http://127.0.0.1:8080/demo",
		"javascript:alert(1)":                           "",
		"":                                              "",
	} {
		if got := consent.PageOf(in); got != want {
			t.Errorf("PageOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAllowsOrigin(t *testing.T) {
	s := testSite()
	for origin, want := range map[string]bool{
		"https://shop.example":     true,
		"https://SHOP.example:443": true,
		"http://shop.example":      false,
		"https://evil.example":     false,
		"null":                     false,
	} {
		if got := s.AllowsOrigin(origin); got != want {
			t.Errorf("AllowsOrigin(%q) = %v", origin, got)
		}
	}
}

func TestConsentModeBits(t *testing.T) {
	s := testSite()
	bits := s.ConsentModeBits([]string{"necessary", "analytics"})
	granted := map[string]bool{}
	for i, typ := range consent.ConsentModeTypes {
		granted[typ] = bits>>i&1 == 1
	}
	want := map[string]bool{"analytics_storage": true, "security_storage": true}
	for _, typ := range consent.ConsentModeTypes {
		if granted[typ] != want[typ] {
			t.Errorf("%s granted = %v", typ, granted[typ])
		}
	}
}

func TestParseLogQuery(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	q, err := consent.ParseLogQuery(url.Values{"site": {"demo"}, "from": {"2026-03-01"}, "to": {"2026-03-31"},
		"action": {"custom"}, "granted": {"analytics"}, "gpc": {"1"}, "country": {"fr"}, "before": {"99"}}, loc)
	if err != nil {
		t.Fatal(err)
	}
	if q.Site != "demo" || q.Action != consent.Custom || *q.GPC != true || q.Country != "FR" || q.Before != 99 ||
		!q.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, loc)) || !q.To.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("query %+v", q)
	}
	if got := q.Values(loc).Encode(); got != "action=custom&country=FR&from=2026-03-01&gpc=1&granted=analytics&site=demo&to=2026-03-31" {
		t.Errorf("round trip %s", got)
	}
	for _, tc := range []struct{ k, v string }{
		{"from", "yesterday"}, {"to", "2026-13-01"}, {"action", "nod"}, {"source", "email"}, {"gpc", "yes"},
		{"before", "-3"}, {"country", "FRA"}, {"site", "Not A Site"}, {"granted", "DROP TABLE"}, {"colour", "red"},
		{"from", "0001-01-01"}, {"to", "1999-12-31"},
	} {
		_, err := consent.ParseLogQuery(url.Values{tc.k: {tc.v}}, time.UTC)
		if e, ok := err.(*consent.Error); !ok || e.Field != tc.k || e.Code != consent.EInvalid {
			t.Errorf("%s=%s: err %v", tc.k, tc.v, err)
		}
	}
	if _, err := consent.ParseLogQuery(url.Values{"from": {"2026-03-05"}, "to": {"2026-03-01"}}, time.UTC); err == nil {
		t.Error("to before from accepted")
	}
}

func TestParseDays(t *testing.T) {
	for in, want := range map[string][3]any{
		"395": {395, false, true}, "13 months": {395, false, true}, "6 months": {183, false, true}, "2 years": {730, false, true},
		"1 year": {365, false, true}, "30 minutes": {1, false, true}, "Session": {0, true, true}, "1 day": {1, false, true},
		"3 weeks": {21, false, true}, "13months": {395, false, true}, "": {0, false, false}, "soon": {0, false, false}, "-3": {0, false, false},
		"4 fortnights": {0, false, false}, "100000": {100000, false, true}, "213904": {0, false, false}, "1e300 years": {0, false, false},
		"300 years": {0, false, false},
	} {
		d, s, ok := consent.ParseDays(in)
		if got := [3]any{d, s, ok}; got != want {
			t.Errorf("ParseDays(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	a := &consent.Site{ID: "s", Name: "Shop", Categories: consent.BuiltInCategories(),
		Services:   []consent.Service{{Name: "Stats", Category: consent.Analytics, Cookies: []consent.Cookie{{Name: "_s", Days: 30}}}},
		Appearance: consent.Appearance{Accent: "#1d4ed8"}}
	b := *a
	b.Categories = a.Categories[:3]
	b.Services = []consent.Service{{Name: "Stats", Category: consent.Analytics, Cookies: []consent.Cookie{{Name: "_s", Days: 60}, {Name: "_t", Session: true}}},
		{Catalog: "yt", Name: "YouTube", Category: consent.Preferences, Cookies: []consent.Cookie{{Name: "YSC", Session: true}}}}
	b.Appearance.Accent = "#000000"
	var got []string
	for _, c := range consent.Describe(a, &b) {
		got = append(got, c.String())
	}
	want := []string{
		"cookie Stats _s cookie_lifetime: 30 days → 60 days",
		"cookie_added Stats _t:  → session",
		"service_added YouTube preferences:  → YSC",
		"category_removed marketing",
		"field appearance accent: #1d4ed8 → #000000",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Describe:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
