package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPrefsPageHeadingHasRoom: on the no-JavaScript preference page the
// "Cookie preferences" heading stands clear of the Accept/Reject buttons
// above it, on a 320 px screen and on a desktop one; it sat 12 px under them.
func TestPrefsPageHeadingHasRoom(t *testing.T) {
	b := start(t)
	for _, w := range []int64{320, 1280} {
		b.do("setting the viewport", chromedp.EmulateViewport(w, 800))
		b.open("/p/demo?lang=en")
		gap := eval[float64](b, `(() => {
			const h = document.querySelector('main.cy form > h2');
			const actions = h.previousElementSibling;
			return h.getBoundingClientRect().top - actions.getBoundingClientRect().bottom;
		})()`)
		if gap < 24 {
			t.Errorf("at %d px the heading is %.0f px under the buttons, want at least 24", w, gap)
		}
		b.shotIfAsked(fmt.Sprintf("prefs-page-%d.png", w))
	}
}
