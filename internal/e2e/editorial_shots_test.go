package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/catalog"
)

// TestEditorialConfirmScreenshots writes into $CONSENTRY_SCREENSHOTS the
// publish form of a draft that adds Google Ads (a material change), with
// editorial chosen and its confirmation, and the refusal of an editorial
// revision not confirmed, in English and in Arabic, to look at.
func TestEditorialConfirmScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS is not set")
	}
	b := start(t)
	d, err := b.app.Store.Draft(b.ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	ads, _ := catalog.Get("google-ads")
	sv := ads.Service()
	sv.Category = "marketing"
	d.Services = append(d.Services, sv)
	d.Name = "Green Cross"
	if err := b.app.Store.SaveDraft(b.ctx, d); err != nil {
		t.Fatal(err)
	}
	b.signIn("/admin/sites/demo")
	b.do("sizing the window", chromedp.EmulateViewport(1100, 900))
	for _, lang := range []string{"en", "ar"} {
		b.open("/admin/sites/demo")
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/sites/demo")
		b.click("Editorial", `document.querySelector('[data-testid="kind-editorial"]')`)
		b.do("scrolling to Publish", chromedp.ScrollIntoView(chromedp.CSS(`#publish`)))
		b.shotIfAsked("editorial-confirm-" + lang + ".png")
		b.typeInto("#change-note", "ADS-1")
		b.clickTo("Publish", `document.querySelector('[data-testid="publish-button"]')`)
		b.shotIfAsked("editorial-refused-" + lang + ".png")
	}
}
