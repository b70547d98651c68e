package e2e

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestPublishPageSaysChangesInWords: an owner adds an origin, narrows
// Marketing's Consent Mode types and adds Google Analytics 4 from the
// catalog; the publish page says each as a sentence, the category by its
// name, in English and in German (screenshots site-publish-words-en/de.png
// with CONSENTRY_SCREENSHOTS).
func TestPublishPageSaysChangesInWords(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo")
	b.do("adding an origin and narrowing Marketing",
		chromedp.SetValue(chromedp.CSS("#b-origins"), eval[string](b, `document.querySelector("#b-origins").value`)+"\nhttps://shop.example"),
		chromedp.SetValue(chromedp.CSS("#b-cm"), strings.Replace(eval[string](b, `document.querySelector("#b-cm").value`),
			"marketing: ad_storage ad_user_data ad_personalization", "marketing: ad_storage", 1)))
	b.submit("Save", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`, "/admin/sites/demo?lang=en#basics")
	b.clickTo("Add Google Analytics 4", `document.querySelector('[data-testid="add-google-analytics"]')`)
	b.open("/admin/sites/demo")
	b.shotIfAsked("site-publish-words-en.png")
	rows := eval[[]string](b, `[...document.querySelectorAll('[data-testid="changes"] tr')].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	want := []string{
		"Added service Google Analytics 4 to Analytics material 10 cookies: _ga, _gali, _ga_*, _gid, _gat*, _dc_gtm_*, …",
		"Allowed origins: added https://shop.example",
		"Consent Mode: Marketing material ad_storage, ad_user_data, ad_personalization → ad_storage",
	}
	if !slices.Equal(rows, want) {
		t.Errorf("the publish page lists\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}

	b.open("/admin/account")
	b.do("choosing German", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "de"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/sites/demo")
	b.shotIfAsked("site-publish-words-de.png")
	rows = eval[[]string](b, `[...document.querySelectorAll('[data-testid="changes"] tr')].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	if want := "Dienst Google Analytics 4 unter Statistik hinzugefügt"; len(rows) != 3 || !strings.HasPrefix(rows[0], want) {
		t.Errorf("in German the publish page lists %q, want first %q", rows, want)
	}
}

// TestWhatChangedOnlyForMaterial: the publish form's "what changed" text,
// which only visitors asked again read, is not shown while an editorial
// revision is chosen and comes back with material, without JavaScript;
// its help says it is used for a material change only (screenshots
// site-publish-editorial/material.png with CONSENTRY_SCREENSHOTS).
func TestWhatChangedOnlyForMaterial(t *testing.T) {
	b := start(t)
	b.draftRetention()
	b.disableJS()
	b.open("/admin/sites/demo")
	box := `document.querySelector('[data-testid="what-changed"] textarea')`
	if !b.isVisible(`document.querySelector('[data-testid="kind-editorial"]')`) || b.isVisible(box) {
		t.Error("with editorial chosen, the what-changed text shows")
	}
	b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
	if !b.isVisible(box) {
		t.Error("with material chosen, the what-changed text is not shown")
	}
	if got := b.text(`[data-testid="what-changed-help"]`); !strings.Contains(got, "Only for a material change") {
		t.Errorf("its help says %q", got)
	}
	b.click("Editorial", `document.querySelector('[data-testid="kind-editorial"]')`)
	if b.isVisible(box) {
		t.Error("editorial chosen again, the what-changed text still shows")
	}
	if os.Getenv("CONSENTRY_SCREENSHOTS") != "" { // a screenshot waits on the page's timers
		if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			t.Fatalf("enabling JavaScript: %v", err)
		}
		b.open("/admin/sites/demo")
		b.shotIfAsked("site-publish-editorial.png")
		b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
		b.shotIfAsked("site-publish-material.png")
	}
}
