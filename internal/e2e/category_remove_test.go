package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCategoryRemoveApartAndAsks: in the site editor's list of categories,
// a category's Remove stands at least 24 px from its Rename, in English and
// Arabic, at 1280 and 320 px, and asks before it removes: opening it
// removes nothing and shows the question and a "Yes, remove" button in the
// danger colour, which removes the category from the draft. Remove stood
// right under Rename (0 px apart) and removed at once.
func TestCategoryRemoveApartAndAsks(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	for _, lang := range []string{"en", "ar"} {
		for _, width := range []int64{1280, 320} {
			b.do("setting the viewport", chromedp.EmulateViewport(width, 900))
			b.open("/admin/sites/demo?lang=" + lang + "#categories")
			b.speak(lang)
			b.open("/admin/sites/demo?lang=" + lang + "#categories")
			gap := eval[float64](b, `(() => {
				const li = document.querySelector('[data-testid="rename-analytics"]').closest("li");
				const rename = (li.querySelector("details.rename > summary") || li.querySelector("details > summary")).getBoundingClientRect();
				const remove = (li.querySelector('[data-testid="remove-ask-analytics"] > summary') || li.querySelector('[data-testid="remove-analytics"]')).getBoundingClientRect();
				const dx = Math.max(remove.left - rename.right, rename.left - remove.right, 0);
				const dy = Math.max(remove.top - rename.bottom, rename.top - remove.bottom, 0);
				return Math.hypot(dx, dy);
			})()`)
			if gap < 24 {
				t.Errorf("%s at %d px: Remove is %.1f px from Rename, want 24 or more", lang, width, gap)
			}
			b.shotIfAsked(fmt.Sprintf("categories-%s-%d.png", lang, width))
		}
	}
	b.do("setting the viewport", chromedp.EmulateViewport(1280, 900))
	b.speak("en")
	// A category of no service, which can go.
	b.open("/admin/sites/demo?lang=en#categories")
	b.do("naming a new category", chromedp.SendKeys(chromedp.CSS("#c-key"), "chat"), chromedp.SendKeys(chromedp.CSS("#c-name"), "Live chat"))
	b.submit("Add category", `document.querySelector('form[data-testid="add-category"] button[type="submit"]')`, "/admin/sites/demo?lang=en#categories")
	opener := `document.querySelector('[data-testid="remove-ask-chat"] > summary')`
	if !eval[bool](b, opener+` !== null`) {
		t.Fatal("Remove of Live chat does not ask first: no Remove… to open")
	}
	b.click("Remove…", opener)
	b.wait("the question", `document.querySelector('[data-testid="remove-chat"]')?.checkVisibility() === true`)
	if got := b.text(`[data-testid="categories"]`); !strings.Contains(got, "Live chat") || !strings.Contains(got, "Remove “Live chat” from the draft?") {
		t.Errorf("opening Remove…, the categories say %q: want Live chat kept and the question", got)
	}
	if bg := eval[string](b, `getComputedStyle(document.querySelector('[data-testid="remove-chat"]')).backgroundColor`); bg != "rgb(180, 35, 24)" {
		t.Errorf("Yes, remove is %s, want the danger colour", bg)
	}
	b.shotIfAsked("categories-remove-open-en.png")
	b.submit("Yes, remove", `document.querySelector('[data-testid="remove-chat"]')`, "/admin/sites/demo?lang=en#categories")
	if got := b.text(`[data-testid="categories"]`); strings.Contains(got, "Live chat") {
		t.Errorf("after Yes, remove the categories still list Live chat: %q", got)
	}
}
