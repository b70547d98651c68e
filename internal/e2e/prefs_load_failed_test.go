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
