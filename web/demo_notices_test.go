package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestDemoNotices: the demo shop's privacy notice and legal notice, which
// its banner's first-layer links open, answer in the visitor's language
// with their title, text, contact and the way back, and no English left
// outside English; the demo had neither page, so its banner linked nowhere.
func TestDemoNotices(t *testing.T) {
	a := newApp(t, 0)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	english := []string{"demo shop", "operator of this deployment", "Back to the shop", "Privacy policy", "Legal notice", "sells nothing"}
	for _, page := range []struct{ path, title, body string }{
		{"/demo/privacy", "prefs_policy", "demo_privacy_body"},
		{"/demo/legal", "link_legal", "demo_legal_body"},
	} {
		for _, lang := range []string{"en", "de", "ar", "zh-Hans", "ru"} {
			rec := do(a, req{"GET", page.path + "?lang=" + lang, "", nil})
			if rec.Code != 200 {
				t.Fatalf("%s?lang=%s: %d", page.path, lang, rec.Code)
			}
			body := html.UnescapeString(rec.Body.String())
			l := b.For(lang)
			for _, k := range []string{page.title, page.body, "demo_contact", "demo_back"} {
				if !strings.Contains(body, l.T(k)) {
					t.Errorf("%s?lang=%s does not say %s (%q)", page.path, lang, k, l.T(k))
				}
			}
			if !strings.Contains(body, `lang="`+lang+`"`) || !strings.Contains(body, `href="/demo?lang=`+lang+`"`) {
				t.Errorf("%s?lang=%s: not marked as %s, or no way back to the shop in it", page.path, lang, lang)
			}
			if lang == "en" {
				continue
			}
			for _, w := range english {
				if strings.Contains(body, w) {
					t.Errorf("%s?lang=%s says %q in English", page.path, lang, w)
				}
			}
		}
	}
}
