package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBasicsFieldsHaveRoom: at 1280 px, in English and German, the site
// editor's Basics form gives its fields room to read what they hold (every
// text field, list and choice at least 400 px wide), its long labels
// wrapping in a column of at most 40% of the form. The longest label
// ("Country rules, one a line: …") made the labels' column 850 px wide and
// left every field 260 px.
func TestBasicsFieldsHaveRoom(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for _, lang := range []string{"en", "de"} {
		b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/sites/demo")
		narrow := eval[[]string](b, `[...document.querySelectorAll('form[data-testid="basics"] :is(input:not([type=checkbox]):not([type=hidden]), textarea, select)')]
			.filter(f => f.getBoundingClientRect().width < 400).map(f => f.id + " " + Math.round(f.getBoundingClientRect().width) + " px")`)
		if len(narrow) > 0 {
			t.Errorf("%s: at 1280 px the Basics form's fields %v are under 400 px wide", lang, narrow)
		}
		b.do("scrolling to Basics", chromedp.ScrollIntoView(chromedp.CSS("#basics")))
		b.shotIfAsked("basics-" + lang + "-1280.png")
	}
}
