package templates_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/templates"
)

// bodySite is a site with the given categories (necessary is required,
// marketing is the one Global Privacy Control opts out of) and texts.
func bodySite(texts map[string]map[string]string, keys ...string) *consent.Site {
	s := &consent.Site{ID: "shop", Name: "Shop", Revision: 1, Texts: texts}
	for _, k := range keys {
		s.Categories = append(s.Categories, consent.Category{Key: k, Required: k == consent.Necessary, GPC: k == consent.Marketing})
	}
	return s
}

func loadBundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The English body before it was composed: an opt-in visitor of a site
// with the four built-in categories reads exactly this, byte for byte (the
// first visit's budget).
const optInBefore = "We use cookies that this site needs to work. With your permission we would also like to use cookies to remember your preferences, measure how the site is used and show you relevant ads. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."

// TestBannerBodyPerModeAndCategories: the body says what the site's own
// categories are for, and in an opt-out or notice region, where they run
// before any choice, it never says it waits for the visitor's permission.
func TestBannerBodyPerModeAndCategories(t *testing.T) {
	b := loadBundle(t)
	en := b.For("en")
	all := []string{consent.Necessary, consent.Preferences, consent.Analytics, consent.Marketing}
	social := map[string]map[string]string{"en": {"category_social": "Social media", "category_social_desc": "Let you share pages on social networks."}}
	chat := map[string]map[string]string{"en": {"category_chat": "Live chat"}}
	chat2 := map[string]map[string]string{"en": {"category_chat": "Live chat", "category_maps": "Maps"}}
	both := map[string]map[string]string{"en": {"category_social": "Social media", "category_social_desc": "Let you share pages on social networks.", "category_chat": "Live chat"}}
	for _, c := range []struct {
		name string
		site *consent.Site
		mode consent.Mode
		want string
	}{
		{"built-in, opt-in", bodySite(nil, all...), consent.OptIn, optInBefore},
		{"built-in, opt-out", bodySite(nil, all...), consent.OptOut, "We use cookies that this site needs to work. Unless you say no, we also use cookies to remember your preferences, measure how the site is used and show you relevant ads. You can reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"built-in, notice", bodySite(nil, all...), consent.Notice, "We use cookies that this site needs to work. We also use cookies to remember your preferences, measure how the site is used and show you relevant ads, unless you turn them off. You can reject all or choose, now or at any time under “Cookie settings”."},
		{"no marketing, opt-in", bodySite(nil, consent.Necessary, consent.Preferences, consent.Analytics), consent.OptIn, "We use cookies that this site needs to work. With your permission we would also like to use cookies to remember your preferences and measure how the site is used. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"analytics only, opt-out", bodySite(nil, consent.Necessary, consent.Analytics), consent.OptOut, "We use cookies that this site needs to work. Unless you say no, we also use cookies to measure how the site is used. You can reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"a custom category, opt-in", bodySite(social, consent.Necessary, consent.Analytics, "social"), consent.OptIn, "We use cookies that this site needs to work. With your permission we would also like to use cookies to measure how the site is used. Social media: Let you share pages on social networks. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"custom only, notice", bodySite(social, consent.Necessary, "social"), consent.Notice, "We use cookies that this site needs to work. We also use cookies to serve other purposes, unless you turn them off. Social media: Let you share pages on social networks. You can reject all or choose, now or at any time under “Cookie settings”."},
		{"custom without a description", bodySite(chat, consent.Necessary, "chat"), consent.OptIn, "We use cookies that this site needs to work. With your permission we would also like to use cookies to serve the purposes of the category “Live chat”. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"custom without a description beside built-in ones, opt-in", bodySite(chat, consent.Necessary, consent.Analytics, "chat", consent.Marketing), consent.OptIn, "We use cookies that this site needs to work. With your permission we would also like to use cookies to measure how the site is used, show you relevant ads and serve the purposes of the category “Live chat”. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"custom without a description beside built-in ones, opt-out", bodySite(chat, consent.Necessary, consent.Analytics, "chat"), consent.OptOut, "We use cookies that this site needs to work. Unless you say no, we also use cookies to measure how the site is used and serve the purposes of the category “Live chat”. You can reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"two customs without a description, notice", bodySite(chat2, consent.Necessary, consent.Preferences, "chat", "maps"), consent.Notice, "We use cookies that this site needs to work. We also use cookies to remember your preferences and serve the purposes of the categories “Live chat” and “Maps”, unless you turn them off. You can reject all or choose, now or at any time under “Cookie settings”."},
		{"customs with and without a description", bodySite(both, consent.Necessary, "social", "chat"), consent.OptIn, "We use cookies that this site needs to work. With your permission we would also like to use cookies to serve the purposes of the category “Live chat”. Social media: Let you share pages on social networks. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”."},
		{"necessary only", bodySite(nil, consent.Necessary), consent.OptOut, "We use only the cookies that this site needs to work. You can see them under “Cookie settings”."},
	} {
		loc := en.With(c.site.Texts["en"])
		if got := templates.BannerBody(loc, c.site, c.mode); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}

	// The owner's own body wins in every mode.
	own := bodySite(map[string]map[string]string{"en": {"banner_body": "Our own words."}}, all...)
	for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice} {
		if got := templates.BannerBody(en.With(own.Texts["en"]), own, m); got != "Our own words." {
			t.Errorf("%s with the owner's body: %q", m, got)
		}
	}
}

// TestBannerBodyInEveryLanguage: in every visitor language each mode reads
// its own body, composed without a template left over, the purposes of the
// site's categories in it (marketing's gone when the site has none), and a
// custom category's description after them, and one without a
// description by its name.
func TestBannerBodyInEveryLanguage(t *testing.T) {
	b := loadBundle(t)
	all := bodySite(nil, consent.Necessary, consent.Preferences, consent.Analytics, consent.Marketing)
	noAds := bodySite(nil, consent.Necessary, consent.Preferences, consent.Analytics)
	for _, lang := range b.Languages() {
		loc := b.For(lang)
		seen := map[string]consent.Mode{}
		for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice} {
			body := templates.BannerBody(loc, all, m)
			if strings.Contains(body, "{{") || strings.Contains(body, "no value") || strings.Contains(body, "banner_body") {
				t.Errorf("%s %s: %q", lang, m, body)
			}
			if other, ok := seen[body]; ok {
				t.Errorf("%s: %s reads as %s: %q", lang, m, other, body)
			}
			seen[body] = m
			var purposes []string
			for _, k := range []string{"purpose_preferences", "purpose_analytics", "purpose_marketing"} {
				purposes = append(purposes, loc.T(k))
			}
			if !strings.Contains(body, loc.And(purposes)) {
				t.Errorf("%s %s: the purposes, joined by the language's \"and\" (%q), are not in %q", lang, m, loc.And(purposes), body)
			}
			if ads := templates.BannerBody(loc, noAds, m); strings.Contains(ads, loc.T("purpose_marketing")) {
				t.Errorf("%s %s, no marketing: %q", lang, m, ads)
			}
			custom := bodySite(map[string]map[string]string{lang: {"category_x": "XName", "category_x_desc": "XDesc"}}, consent.Necessary, consent.Analytics, "x")
			if got := templates.BannerBody(loc.With(custom.Texts[lang]), custom, m); !strings.Contains(got, "XName"+loc.Colon()+"XDesc") {
				t.Errorf("%s %s: the custom category's description is not in %q", lang, m, got)
			}
			// A custom category without a description is named, quoted,
			// beside built-in ones and alone.
			for _, keys := range [][]string{{consent.Necessary, consent.Analytics, "y"}, {consent.Necessary, "y"}} {
				bare := bodySite(map[string]map[string]string{lang: {"category_y": "YName"}}, keys...)
				if got := templates.BannerBody(loc.With(bare.Texts[lang]), bare, m); !strings.Contains(got, loc.Quote("YName")) || strings.Contains(got, "{{") {
					t.Errorf("%s %s: the custom category without a description is not named in %q", lang, m, got)
				}
			}
		}
	}
}

// TestGPCBindingNamesTheSiteCategory: where the signal binds, the banner
// names the category it keeps off as the site calls it; the owner's own
// words win; a site whose categories it holds none of has nothing to say.
func TestGPCBindingNamesTheSiteCategory(t *testing.T) {
	b := loadBundle(t)
	renamed := bodySite(map[string]map[string]string{"en": {"category_marketing": "Advertising"}}, consent.Necessary, consent.Marketing)
	got := templates.GPCBinding(b.For("en").With(renamed.Texts["en"]), renamed)
	if want := "Your browser’s Global Privacy Control signal was honoured: “Advertising” cookies stay off. To choose otherwise, turn the signal off in your browser."; got != want {
		t.Errorf("renamed: got %q, want %q", got, want)
	}
	for _, lang := range b.Languages() {
		loc := b.For(lang)
		name := templates.CategoryName(loc, consent.Category{Key: consent.Marketing})
		if g := templates.GPCBinding(loc, bodySite(nil, consent.Necessary, consent.Marketing)); !strings.Contains(g, loc.Quote(name)) || strings.Contains(g, "{{") {
			t.Errorf("%s: %q does not name %q", lang, g, name)
		}
	}
	own := bodySite(map[string]map[string]string{"en": {"gpc_binding": "Signal on: no ads."}}, consent.Necessary, consent.Marketing)
	if g := templates.GPCBinding(b.For("en").With(own.Texts["en"]), own); g != "Signal on: no ads." {
		t.Errorf("the owner's own: %q", g)
	}
	if g := templates.GPCBinding(b.For("en"), bodySite(nil, consent.Necessary, consent.Analytics)); g != "" {
		t.Errorf("no category the signal holds off: %q", g)
	}
}

// gpcSite is a site whose own categories Global Privacy Control keeps off:
// marketing renamed, and a custom one.
func gpcSite(texts map[string]map[string]string) *consent.Site {
	s := &consent.Site{ID: "shop", Name: "Shop", Revision: 1, Texts: texts, Categories: []consent.Category{
		{Key: consent.Necessary, Required: true}, {Key: consent.Analytics},
		{Key: consent.Marketing, GPC: true}, {Key: "resale", GPC: true},
	}}
	return s
}

// TestGPCBindingNamesEveryCategory: where the signal binds, the note names
// every category it keeps off as the site calls it, each quoted and the
// last joined by the language's "and", not all of them in one pair of
// quotation marks ("“Advertising, Sale of data”").
func TestGPCBindingNamesEveryCategory(t *testing.T) {
	b := loadBundle(t)
	en := gpcSite(map[string]map[string]string{"en": {"category_marketing": "Advertising", "category_resale": "Sale of data"}})
	want := "Your browser’s Global Privacy Control signal was honoured: “Advertising” and “Sale of data” cookies stay off. To choose otherwise, turn the signal off in your browser."
	if got := templates.GPCBinding(b.For("en").With(en.Texts["en"]), en); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// In every language, one name and two, each quoted, joined by the
	// language's "and" (i18n.And), no template left over.
	for _, lang := range b.Languages() {
		texts := map[string]map[string]string{lang: {"category_marketing": "AdsName", "category_resale": "SaleName"}}
		loc := b.For(lang).With(texts[lang])
		for _, c := range []struct {
			site  *consent.Site
			names []string
		}{{bodySite(texts, consent.Necessary, consent.Marketing), []string{"AdsName"}}, {gpcSite(texts), []string{"AdsName", "SaleName"}}} {
			var quoted []string
			for _, n := range c.names {
				quoted = append(quoted, loc.Quote(n))
			}
			if g := templates.GPCBinding(loc, c.site); !strings.Contains(g, loc.And(quoted)) || strings.Contains(g, "{{") || strings.Contains(g, "no value") {
				t.Errorf("%s: %q does not name %q", lang, g, loc.And(quoted))
			}
		}
	}
}

// TestGPCHonouredNamesTheSiteCategories: where the visitor sends the
// signal and still decides (opt-in), the note said "marketing cookies stay
// off" whatever the site calls that category, and on a site without it.
// It names every category the signal keeps off as the site calls it, as the
// binding note does, and reads otherwise than that note in every language;
// the owner's own words win; a site whose categories the signal holds none
// of has nothing to say.
func TestGPCHonouredNamesTheSiteCategories(t *testing.T) {
	b := loadBundle(t)
	en := gpcSite(map[string]map[string]string{"en": {"category_marketing": "Advertising", "category_resale": "Sale of data"}})
	for _, c := range []struct{ got, want string }{
		{templates.GPCHonoured(b.For("en").With(en.Texts["en"]), en), "Your browser’s Global Privacy Control signal was honoured: “Advertising” and “Sale of data” cookies stay off unless you turn them on yourself."},
		{templates.GPCHonoured(b.For("en").With(map[string]string{"category_marketing": "Advertising"}), bodySite(nil, consent.Necessary, consent.Marketing)),
			"Your browser’s Global Privacy Control signal was honoured: “Advertising” cookies stay off unless you turn them on yourself."},
		{templates.GPCHonoured(b.For("en").With(map[string]string{"banner_gpc": "Signal seen."}), en), "Signal seen."},
		{templates.GPCHonoured(b.For("en"), bodySite(nil, consent.Necessary, consent.Analytics)), ""},
	} {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
	for _, lang := range b.Languages() {
		texts := map[string]map[string]string{lang: {"category_marketing": "AdsName", "category_resale": "SaleName"}}
		loc := b.For(lang).With(texts[lang])
		one := bodySite(texts, consent.Necessary, consent.Marketing)
		for _, c := range []struct {
			site  *consent.Site
			names []string
		}{{one, []string{"AdsName"}}, {gpcSite(texts), []string{"AdsName", "SaleName"}}} {
			var quoted []string
			for _, n := range c.names {
				quoted = append(quoted, loc.Quote(n))
			}
			if g := templates.GPCHonoured(loc, c.site); !strings.Contains(g, loc.And(quoted)) || strings.Contains(g, "{{") || strings.Contains(g, "no value") {
				t.Errorf("%s: %q does not name %q", lang, g, loc.And(quoted))
			}
		}
		if templates.GPCHonoured(loc, one) == templates.GPCBinding(loc, one) {
			t.Errorf("%s: the opt-in note reads as the binding one", lang)
		}
	}
}

// TestSnapshotKeepsWhatEachModeShowed: the texts snapshot, the proof of
// what was shown, holds the GPC note and the body of each mode, by the
// names consent.BodyKey gives them; an owner's own body, the same in every
// mode, is kept once.
func TestSnapshotKeepsWhatEachModeShowed(t *testing.T) {
	b := loadBundle(t)
	site := bodySite(map[string]map[string]string{"en": {"category_marketing": "Advertising"}}, consent.Necessary, consent.Analytics, consent.Marketing)
	texts := snapshotTexts(t, shown.Snapshot(b, site, "en"))
	loc := b.For("en").With(site.Texts["en"])
	for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice} {
		if got, want := texts.Messages[consent.BodyKey(m)], templates.BannerBody(loc, site, m); got != want {
			t.Errorf("%s: the snapshot keeps %q, the banner shows %q", m, got, want)
		}
	}
	for _, id := range []string{"gpc_binding", "banner_gpc"} {
		if got := texts.Messages[id]; !strings.Contains(got, "“Advertising”") {
			t.Errorf("%s: %q", id, got)
		}
	}
	site.Texts["en"]["banner_body"] = "Our own words."
	texts = snapshotTexts(t, shown.Snapshot(b, site, "en"))
	if texts.Messages["banner_body"] != "Our own words." || texts.Messages["banner_body_opt_out"] != "" || texts.Messages["banner_body_notice"] != "" {
		t.Errorf("the owner's own body: %v", texts.Messages)
	}
}

func snapshotTexts(t *testing.T, s consent.Snapshot) consent.Texts {
	t.Helper()
	var out consent.Texts
	if err := json.Unmarshal(s.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFramesAreNotSnapshotKeys: the frames the body is composed from have
// message IDs of their own (frame_*), not the names a texts snapshot keeps
// each mode's composed body under (consent.BodyKey): banner_body_opt_out
// named both the frame with {{.Purposes}} in it and the opt-out body shown.
func TestFramesAreNotSnapshotKeys(t *testing.T) {
	en := loadBundle(t).For("en")
	for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice} {
		if k := consent.BodyKey(m); en.T(k) != k {
			t.Errorf("%s: %s is a locale message too: %q", m, k, en.T(k))
		}
	}
}

// TestOwnBodyPerMode: an owner's text for one mode's regions
// (banner_body_opt_in, banner_body_opt_out, banner_body_notice) stands
// there instead of their text for every region (banner_body), which went on
// saying "with your permission" where the cookies run unasked; a mode they
// wrote nothing for shows banner_body, else the composed body. The texts
// snapshot keeps what each mode showed under the keys stored snapshots use,
// and the site editor's placeholder of a mode's text is what shows there
// while it is empty.
func TestOwnBodyPerMode(t *testing.T) {
	b := loadBundle(t)
	all := []string{consent.Necessary, consent.Preferences, consent.Analytics, consent.Marketing}
	composed := func(m consent.Mode) string { return templates.BannerBody(b.For("en"), bodySite(nil, all...), m) }
	for _, c := range []struct {
		name  string
		texts map[string]string
		want  map[consent.Mode]string
	}{
		{"opt-out only", map[string]string{"banner_body_opt_out": "Opt-out words."},
			map[consent.Mode]string{consent.OptIn: composed(consent.OptIn), consent.OptOut: "Opt-out words.", consent.Notice: composed(consent.Notice)}},
		{"every region and opt-out", map[string]string{"banner_body": "Every region.", "banner_body_opt_out": "Opt-out words."},
			map[consent.Mode]string{consent.OptIn: "Every region.", consent.OptOut: "Opt-out words.", consent.Notice: "Every region."}},
		{"each mode", map[string]string{"banner_body": "Every region.", "banner_body_opt_in": "Ask.", "banner_body_opt_out": "Unless.", "banner_body_notice": "Notice."},
			map[consent.Mode]string{consent.OptIn: "Ask.", consent.OptOut: "Unless.", consent.Notice: "Notice."}},
		{"every region only", map[string]string{"banner_body": "Every region."},
			map[consent.Mode]string{consent.OptIn: "Every region.", consent.OptOut: "Every region.", consent.Notice: "Every region."}},
	} {
		site := bodySite(map[string]map[string]string{"en": c.texts}, all...)
		loc := b.For("en").With(c.texts)
		texts := snapshotTexts(t, shown.Snapshot(b, site, "en"))
		for m, want := range c.want {
			if got := templates.BannerBody(loc, site, m); got != want {
				t.Errorf("%s, %s: the banner shows %q, want %q", c.name, m, got, want)
			}
			shownText, ok := texts.Messages[consent.BodyKey(m)]
			if !ok { // the same as opt-in's, kept once
				shownText = texts.Messages["banner_body"]
			}
			if shownText != want {
				t.Errorf("%s, %s: the snapshot keeps %q, want %q", c.name, m, shownText, want)
			}
		}
		if v, ok := texts.Messages["banner_body_opt_in"]; ok {
			t.Errorf("%s: the snapshot keeps banner_body_opt_in (%q) beside banner_body", c.name, v)
		}
	}

	// The editor's placeholder of a mode's text: the owner's text for
	// every region where there is one, else the mode's composed body.
	defaults := b.For("en")
	bare := bodySite(map[string]map[string]string{"en": {}}, all...)
	if got := templates.DefaultText(defaults, bare, "banner_body_opt_out"); got != composed(consent.OptOut) {
		t.Errorf("placeholder, nothing written: %q", got)
	}
	every := bodySite(map[string]map[string]string{"en": {"banner_body": "Every region."}}, all...)
	if got := templates.DefaultText(defaults, every, "banner_body_notice"); got != "Every region." {
		t.Errorf("placeholder, banner_body written: %q", got)
	}
}

// TestGPCBindingSaysItWasHonoured: where Global Privacy Control binds, the
// note says the signal was honoured, in the words banner_gpc says it with
// where it does not (up to its first colon or sentence end), in every
// visitor language; it said the signal "is on, so" the categories stay off.
func TestGPCBindingSaysItWasHonoured(t *testing.T) {
	b := loadBundle(t)
	site := bodySite(nil, consent.Necessary, consent.Analytics, consent.Marketing)
	for _, l := range i18n.Visitor {
		loc := b.For(l.Code)
		honoured, binding := templates.GPCHonoured(loc, site), templates.GPCBinding(loc, site)
		clause := honoured
		for _, end := range []string{":", "：", "。", ". "} {
			if i := strings.Index(clause, end); i > 0 {
				clause = clause[:i]
			}
		}
		if !strings.HasPrefix(binding, clause) {
			t.Errorf("%s: where the signal binds the note says %q, not that it was honoured (%q)", l.Code, binding, clause)
		}
	}
	if got, want := templates.GPCBinding(b.For("en"), site), "Your browser’s Global Privacy Control signal was honoured: “Marketing” cookies stay off. To choose otherwise, turn the signal off in your browser."; got != want {
		t.Errorf("in English: %q, want %q", got, want)
	}
}
