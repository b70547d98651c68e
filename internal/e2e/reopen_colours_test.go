package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/consentry/consentry/internal/consent"
)

// TestReopenButtonInSiteColours: the floating "Cookie settings" button is
// drawn in the site's button colours, as the banner's buttons are, after a
// decision and on the next page (from the texts the snippet kept); it was
// #1d4ed8 on every site.
func TestReopenButtonInSiteColours(t *testing.T) {
	b := start(t)
	b.publishDemo("A darker banner", func(s *consent.Site) {
		s.Appearance = consent.Appearance{Background: "#0d1117", Text: "#f0f6fc", Accent: "#f0f6fc", AccentText: "#0d1117"}
	})
	b.open("/demo")
	b.waitBanner()
	b.click("Reject all", part("reject-all"))
	colours := func(when string) {
		b.wait("the reopen button "+when, visible(reopenButton))
		got := eval[[2]string](b, `(() => { const s = getComputedStyle(`+reopenButton+`); return [s.backgroundColor, s.color]; })()`)
		if want := [2]string{"rgb(240, 246, 252)", "rgb(13, 17, 23)"}; got != want {
			t.Errorf("the reopen button %s is %v, want the site's buttons %v", when, got, want)
		}
	}
	colours("after the decision")
	b.do("reloading", chromedp.Reload())
	colours("on the next page")
}
