package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestDemoSpeaksTheVisitorsLanguage: the demo's preference center says what
// its services and cookies do in the visitor's language, Consentry's own
// service as the catalog's entry says it on a site created in the console;
// the demo wrote its services by hand in English, so a German or an Arabic
// visitor read "Remembers your cookie choice.", "Stores your consent
// decision" and "Basket and sign-in".
func TestDemoSpeaksTheVisitorsLanguage(t *testing.T) {
	a := newApp(t, 0)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := b.For("en")
	keys := []string{"purpose_consent", "purpose_session", "purpose_settings", "purpose_visitor_id", "purpose_behaviour", "purpose_ads", "purpose_conversion", "purpose_video"}
	english := []string{"Remembers your cookie choice.", "Stores your consent decision", "Basket and sign-in", "Keeps your basket and sign-in",
		"Your language and store", "Distinguishes visitors", "Keeps the session state", "Ad conversion and targeting", "Viewing history for ads",
		"Counts visits and pages viewed", "Measures ad conversions", "Embedded health videos", "Remembers your language and your nearest store"}
	for _, k := range keys {
		english = append(english, en.T(k))
	}
	for _, lang := range []string{"de", "ar"} {
		t.Run(lang, func(t *testing.T) {
			tr := b.For(lang)
			for _, part := range []string{"", "&part=prefs"} {
				got := decode[struct{ HTML string }](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=" + lang + part, "", nil}))
				text := html.UnescapeString(got.HTML)
				for _, e := range english {
					if strings.Contains(text, e) {
						t.Errorf("the banner (%s%s) says %q in English", lang, part, e)
					}
				}
				if part == "" {
					continue // the first layer names no service
				}
				for _, k := range keys {
					if want := tr.T(k); want == en.T(k) || !strings.Contains(text, want) {
						t.Errorf("the preference center (%s) does not say %s as %q", lang, k, want)
					}
				}
			}
		})
	}
}

// TestDemoPricesInTheVisitorsLanguage: the demo shop writes its prices as
// the visitor's language writes a price in euros (i18n.Localizer.Euros):
// "7,90 €" in French, "€ 7,90" in Dutch, the amount then the sign in
// Arabic; it wrote "€7.90" in every language.
func TestDemoPricesInTheVisitorsLanguage(t *testing.T) {
	a := newApp(t, 0)
	for lang, want := range map[string][]string{
		"en": {"<span>€7.90</span>", "<span>€12.50</span>", "<span>€9.99</span>"},
		"fr": {"<span>7,90\u00a0€</span>", "<span>12,50\u00a0€</span>", "<span>9,99\u00a0€</span>"},
		"nl": {"<span>€\u00a07,90</span>"},
		"ar": {"<span>\u200f7.90\u00a0€</span>"},
	} {
		page := html.UnescapeString(do(a, req{"GET", "/demo?lang=" + lang, "", nil}).Body.String())
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the demo shop does not show %q", lang, w)
			}
		}
	}
}
