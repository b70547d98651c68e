package consent_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

func TestJurisdictionFor(t *testing.T) {
	s := testSite()
	s.Rules = map[string]consent.Mode{"US": consent.OptOut, "BR": consent.Notice, "FR": consent.OptIn}
	for country, want := range map[string]string{
		"US": "opt-out (US)", "us": "opt-out (US)", "BR": "notice (BR)", "FR": "opt-in (FR)",
		"DE": "opt-in (DE)", "": "opt-in (country unknown)", "XX1": "opt-in (country unknown)", "T1": "opt-in (country unknown)",
	} {
		if got := s.JurisdictionFor(country).Rule(); got != want {
			t.Errorf("%q: %s, want %s", country, got, want)
		}
	}
}

// The names of the rules without a country are written out (no string built
// for every decision): they must read as the mode's name and the words.
func TestRuleWithoutCountry(t *testing.T) {
	for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice, "other"} {
		if got, want := (consent.Jurisdiction{Mode: m}).Rule(), string(m)+" (country unknown)"; got != want {
			t.Errorf("%s: %q, want %q", m, got, want)
		}
	}
}

func TestDefaults(t *testing.T) {
	s := testSite()
	for _, tc := range []struct {
		mode consent.Mode
		gpc  bool
		want string
	}{
		{consent.OptIn, false, "necessary"},
		{consent.OptIn, true, "necessary"},
		{consent.OptOut, false, "analytics marketing necessary preferences"},
		{consent.OptOut, true, "analytics necessary preferences"},
		{consent.Notice, false, "analytics marketing necessary preferences"},
	} {
		var on []string
		for _, c := range []string{"analytics", "marketing", "necessary", "preferences"} {
			if s.Defaults(tc.mode, tc.gpc)[c] {
				on = append(on, c)
			}
		}
		if got := strings.Join(on, " "); got != tc.want {
			t.Errorf("%s gpc=%v: %q, want %q", tc.mode, tc.gpc, got, tc.want)
		}
	}
}

func TestDecideUnderJurisdiction(t *testing.T) {
	s := testSite()
	optOut := consent.Jurisdiction{Country: "US", Mode: consent.OptOut}
	// GPC in an opt-out region denies marketing even when asked for.
	d, err := s.Decide(consent.Request{Action: "custom", Revision: 2, Categories: map[string]bool{"marketing": true}}, optOut, true)
	if err != nil || d.Has("marketing") {
		t.Errorf("opt-out with GPC granted marketing: %v %v", d.Granted, err)
	}
	// The signal's own opt-out, recorded without a click.
	d, err = s.Decide(consent.Request{Action: "accept_all", Revision: 2, Source: "gpc"}, optOut, true)
	if err != nil || d.Has("marketing") || !d.Has("analytics") || d.Source != consent.SourceGPC || d.Where.Country != "US" {
		t.Errorf("gpc record: %+v %v", d, err)
	}
	// Nobody accepted all: an older snippet's accept_all and the custom of
	// the categories the signal leaves are recorded alike, as custom, with
	// what it denied said in the answer.
	custom, err := s.Decide(consent.Request{Action: "custom", Revision: 2, Source: "gpc",
		Categories: map[string]bool{"preferences": true, "analytics": true}}, optOut, true)
	if err != nil || d.Action != consent.Custom || custom.Action != consent.Custom ||
		!slices.Equal(d.Granted, custom.Granted) || !slices.Equal(d.GPCDenied, []string{"marketing"}) {
		t.Errorf("gpc opt-out recorded as %s %v (denied %v), its custom form as %s %v: %v",
			d.Action, d.Granted, d.GPCDenied, custom.Action, custom.Granted, err)
	}
	if _, err := s.Decide(consent.Request{Action: "accept_all", Revision: 2, Source: "gpc"}, optOut, false); err == nil {
		t.Error("source gpc accepted without the signal")
	}
}

func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#1d4ed8", "#ffffff", 6.70}, {"#777777", "#ffffff", 4.48},
	} {
		if got := consent.Contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.2f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAppearanceValidate(t *testing.T) {
	for _, tc := range []struct {
		a     consent.Appearance
		field string
	}{
		{consent.Appearance{}, ""},
		{consent.Appearance{Layout: "box", Position: "center", Background: "#0d1117", Text: "#f0f6fc", Accent: "#f0f6fc", AccentText: "#0d1117"}, ""},
		{consent.Appearance{Layout: "popup"}, "appearance.layout"},
		{consent.Appearance{Position: "center"}, "appearance.position"},
		{consent.Appearance{Text: "grey"}, "appearance.text"},
		{consent.Appearance{Text: "#777777"}, "appearance.text"},
		{consent.Appearance{Accent: "#8ab4f8"}, "appearance.accent_text"},
		// Every pair the stylesheets draw: the buttons' edge (1.26:1), a
		// placeholder's "Load this once" in the button colour (4.49:1), the
		// focus outline and the switches on a mid-grey background.
		{consent.Appearance{Background: "#222222", Text: "#ffffff", Accent: "#333333", AccentText: "#ffffff"}, "appearance.accent"},
		{consent.Appearance{Background: "#222222", Text: "#ffffff", Accent: "#888888", AccentText: "#000000"}, "appearance.accent"},
		{consent.Appearance{Background: "#222222", Text: "#ffffff", Accent: "#aaaaaa", AccentText: "#000000"}, ""},
		{consent.Appearance{Background: "#8a8a8a", Text: "#000000", Accent: "#000000", AccentText: "#ffffff"}, "appearance.background"},
	} {
		err := tc.a.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.a, err)
			}
			continue
		}
		if e, ok := err.(*consent.Error); !ok || e.Field != tc.field {
			t.Errorf("%+v: err %v, want on %s", tc.a, err, tc.field)
		}
	}
}

func TestSiteValidateServicesRulesTexts(t *testing.T) {
	for name, tc := range map[string]struct {
		edit  func(*consent.Site)
		field string
	}{
		"bad cookie name": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", Cookies: []consent.Cookie{{Name: "a b"}}}}
		}, "services"},
		"cookie listed twice": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", Cookies: []consent.Cookie{{Name: "_ga"}, {Name: "_ga"}}}}
		}, "services"},
		"prefix cookie": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", Cookies: []consent.Cookie{{Name: "_ga_*"}}}}
		}, ""},
		"cookie domain": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", Cookies: []consent.Cookie{{Name: "_ga", Domain: ".shop.example"}}}}
		}, ""},
		"bad cookie domain": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", Cookies: []consent.Cookie{{Name: "_ga", Domain: "shop example"}}}}
		}, "services"},
		"policy link not http": {func(s *consent.Site) {
			s.Services = []consent.Service{{Name: "x", Category: "analytics", PolicyURL: "javascript:alert(1)"}}
		}, "services"},
		"bad country":  {func(s *consent.Site) { s.Rules = map[string]consent.Mode{"usa": consent.OptOut} }, "rules"},
		"bad mode":     {func(s *consent.Site) { s.Rules = map[string]consent.Mode{"US": "opt-sideways"} }, "rules"},
		"low contrast": {func(s *consent.Site) { s.Appearance.Text = "#cccccc" }, "appearance.text"},
	} {
		s := testSite()
		tc.edit(s)
		err := s.Validate()
		if tc.field == "" && err != nil || tc.field != "" && (err == nil || err.(*consent.Error).Field != tc.field) {
			t.Errorf("%s: err %v, want field %q", name, err, tc.field)
		}
	}
	s := testSite()
	langs := []string{"en", "ar"}
	s.Texts = map[string]map[string]string{"ar": {"banner_title": "مرحبا", "category_analytics": "تحليلات"}}
	if err := s.ValidateTexts(langs); err != nil {
		t.Error(err)
	}
	for name, texts := range map[string]map[string]map[string]string{
		"unknown language": {"tlh": {"banner_title": "x"}},
		"unknown key":      {"en": {"banner_colour": "x"}},
		"empty text":       {"en": {"banner_title": " "}},
	} {
		s.Texts = texts
		if err := s.ValidateTexts(langs); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// TestServiceRefusedByNameFirst: a service with neither name nor category
// (a hand-made form post) is refused for its name, which the other refusals
// name it by; an empty category is missing, not unknown.
func TestServiceRefusedByNameFirst(t *testing.T) {
	for _, tc := range []struct {
		sv  consent.Service
		key string
	}{
		{consent.Service{}, "e_service_no_name"},
		{consent.Service{Name: " ", Category: "nonesuch"}, "e_service_no_name"},
		{consent.Service{Name: "Maps"}, "e_service_no_category"},
		{consent.Service{Name: "Maps", Category: "nonesuch"}, "e_service_category"},
	} {
		s := testSite()
		s.Services = []consent.Service{tc.sv}
		if e, ok := s.Validate().(*consent.Error); !ok || e.Key != tc.key || e.Field != "services" {
			t.Errorf("%+v: %v, want %s on services", tc.sv, s.Validate(), tc.key)
		}
	}
}

func TestDiff(t *testing.T) {
	a, b := testSite(), testSite()
	b.Name = "Shop 2"
	b.Origins = append(b.Origins, "https://m.shop.example")
	b.Rules = map[string]consent.Mode{"US": consent.OptOut}
	got := consent.Diff(a, b)
	want := []consent.Change{
		{Path: "name", Field: "name", Old: "Shop", New: "Shop 2"},
		{Path: "origins[1]", Field: "origins[1]", New: "https://m.shop.example"},
		{Path: "rules.US", Field: "rules.US", New: "opt-out"},
	}
	if len(got) != len(want) {
		t.Fatalf("diff %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := consent.Diff(a, testSite()); len(d) != 0 {
		t.Errorf("no change, yet %+v", d)
	}
}

// TestDiffPeriodsInDays: a lifetime or a retention changes in days, as the
// console's form and the YAML set them, never as the duration it is
// stored as ("9600h0m0s"); a lifetime left to the default is its 183 days.
func TestDiffPeriodsInDays(t *testing.T) {
	const day = 24 * time.Hour
	for name, tc := range map[string]struct {
		lifetime, retention [2]time.Duration
		want                []consent.Change
	}{
		"retention set": {retention: [2]time.Duration{0, 400 * day}, want: []consent.Change{
			{Path: "retention", Field: "retention", Old: "for ever", New: "400 days", Days: true, OldDays: consent.ForEver, NewDays: 400}}},
		"retention shortened": {retention: [2]time.Duration{400 * day, 365 * day}, want: []consent.Change{
			{Path: "retention", Field: "retention", Old: "400 days", New: "365 days", Days: true, OldDays: 400, NewDays: 365}}},
		"lifetime from the default": {lifetime: [2]time.Duration{0, 395 * day}, want: []consent.Change{
			{Path: "lifetime", Field: "lifetime", Old: "183 days", New: "395 days", Days: true, OldDays: 183, NewDays: 395}}},
		"the default's lifetime written out": {lifetime: [2]time.Duration{0, consent.DefaultLifetime}},
		"a lifetime not in whole days": {lifetime: [2]time.Duration{180 * day, 4380 * time.Hour}, want: []consent.Change{
			{Path: "lifetime", Field: "lifetime", Old: "180 days", New: "4380h0m0s"}}},
	} {
		a, b := testSite(), testSite()
		a.Lifetime.Duration, b.Lifetime.Duration = tc.lifetime[0], tc.lifetime[1]
		a.Retention.Duration, b.Retention.Duration = tc.retention[0], tc.retention[1]
		if got := consent.Diff(a, b); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
	b := testSite()
	b.Retention.Duration = 400 * day
	got := consent.Describe(testSite(), b)
	if len(got) != 1 || got[0].Field != "retention" || got[0].Old != "for ever" || got[0].New != "400 days" || !got[0].Days || got[0].Values != consent.Period {
		t.Errorf("Describe: %+v", got)
	}
}

// TestMaterialByDefault: what the publish form offers first follows what
// visitors consented to (material.go): purposes, vendors, cookies with
// their lifetimes, texts and what a grant releases are material; the log's
// retention, how long a choice is remembered, Necessary services, the look
// and a description added where there was none are not.
func TestMaterialByDefault(t *testing.T) {
	const day = 24 * time.Hour
	base := func() *consent.Site {
		s := testSite()
		s.NameKey = "demo_site_name"
		s.Services = []consent.Service{consent.OwnService("Shop", 0),
			{Name: "Stats", Provider: "Stats Ltd", Category: consent.Analytics, Description: "Counts", Hosts: []string{"stats.example"},
				Cookies: []consent.Cookie{{Name: "_s", Provider: "Stats Ltd", Purpose: "Counts", Days: 30}}},
			{Name: "Ads", Provider: "Ads Inc", Category: consent.Marketing, Cookies: []consent.Cookie{{Name: "_a", Provider: "Ads Inc", Days: 90}}}}
		return s
	}
	stats, ads := 1, 2
	for name, tc := range map[string]struct {
		edit     func(*consent.Site)
		material bool
	}{
		"retention":              {func(s *consent.Site) { s.Retention.Duration = 400 * day }, false},
		"choice remembered for":  {func(s *consent.Site) { s.Lifetime.Duration = 395 * day }, false},
		"Consentry's own cookie": {func(s *consent.Site) { s.Services[0].Cookies[0].Days = 395 }, false},
		"a necessary service added": {func(s *consent.Site) {
			s.Services = append(s.Services, consent.Service{Name: "Cart", Category: "necessary"})
		}, false},
		"site name":                   {func(s *consent.Site) { s.Name = "Shop 2" }, false},
		"site name's key dropped":     {func(s *consent.Site) { s.NameKey = "" }, false}, // a name of the owner's own instead of the demo's translated one
		"origins":                     {func(s *consent.Site) { s.Origins = append(s.Origins, "https://m.shop.example") }, false},
		"look":                        {func(s *consent.Site) { s.Appearance.Accent = "#000000" }, false},
		"policy links":                {func(s *consent.Site) { s.Links = map[string]consent.Links{"en": {Privacy: "https://shop.example/p"}} }, false},
		"age notice":                  {func(s *consent.Site) { s.AgeNotice = true }, false},
		"hosts":                       {func(s *consent.Site) { s.Services[stats].Hosts = []string{"stats.example", "cdn.stats.example"} }, false},
		"a cookie's domain":           {func(s *consent.Site) { s.Services[stats].Cookies[0].Domain = ".shop.example" }, false},
		"a description added":         {func(s *consent.Site) { s.Services[ads].Description = "Shows ads" }, false},
		"a cookie's purpose added":    {func(s *consent.Site) { s.Services[ads].Cookies[0].Purpose = "Shows ads" }, false},
		"a description reworded":      {func(s *consent.Site) { s.Services[stats].Description = "Counts visits" }, true},
		"a cookie's purpose reworded": {func(s *consent.Site) { s.Services[stats].Cookies[0].Purpose = "Counts visits" }, true},
		"a cookie's lifetime":         {func(s *consent.Site) { s.Services[stats].Cookies[0].Days = 60 }, true},
		"a cookie now a session one": {func(s *consent.Site) {
			s.Services[stats].Cookies[0].Days, s.Services[stats].Cookies[0].Session = 0, true
		}, true},
		"a cookie added": {func(s *consent.Site) {
			s.Services[stats].Cookies = append(s.Services[stats].Cookies, consent.Cookie{Name: "_t"})
		}, true},
		"a cookie removed": {func(s *consent.Site) { s.Services[stats].Cookies = nil }, true},
		"a service added": {func(s *consent.Site) {
			s.Services = append(s.Services, consent.Service{Name: "Chat", Category: "preferences"})
		}, true},
		"a service removed":          {func(s *consent.Site) { s.Services = s.Services[:2] }, true},
		"a service's provider":       {func(s *consent.Site) { s.Services[stats].Provider = "Stats Inc" }, true},
		"a service out of Necessary": {func(s *consent.Site) { s.Services[0].Category = consent.Analytics }, true},
		"a category removed":         {func(s *consent.Site) { s.Categories = s.Categories[:3]; s.Services = s.Services[:2] }, true},
		"a category off under GPC":   {func(s *consent.Site) { s.Categories[2].GPC = true }, true},
		"banner text":                {func(s *consent.Site) { s.Texts = map[string]map[string]string{"en": {"banner_title": "Hi"}} }, true},
		"country rule":               {func(s *consent.Site) { s.Rules = map[string]consent.Mode{"US": consent.OptOut} }, true},
		"Consent Mode mapping":       {func(s *consent.Site) { s.ConsentMap[consent.Analytics] = []string{"analytics_storage", "ad_storage"} }, true},
		"vendor signal":              {func(s *consent.Site) { s.Signals = map[string]string{"meta": consent.Analytics} }, true},
		"retention and a lifetime":   {func(s *consent.Site) { s.Retention.Duration, s.Services[stats].Cookies[0].Days = 400*day, 60 }, true},
	} {
		a, b := base(), base()
		tc.edit(b)
		changes := consent.Describe(a, b)
		if len(changes) == 0 {
			t.Errorf("%s: no change described", name)
		}
		if got := consent.AnyMaterial(changes); got != tc.material {
			t.Errorf("%s: material %v, want %v (%+v)", name, got, tc.material, changes)
		}
	}
}

// TestUnknownTextNamesTheValidOnes: a text key with a typo is refused
// naming the nearest valid key and listing every key the site can change,
// its categories' included; a key far from any suggests nothing.
func TestUnknownTextNamesTheValidOnes(t *testing.T) {
	s := &consent.Site{Categories: append(consent.BuiltInCategories(), consent.Category{Key: "stats"})}
	s.Texts = map[string]map[string]string{"en": {"banner_titel": "Hi"}}
	err := s.ValidateTexts([]string{"en"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "banner_title"?`) || !strings.Contains(err.Error(), "banner_title, ") ||
		!strings.Contains(err.Error(), "category_stats_desc") || consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("banner_titel: %v", err)
	}
	s.Texts = map[string]map[string]string{"en": {"footer": "Hi"}}
	if err := s.ValidateTexts([]string{"en"}); err == nil || strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), "the texts are: ") {
		t.Errorf("footer: %v", err)
	}
}

// TestWhatChangedAndChangeNoteCountCharacters: the "what changed" text a
// visitor reads (500) and the change note (300) are counted in characters,
// as their refusals and the publish form's maxlength count them, in every
// script: they were counted in bytes, so an Arabic or Chinese text well
// within the form's limit could not be published.
func TestWhatChangedAndChangeNoteCountCharacters(t *testing.T) {
	for _, tc := range []struct {
		name, note, ar string
		field          string
	}{
		{"Arabic what changed, 500 characters", "", strings.Repeat("ت", 500), ""},
		{"Chinese change note, 300 characters", strings.Repeat("改", 300), "", ""},
		{"what changed, 501 characters", "", strings.Repeat("ت", 501), "what_changed"},
		{"change note, 301 characters", strings.Repeat("改", 301), "", "change_note"},
	} {
		s := testSite()
		s.ChangeNote = tc.note
		if tc.ar != "" {
			s.WhatChanged = map[string]string{"ar": tc.ar}
		}
		err := s.Validate()
		if tc.field == "" && err != nil || tc.field != "" && (err == nil || err.(*consent.Error).Field != tc.field) {
			t.Errorf("%s: err %v, want field %q", tc.name, err, tc.field)
		}
	}
}

// TestPrivacyLinked: a site is published only when the banner finds a
// privacy policy link in every language (LinksFor takes a language's own
// links first): none at all, a language with a legal notice alone, or
// with an empty entry, is refused, naming the language; a draft may still
// lack one (Validate).
func TestPrivacyLinked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		links map[string]consent.Links
		want  string // "" for published
	}{
		{"none", nil, "e_privacy_link_needed"},
		{"english privacy", map[string]consent.Links{"en": {Privacy: "https://s.example/p"}}, ""},
		{"english both links", map[string]consent.Links{"en": {Privacy: "https://s.example/p", Legal: "https://s.example/l"}}, ""},
		{"german legal notice alone", map[string]consent.Links{"en": {Privacy: "https://s.example/p"}, "de": {Legal: "https://s.example/impressum"}}, "e_privacy_link_beside_legal de"},
		{"empty entry", map[string]consent.Links{"fr": {}, "en": {Privacy: "https://s.example/p"}}, "e_privacy_link_beside_legal fr"},
		{"first of two", map[string]consent.Links{"fr": {Legal: "https://s.example/l"}, "de": {Legal: "https://s.example/l"}}, "e_privacy_link_beside_legal de"},
	} {
		s := testSite()
		s.Links = tc.links
		if err := s.Validate(); err != nil {
			t.Errorf("%s: a draft is refused: %v", tc.name, err)
		}
		err := s.ValidatePublish()
		got := ""
		var e *consent.Error
		if errors.As(err, &e) {
			got = strings.TrimSpace(e.Key + " " + fmtLang(e.Args))
			if e.Field != "links" || e.Code != consent.EInvalid {
				t.Errorf("%s: field %q, code %s; want links, invalid", tc.name, e.Field, e.Code)
			}
		} else if err != nil {
			t.Errorf("%s: %v is not a consent.Error", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: refused as %q, want %q", tc.name, got, tc.want)
		}
	}
}

func fmtLang(args map[string]any) string {
	l, _ := args["Lang"].(string)
	return l
}
