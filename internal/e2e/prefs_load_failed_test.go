package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestPrefsLoadFailureSaysSo: when the preference center cannot be loaded
// (its request fails), the banner says so in the visitor's language. It
// said "Your choice could not be saved." though nothing had been chosen.
func TestPrefsLoadFailureSaysSo(t *testing.T) {
	b := start(t)
	for _, c := range []struct{ lang, want string }{
		{"en", "The cookie settings could not be loaded."},
		{"ar", "تعذّر تحميل إعدادات ملفات تعريف الارتباط."},
	} {
		v := b.newVisitor()
		if _, err := chromedp.Call(v.ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		// The browser itself refuses the preference center's request, as a
		// dropped connection or a blocking extension would.
		if _, err := chromedp.Call(v.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/api/v1/sites/*/banner?*part=prefs*", Block: true}}}); err != nil {
			t.Fatal(err)
		}
		v.open("/demo?lang=" + c.lang)
		v.waitBanner()
		v.click("Customize", part("customize"))
		v.wait("the error on the banner", visible(part("banner")+`.querySelector(".cy-error")`))
		if got := eval[string](v, part("banner")+`.querySelector(".cy-error").textContent`); got != c.want {
			t.Errorf("%s: the banner says %q, want %q", c.lang, got, c.want)
		}
		v.shotIfAsked("prefs-load-failed-" + c.lang + ".png")
	}
}

// TestReopenLoadFailureSaysSo: a visitor who has decided and opens the
// preference center again from the floating "Cookie settings" button, with
// no banner on screen, is told in their language when it cannot be loaded,
// beside the button. It said nothing: the message went to the banner's
// error line, hidden with the banner. Both ways it fails: its part of the
// answer on the page where they decided (the banner's answer at hand), and
// the whole answer on a later page, which has not fetched it.
func TestReopenLoadFailureSaysSo(t *testing.T) {
	b := start(t)
	for _, c := range []struct{ lang, want string }{
		{"en", "The cookie settings could not be loaded."},
		{"ar", "تعذّر تحميل إعدادات ملفات تعريف الارتباط."},
	} {
		v := b.newVisitor()
		if _, err := chromedp.Call(v.ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		block := func(patterns ...string) {
			t.Helper()
			ps := []*network.BlockPattern{}
			for _, p := range patterns {
				ps = append(ps, &network.BlockPattern{URLPattern: p, Block: true})
			}
			if _, err := chromedp.Call(v.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: ps}); err != nil {
				t.Fatal(err)
			}
		}
		said := func(where string) {
			t.Helper()
			alert := `(() => { const b = ` + reopenButton + `; return b && b.getRootNode().querySelector('[role="alert"]'); })()`
			v.wait("the message beside the button", visible(alert))
			if got := eval[string](v, alert+`.textContent`); got != c.want {
				t.Errorf("%s, %s: the page says %q, want %q", c.lang, where, got, c.want)
			}
		}
		// The page where they decide: its preference center's part fails.
		block("*://*:*/api/v1/sites/*/banner?*part=prefs*")
		v.open("/demo?lang=" + c.lang)
		v.waitBanner()
		v.click("Reject all", part("reject-all"))
		v.waitGranted("reject-all", necessary)
		v.wait("the reopen button", visible(reopenButton))
		v.click("the reopen button", reopenButton)
		said("the page where they decided")
		v.shotIfAsked("reopen-load-failed-" + c.lang + ".png")

		// A later page: the answer itself fails when they reopen it.
		block()
		v.open("/demo?lang=" + c.lang)
		v.wait("the reopen button", visible(reopenButton))
		block("*://*:*/api/v1/sites/*/banner?v=*")
		v.click("the reopen button", reopenButton)
		said("a later page")
	}
}
