package e2e

import "testing"

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
		v.blockURLs("*://*:*/api/v1/sites/*/banner?*part=prefs*")
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
		said := func(where string) {
			t.Helper()
			alert := `(() => { const b = ` + reopenButton + `; return b && b.getRootNode().querySelector('[role="alert"]'); })()`
			v.wait("the message beside the button", visible(alert))
			if got := eval[string](v, alert+`.textContent`); got != c.want {
				t.Errorf("%s, %s: the page says %q, want %q", c.lang, where, got, c.want)
			}
		}
		// The page where they decide: its preference center's part fails.
		v.blockURLs("*://*:*/api/v1/sites/*/banner?*part=prefs*")
		v.open("/demo?lang=" + c.lang)
		v.waitBanner()
		v.click("Reject all", part("reject-all"))
		v.waitGranted("reject-all", necessary)
		v.wait("the reopen button", visible(reopenButton))
		v.click("the reopen button", reopenButton)
		said("the page where they decided")
		v.shotIfAsked("reopen-load-failed-" + c.lang + ".png")

		// A later page: the answer itself fails when they reopen it.
		v.blockURLs()
		v.open("/demo?lang=" + c.lang)
		v.wait("the reopen button", visible(reopenButton))
		v.blockURLs("*://*:*/api/v1/sites/*/banner?v=*")
		v.click("the reopen button", reopenButton)
		said("a later page")
	}
}
