package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDashboardShareBesideItsBar: on a desktop the dashboard's share of
// decisions granting each category stands beside its bar, in English and
// in Arabic (where it stands left of the bar); across a table the page's
// width, the figure was 450 px from the bar it reads (490 in Arabic).
func TestDashboardShareBesideItsBar(t *testing.T) {
	b, _ := axeConsole(t)
	b.signIn("/admin/dashboard")
	for _, lang := range []string{"en", "ar"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/dashboard")
		gaps := eval[[]float64](b, `[...document.querySelectorAll('[data-testid="rates"] tr')].map(r => {
			const bar = r.querySelector("svg").getBoundingClientRect(), n = r.lastElementChild.getBoundingClientRect();
			return Math.max(n.left - bar.right, bar.left - n.right);
		})`)
		if len(gaps) == 0 {
			t.Fatalf("%s: the dashboard shows no share per category", lang)
		}
		for i, g := range gaps {
			if g > 24 {
				t.Errorf("%s: category %d's share stands %.0f px from its bar", lang, i+1, g)
			}
		}
	}
}
