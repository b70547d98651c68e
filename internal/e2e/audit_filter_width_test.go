package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAuditActionFilterWidth: at 1280 px the audit trail's Action filter is
// no wider than 16em, about the log's widest filter, in English, German and
// Arabic, and a chosen action still shows. A select is as wide as its
// longest option, and the actions are sentences: it was 282 px wide in
// Arabic to show "الكل" (All), 311 in English, 413 in German.
func TestAuditActionFilterWidth(t *testing.T) {
	b := start(t)
	b.signIn("/admin/audit")
	b.do("setting the viewport", chromedp.EmulateViewport(1280, 800))
	for _, lang := range []string{"en", "de", "ar"} {
		b.speak(lang)
		b.open("/admin/audit")
		m := eval[struct{ W, Em float64 }](b, `(() => {
			const s = document.querySelector('form[data-testid="audit-filters"] select[name="action"]');
			return {w: s.getBoundingClientRect().width, em: parseFloat(getComputedStyle(s).fontSize)};
		})()`)
		// The longest action, chosen, shows its start.
		b.open("/admin/audit?action=request_answer")
		b.shotIfAsked("audit-filters-" + lang + ".png")
		if m.W > 16*m.Em+1 {
			t.Errorf("%s: the audit trail's Action filter is %.0f px wide, over 16em (%.0f px)", lang, m.W, 16*m.Em)
		}
	}
}
