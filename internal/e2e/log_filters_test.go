package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLogFilterSelectsAlike: the log's Source list is no wider than its
// widest other list (Action, in every language) by more than a fifth, in
// English, German and Arabic, at 1280 px and at 320 px it fits the window.
// Named by the record's words ("Placeholder of a blocked embed"), it was
// 242 px beside Action's 153.
func TestLogFilterSelectsAlike(t *testing.T) {
	b := start(t)
	b.signIn("/admin/log")
	for _, lang := range []string{"en", "de", "ar"} {
		b.speak(lang)
		for _, width := range []int64{1280, 320} {
			b.do("setting the viewport", chromedp.EmulateViewport(width, 800))
			b.open("/admin/log")
			w := eval[map[string]float64](b, `Object.fromEntries([...document.querySelectorAll('form[data-testid="filters"] select')].map(s => [s.name, s.getBoundingClientRect().width]))`)
			widest := 0.0
			for name, x := range w {
				if name != "source" {
					widest = max(widest, x)
				}
			}
			if w["source"] > 1.2*widest || w["source"] > float64(width)-40 {
				t.Errorf("%s at %d px: the Source list is %.0f px wide, the widest other %.0f (%v)", lang, width, w["source"], widest, w)
			}
			if width == 1280 {
				b.shotIfAsked("log-filters-" + lang + ".png")
			}
		}
	}
}
