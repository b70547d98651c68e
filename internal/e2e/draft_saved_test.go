package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDraftSavedWhereTheOwnerIs: an owner saves the banner's texts, the
// site editor's last form, far down its page, at 1280 and at 320 px; back
// from the redirect, "Draft saved" is on screen, in the texts' section,
// not at the page's top out of sight. Reloaded, the page says it no more,
// and its address carries no flag that would say it to whoever opens it.
func TestDraftSavedWhereTheOwnerIs(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for i, size := range [][2]int64{{1280, 800}, {320, 640}} {
		b.do("sizing the window", chromedp.EmulateViewport(size[0], size[1]))
		b.open("/admin/sites/demo")
		b.do("typing the banner's heading", chromedp.SetValue(chromedp.CSS("#t-banner_title"), fmt.Sprintf("Your cookies, take %d", i)))
		b.do("scrolling to Save", chromedp.ScrollIntoView(chromedp.CSS(`form[data-testid="texts-form"] button[type="submit"]`)))
		b.submit("Save draft", `document.querySelector('form[data-testid="texts-form"] button[type="submit"]')`, "/admin/sites/demo?lang=en#texts")
		b.settle()
		note := `document.querySelector('[data-testid="saved"][role="status"]')`
		on := eval[string](b, `(() => {
			const n = `+note+`;
			if (!n) return "nowhere";
			const r = n.getBoundingClientRect();
			if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return "off screen, at y=" + Math.round(r.top) + " of " + innerHeight + ", scrolled " + Math.round(scrollY);
			return n.closest("section").querySelector("h2").id;
		})()`)
		if on != "texts" {
			t.Errorf("%dx%d: after saving the texts, the saved note is %s, want on screen in the texts' section", size[0], size[1], on)
		}
		if got := b.text(`[data-testid="saved"]`); !strings.Contains(got, "Draft saved") {
			t.Errorf("%dx%d: the note says %q", size[0], size[1], got)
		}
		b.shotIfAsked(fmt.Sprintf("draft-saved-%d.png", size[0]))
		b.do("reloading", chromedp.Reload())
		if eval[bool](b, note+` !== null`) {
			t.Errorf("%dx%d: reloaded, the page still says the draft was saved", size[0], size[1])
		}
	}
}
