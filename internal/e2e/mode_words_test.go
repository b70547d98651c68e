package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
)

// TestBannerSaysItsMode: the banner's body says what is true where the
// visitor is. In an opt-in region (France) nothing runs before the
// visitor's permission, and the body asks for it; in an opt-out region
// (the US) and a notice region (Canada) the site's other cookies run from
// the start, and the body says so instead of "with your permission". The
// region is picked by the country header, as a CDN sends it.
func TestBannerSaysItsMode(t *testing.T) {
	b := startRegions(t)
	for _, c := range []struct {
		country, mode string
		want, never   string // in English
	}{
		{"FR", "opt-in", "With your permission we would also like to use cookies to remember your preferences", "Unless you say no"},
		{"US", "opt-out", "Unless you say no, we also use cookies to remember your preferences", "permission"},
		{"CA", "notice", "We also use cookies to remember your preferences, measure how the site is used and show you relevant ads, unless you turn them off.", "permission"},
	} {
		for _, lang := range []string{"en", "ar"} {
			v := b.newVisitor()
			v.setHeader(countryHeader, c.country)
			v.open("/demo?lang=" + lang)
			v.waitBanner()
			v.shotIfAsked("banner-" + c.mode + "-" + lang + ".png")
			body := eval[string](v, part("banner")+`.querySelector("#cy-body").textContent`)
			if lang == "en" && (!strings.Contains(body, c.want) || strings.Contains(body, c.never)) {
				t.Errorf("%s (%s): the banner says %q; want %q in it, not %q", c.country, c.mode, body, c.want, c.never)
			}
			// The demo's own caption under its video: the video waits for
			// marketing in an opt-in region and plays unasked elsewhere.
			caption := eval[string](v, `document.querySelector('[data-testid="video-caption"]').textContent`)
			if lang == "en" && (c.mode == "opt-in") != strings.HasSuffix(caption, "Allow marketing cookies to watch it.") {
				t.Errorf("%s (%s): the video's caption says %q", c.country, c.mode, caption)
			}
			if lang == "en" && c.mode != "opt-in" && !strings.HasSuffix(caption, "It plays unless you turn them off.") {
				t.Errorf("%s (%s): the video's caption says %q", c.country, c.mode, caption)
			}
			if lang == "ar" && c.mode != "opt-in" && strings.Contains(body, "بإذنك") {
				t.Errorf("%s (%s), Arabic: the banner asks for permission: %q", c.country, c.mode, body)
			}
		}
	}
}

// TestBannerNamesTheSiteCategories: the banner names the site's own
// categories as the site calls them, in the visitor's language and mode.
// The demo calls marketing "Advertising" and adds "Sale of data", which
// Global Privacy Control keeps off too, and "Live chat", neither described:
// with the signal on, an opt-in visitor (France) reads that both stay off
// unless they turn them on, an opt-out one (the US) that the signal keeps
// both off, each name quoted and joined by the language's "and"; the body
// names both undescribed categories in every mode.
func TestBannerNamesTheSiteCategories(t *testing.T) {
	b := startRegions(t)
	names := map[string][3]string{ // Advertising, Sale of data, Live chat
		"en": {"Advertising", "Sale of data", "Live chat"},
		"ar": {"الإعلانات", "بيع البيانات", "الدردشة المباشرة"},
		"de": {"Werbung", "Datenverkauf", "Live-Chat"},
	}
	b.publishDemo("names its own categories", func(s *consent.Site) {
		s.Categories = append(s.Categories, consent.Category{Key: "resale", GPC: true}, consent.Category{Key: "chat"})
		for lang, n := range names {
			if s.Texts == nil {
				s.Texts = map[string]map[string]string{}
			}
			if s.Texts[lang] == nil {
				s.Texts[lang] = map[string]string{}
			}
			s.Texts[lang]["category_marketing"], s.Texts[lang]["category_resale"], s.Texts[lang]["category_chat"] = n[0], n[1], n[2]
		}
	})
	want := map[string]map[string]string{
		"en": {
			"FR": "Your browser’s Global Privacy Control signal was honoured: “Advertising” and “Sale of data” cookies stay off unless you turn them on yourself.",
			"US": "Your browser’s Global Privacy Control signal was honoured: “Advertising” and “Sale of data” cookies stay off. To choose otherwise, turn the signal off in your browser.",
		},
		"ar": {"FR": "من فئتي «الإعلانات» و«بيع البيانات» معطّلة", "US": "من فئتي «الإعلانات» و«بيع البيانات» معطّلة"},
		"de": {"FR": "Cookies der Kategorien „Werbung“ und „Datenverkauf“ bleiben deaktiviert", "US": "Cookies der Kategorien „Werbung“ und „Datenverkauf“ bleiben deaktiviert. Um anders"},
	}
	bodyWants := map[string]string{"en": "the categories “Sale of data” and “Live chat”", "ar": "الفئتين «بيع البيانات» و«الدردشة المباشرة»", "de": "der Kategorien „Datenverkauf“ und „Live-Chat“"}
	for _, lang := range []string{"en", "ar", "de"} {
		// Opt-in with the signal: the banner says it was honoured.
		v := b.newVisitor()
		v.setHeader(countryHeader, "FR")
		v.emulateGPC()
		v.open("/demo?lang=" + lang)
		v.waitBanner()
		v.shotIfAsked("banner-names-FR-" + lang + ".png")
		v.checkNames("FR, "+lang, part("banner")+`.querySelector('[data-testid="gpc-notice"]')`, want[lang]["FR"])
		if body := eval[string](v, part("banner")+`.querySelector("#cy-body").textContent`); !strings.Contains(body, bodyWants[lang]) {
			t.Errorf("FR, %s: the body says %q; want %q in it", lang, body, bodyWants[lang])
		}

		// Opt-out without the signal: the body names them as well.
		v = b.newVisitor()
		v.setHeader(countryHeader, "US")
		v.open("/demo?lang=" + lang)
		v.waitBanner()
		v.shotIfAsked("banner-names-US-" + lang + ".png")
		if body := eval[string](v, part("banner")+`.querySelector("#cy-body").textContent`); !strings.Contains(body, bodyWants[lang]) {
			t.Errorf("US, %s: the body says %q; want %q in it", lang, body, bodyWants[lang])
		}

		// Opt-out with the signal, which binds: the decision is taken
		// without a banner, and the preference center says so under each
		// switch the signal holds off.
		v = b.newVisitor()
		v.setHeader(countryHeader, "US")
		v.emulateGPC()
		v.open("/demo?lang=" + lang)
		v.wait("the recorded GPC opt-out", `!!(window.Consentry.get() || {}).consent_id`)
		v.wait("the reopen button", visible(reopenButton))
		v.click("the reopen button", reopenButton)
		v.wait("the preference center", visible(part("prefs")))
		v.shotIfAsked("prefs-names-US-" + lang + ".png")
		for _, key := range []string{"marketing", "resale"} {
			v.checkNames("US, "+lang+", under "+key, part("prefs")+`.querySelector('[data-testid="gpc-locked-`+key+`"]')`, want[lang]["US"])
		}
	}
}

// checkNames fails the test unless the element expr finds says want, and
// never marketing, which the site calls otherwise.
func (b *browser) checkNames(what, expr, want string) {
	b.t.Helper()
	note := eval[string](b, expr+`?.textContent ?? ""`)
	if !strings.Contains(note, want) {
		b.t.Errorf("%s: the GPC note says %q; want %q in it", what, note, want)
	}
	if strings.Contains(strings.ToLower(note), "marketing") {
		b.t.Errorf("%s: the GPC note names marketing: %q", what, note)
	}
}

// TestOwnerBodyPerRegion: an owner who writes the banner's text in the
// console for every region and another for opt-out regions has each shown
// where it is true. Their one text stood in every region, so "with your
// permission" reached visitors whose cookies ran unasked; now a visitor in
// the US (opt-out) reads the opt-out regions' text, and one in France
// (opt-in) and in Canada (notice) the text for every region.
func TestOwnerBodyPerRegion(t *testing.T) {
	b := startRegions(t)
	const every, optOut = "With your permission we use cookies for statistics and ads.", "We use cookies for statistics and ads unless you say no."
	b.signIn("/admin/sites/demo")
	b.do("typing the texts", chromedp.SetValue(chromedp.CSS("#t-banner_body"), every), chromedp.SetValue(chromedp.CSS("#t-banner_body_opt_out"), optOut))
	b.submit("Save draft", `document.querySelector('form[data-testid="texts-form"] button[type="submit"]')`, "/admin/sites/demo?lang=en#texts")
	// Saved, the regions without a text of their own show the one for
	// every region as their placeholder: what they will read.
	if got := eval[string](b, `document.querySelector("#t-banner_body_notice").placeholder`); got != every {
		t.Errorf("the notice-only regions' placeholder is %q, want the text for every region", got)
	}
	b.do("scrolling to the texts", chromedp.ScrollIntoView(chromedp.CSS("#t-banner_title")))
	b.shotIfAsked("site-editor-body-per-mode.png")
	b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
	b.typeInto("#wc-en", "Our banner now says what each region's cookies do.")
	b.typeInto("#change-note", "banner text per region")
	b.publish("demo")

	for country, want := range map[string]string{"FR": every, "US": optOut, "CA": every} {
		v := b.newVisitor()
		v.setHeader(countryHeader, country)
		v.open("/demo?lang=en")
		v.waitBanner()
		if body := eval[string](v, part("banner")+`.querySelector("#cy-body").textContent`); body != want {
			t.Errorf("%s: the banner says %q, want %q", country, body, want)
		}
	}
}
