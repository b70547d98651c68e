package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestEmbedPreviewShowsWholeBanner: each banner preview on the embed page
// shows the whole first layer, its Customize button included, on a desktop
// and at a phone's 360 px, in English and in languages whose texts run
// longer (Greek, Russian), and stays within the page. The banner's height
// limit, meant for a visitor's window (80 % of it), applied inside the
// 420 px frame, so the Greek and Russian banners scrolled within
// themselves with Customize cut off at their bottom edge; on a phone the
// 560 px frame stood out of the page, Reject all and Customize beyond its
// right edge.
func TestEmbedPreviewShowsWholeBanner(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo/embed")
	for _, width := range []int64{1280, 360} {
		b.do("setting the viewport", chromedp.EmulateViewport(width, 800))
		for _, lang := range []string{"el", "ru"} {
			b.open("/admin/sites/demo/embed?lang=" + lang)
			b.wait("the previews", `[...document.querySelectorAll('.previews iframe')].length === 2 &&
				[...document.querySelectorAll('.previews iframe')].every(f => f.contentDocument?.readyState === "complete" && f.contentDocument.querySelector('.cy-banner [data-action="customize"]'))`)
			type preview struct {
				Lang     string  `json:"lang"`
				Hidden   float64 `json:"hidden"`   // banner content scrolled out of its own box
				Below    float64 `json:"below"`    // Customize's bottom past the banner's
				OffRight float64 `json:"offRight"` // the frame past the page's right edge
			}
			got := eval[[]preview](b, `[...document.querySelectorAll('.previews iframe')].map(f => {
				const doc = f.contentDocument, banner = doc.querySelector('.cy-banner');
				const box = banner.getBoundingClientRect(), button = doc.querySelector('.cy-banner [data-action="customize"]').getBoundingClientRect();
				return {lang: doc.documentElement.lang, hidden: banner.scrollHeight - banner.clientHeight,
					below: button.bottom - box.bottom, offRight: f.getBoundingClientRect().right - document.documentElement.clientWidth};
			})`)
			for _, p := range got {
				if p.Hidden > 0 || p.Below > 0 || p.OffRight > 0 {
					t.Errorf("%d px, the %s preview: %.0f px of the banner hidden in it, Customize %.0f px below its edge, the frame %.0f px out of the page",
						width, p.Lang, p.Hidden, p.Below, p.OffRight)
				}
			}
		}
	}
}
