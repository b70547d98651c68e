package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleFits320: at 320 CSS px wide (WCAG 1.4.10), no screen of the
// console is wider than the window, in English, German (long words) and
// Arabic (right to left): document.scrollingElement.scrollWidth is at most
// 320. A data table may still scroll inside its own box, and a record's
// values (a proof's, a request's) have at least 200 px. The audit trail
// was 331 px wide (433 in German): its filter's list of actions was as wide
// as its longest action. A request's page was 558 px wide in German, its
// names beside their values, and a proof's values stood one letter wide
// beside their names, a page 12,000 px high.
func TestConsoleFits320(t *testing.T) {
	for _, lang := range []string{"en", "de", "ar"} {
		t.Run(lang, func(t *testing.T) {
			b, c := axeConsole(t)
			b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
			fits := func(what string) {
				t.Helper()
				if w := eval[int](b, `document.scrollingElement.scrollWidth`); w > 320 {
					t.Errorf("at 320 px, %s (%s) is %d px wide: it scrolls sideways", what, lang, w)
				}
				if w := eval[[]int](b, `[...document.querySelectorAll(".fields dd")].map(d => Math.round(d.getBoundingClientRect().width)).filter(w => w > 0 && w < 200)`); len(w) > 0 {
					t.Errorf("at 320 px, %s (%s) squeezes values into %v px", what, lang, w)
				}
			}
			b.open("/admin/login?lang=" + lang)
			fits("the sign-in page")
			b.signIn("/admin/log")
			b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
			b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
			for _, p := range []string{"/admin/log", "/admin/log?action=nonsense", c.event, c.consent, c.consent + "?request=" + c.requestID, c.request,
				"/admin/dashboard", "/admin/requests", "/admin/integrity", "/admin/audit", "/admin/users",
				"/admin/sites", "/admin/sites/demo", "/admin/sites/demo?edit=3", "/admin/sites/demo/embed", "/admin/sites/demo/diff", "/admin/account"} {
				b.open(p)
				fits(p)
			}
			b.open(c.consent)
			b.do("typing the reason", chromedp.SendKeys(chromedp.CSS(`form[data-testid="erase"] #reason`), "DSR-1: erasure requested by email"))
			b.clickTo("Erase", `document.querySelector('form[data-testid="erase"] button[type="submit"]')`)
			fits("the erase confirmation")
		})
	}
}
