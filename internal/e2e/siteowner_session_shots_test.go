package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestSiteOwnerSessionScreenshots writes into $CONSENTRY_SCREENSHOTS the
// site editor's screens a new site owner's session changed, to look at:
// a GPC-bound decision's proof, the publish form and the Revisions table
// after a second revision, and
// where saving the language leads.
func TestSiteOwnerSessionScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS is not set")
	}
	b := start(t)
	// A decision Global Privacy Control bound (opt-out, US): its proof shows
	// the body the banner showed, without what the signal kept off.
	shown, err := b.app.Store.Snapshot(b.ctx, "demo", 1, "en")
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.Event("demo", 0)
	e.Lang, e.TextsHash, e.Rule, e.GPC, e.Source = "en", shown.Hash, "opt-out (US)", true, consent.SourceGPC
	if err := b.app.Store.AppendBatch(b.ctx, []*consent.Event{e}); err != nil {
		t.Fatal(err)
	}
	b.publishDemo("Opt-out for California", func(s *consent.Site) {
		s.Rules = map[string]consent.Mode{"US": consent.OptOut}
	})
	b.signIn("/admin/events/" + e.ID.String())
	b.do("scrolling to the texts", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="texts-body"]`)))
	b.shotIfAsked("owner-proof-gpc-body.png")
	b.open("/admin/sites/demo")
	b.do("scrolling to the revisions", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="revisions"]`)))
	b.shotIfAsked("owner-revisions.png")

	// A draft change: the publish form, then what publishing it says.
	d, err := b.app.Store.Draft(b.ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	d.Rules["CA"] = consent.Notice
	if err := b.app.Store.SaveDraft(b.ctx, d); err != nil {
		t.Fatal(err)
	}
	b.open("/admin/sites/demo")
	b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
	b.shotIfAsked("owner-publish.png")
	b.clickTo("Publish", `document.querySelector('[data-testid="publish-button"]')`)
	b.shotIfAsked("owner-published.png")

	// The language and time zone saved at the foot of the site editor: back
	// on the site editor, in German.
	b.open("/admin/sites/demo")
	b.do("choosing German", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "de"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.shotIfAsked("owner-language-saved.png")
	if got := eval[string](b, `location.pathname`); got != "/admin/sites/demo" {
		t.Errorf("saving the language led to %s", got)
	}
}
