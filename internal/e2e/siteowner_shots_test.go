package e2e

import (
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
)

// TestSiteOwnerScreenshots writes the site editor's screens a site owner
// meets into $CONSENTRY_SCREENSHOTS, to look at: the catalog updates a site
// has not taken, a hand-added service's hosts, the embed page, an origin given https://.
func TestSiteOwnerScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS is not set")
	}
	b := start(t)
	b.publishDemo("Google Maps", func(s *consent.Site) {
		e, _ := catalog.Get("google-maps")
		sv := e.Service()
		sv.Hosts = slices.DeleteFunc(sv.Hosts, func(h string) bool { return h == "google.com/maps" })
		s.Services = append(s.Services, sv)
		if err := b.app.Store.SaveDraft(b.ctx, s); err != nil {
			t.Fatal(err)
		}
	})
	b.signIn("/admin/sites/demo")
	b.do("scrolling to the catalog updates", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="catalog-updates"]`)))
	b.shotIfAsked("owner-catalog-updates.png")
	b.open("/admin/sites/demo?edit=3")
	b.do("scrolling to the service form", chromedp.ScrollIntoView(chromedp.CSS(`#s-hosts`)))
	b.shotIfAsked("owner-service-hosts.png")
	b.open("/admin/sites/demo?assumed=" + url.QueryEscape(b.base))
	b.shotIfAsked("owner-origin-assumed.png")
	b.open("/admin/sites/demo/embed")
	b.shotIfAsked("owner-embed.png")

	// A German legal notice without the privacy policy beside it: Publish
	// is refused, in English and in German, at the German link. Before,
	// a French "what changed" saved: the languages still without one.
	d, err := b.app.Store.Draft(b.ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	d.Links["de"] = consent.Links{Legal: d.Links["de"].Legal}
	if err := b.app.Store.SaveDraft(b.ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "de"} {
		b.open("/admin/sites/demo")
		b.do("choosing "+lang, chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
		b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
		b.open("/admin/sites/demo")
		b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
		b.click("the other languages", `document.querySelector('[data-testid="what-changed"] summary')`)
		b.typeInto("#wc-fr", "Nous montrons des vidéos.")
		b.clickTo("Save draft", `document.querySelector('[data-testid="what-changed-save"]')`)
		b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
		b.do("scrolling to the languages left", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="what-changed-missing"]`)))
		b.shotIfAsked("owner-what-changed-missing-" + lang + ".png")
		b.clickTo("Publish", `document.querySelector('[data-testid="publish-button"]')`)
		b.shotIfAsked("owner-privacy-link-refused-" + lang + ".png")
		b.do("scrolling to the privacy policy link", chromedp.ScrollIntoView(chromedp.CSS(`#b-privacy`)))
		b.shotIfAsked("owner-privacy-link-field-" + lang + ".png")
	}
}
