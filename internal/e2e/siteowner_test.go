package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCatalogServiceOnBanner: an admin finds Hotjar in the console's
// catalog, adds it and publishes; a new visitor's preference center lists
// it under Analytics with its cookies and their lifetimes in days.
func TestCatalogServiceOnBanner(t *testing.T) {
	b := start(t)
	b.disableCache()
	b.signIn("/admin/sites/demo")
	b.typeInto("#cat-q", "hotjar")
	b.submit("Find", `document.querySelector('[data-testid="catalog"] form[role="search"] button')`, "/admin/sites/demo?catalog=hotjar&lang=en#catalog")
	if !b.isVisible(`document.querySelector('[data-testid="catalog-hotjar"]')`) {
		t.Fatalf("searching the catalog for hotjar does not show Hotjar: %q", b.text(`[data-testid="catalog"]`))
	}
	b.do("scrolling to the catalog", chromedp.ScrollIntoView(chromedp.CSS("#catalog")))
	b.shotIfAsked("catalog-search.png")
	if got := eval[string](b, `document.querySelector('[data-testid="catalog-hotjar"] select').value`); got != analytics {
		t.Errorf("Hotjar's category starts as %q, want the catalog's suggestion, analytics", got)
	}
	b.submit("Add Hotjar", `document.querySelector('[data-testid="add-hotjar"]')`, "/admin/sites/demo?catalog=hotjar&lang=en#catalog")
	// Back where the owner was, the catalog in view with their search, not
	// at the top of a long page.
	if top := eval[float64](b, `document.getElementById("catalog").getBoundingClientRect().top`); eval[float64](b, `window.scrollY`) == 0 || top < -1 || top > 100 {
		t.Errorf("after adding Hotjar the catalog is %.0f px from the window's top (scrolled %.0f px), want at the top", top, eval[float64](b, `window.scrollY`))
	}
	if !strings.Contains(b.text(`[data-testid="catalog-hotjar"]`), "On this site") {
		t.Errorf("the catalog's Hotjar row says %q after adding it", b.text(`[data-testid="catalog-hotjar"]`))
	}
	if row := b.text(`table[data-testid="services"] tbody`); !strings.Contains(row, "Hotjar") || !strings.Contains(row, "_hjid") {
		t.Fatalf("the services table shows %q, want Hotjar with its cookies", row)
	}
	b.do("scrolling to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.shotIfAsked("site-editor.png")
	b.typeInto("#change-note", "Hotjar from the catalog")
	b.publish("demo")

	v := b.newVisitor()
	v.open("/demo")
	v.waitBanner()
	v.click("Customize", part("customize"))
	v.wait("the preference center", visible(part("prefs")))
	got := eval[string](v, part("category-analytics")+`.textContent`)
	for _, want := range []string{"Hotjar", "_hjid", "_hjSessionUser_*", "365", "Records how pages are used"} {
		if !strings.Contains(got, want) {
			t.Errorf("the Analytics category lacks %q: %q", want, got)
		}
	}
	if strings.Contains(eval[string](v, part("category-marketing")+`.textContent`), "Hotjar") {
		t.Error("Hotjar is listed under Marketing too")
	}
}

// TestEditorialDoesNotNagMaterialDoes: after a visitor's decision, an
// editorial revision does not bring the banner back; a material one does,
// saying what changed in the visitor's language and never the internal note.
func TestEditorialDoesNotNagMaterialDoes(t *testing.T) {
	b := start(t)
	b.disableCache() // the revision check is cacheable for five minutes; the test cannot wait
	b.decide("reject-all", necessary)

	b.signIn("/admin/sites/demo")
	b.do("renaming the site", chromedp.SetValue(chromedp.CSS("#b-name"), "Green Cross Pharmacy"))
	b.submit("Save", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`, "/admin/sites/demo?lang=en#basics")
	b.click("Editorial", `document.querySelector('[data-testid="kind-editorial"]')`)
	b.typeInto("#change-note", "typo in the name")
	b.publish("demo")
	if site, _ := b.app.Store.Site(b.ctx, "demo"); site.Revision != 2 || !site.Editorial || site.Material() != 1 {
		t.Fatalf("after the editorial publish: revision %d, editorial %v, material %d", site.Revision, site.Editorial, site.Material())
	}
	b.open("/demo")
	b.wait("the reopen button", visible(reopenButton))
	if b.isVisible(part("banner")) {
		t.Fatal("an editorial revision brought the banner back")
	}

	b.open("/admin/sites/demo")
	b.do("renaming the site again", chromedp.SetValue(chromedp.CSS("#b-name"), "Green Cross Pharmacy and Clinic"))
	b.submit("Save", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`, "/admin/sites/demo?lang=en#basics")
	const what, internal = "We now also run a clinic, with its own booking service.", "JIRA-2291"
	// A new name is nothing visitors consented to, so the form offers an
	// editorial revision; the owner chooses to ask everyone again.
	if !eval[bool](b, `document.querySelector('[data-testid="kind-editorial"]').checked`) {
		t.Error("a new site name is offered as a material revision")
	}
	b.click("Material", `document.querySelector('[data-testid="kind-material"]')`)
	b.typeInto("#wc-en", what)
	b.typeInto("#change-note", internal)
	b.publish("demo")

	b.open("/demo")
	b.waitBanner()
	got := eval[string](b, part("changed")+`.textContent`)
	if !strings.Contains(got, what) || strings.Contains(got, internal) {
		t.Errorf("the banner says %q, want %q and never the internal note", got, what)
	}
	b.click("Accept all", part("accept-all"))
	if st := b.waitGranted("accepting revision 3", necessary, preferences, analytics, marketing); st.Revision != 3 {
		t.Errorf("the new decision names revision %d, want 3", st.Revision)
	}
}

// TestRemovedCategoryIsGone: a site drops Preferences; the banner, the
// preference center, the no-JavaScript page and the Consent Mode mapping
// no longer know it.
func TestRemovedCategoryIsGone(t *testing.T) {
	b := start(t)
	b.disableCache()
	b.signIn("/admin/sites/demo")
	i := eval[int](b, `[...document.querySelectorAll('table[data-testid="services"] tbody tr')].findIndex(r => r.textContent.includes("Language and store"))`)
	if i < 0 {
		t.Fatal("the demo has no Language and store service")
	}
	// A service's Remove… asks first, as a category's does: opening it
	// removes nothing.
	b.click("Remove… of Language and store", fmt.Sprintf(`document.querySelector('[data-testid="remove-service-ask-%d"] > summary')`, i))
	b.wait("the question", fmt.Sprintf(`document.querySelector('[data-testid="remove-service-%d"]')?.checkVisibility() === true`, i))
	if got := b.text(`table[data-testid="services"]`); !strings.Contains(got, "Remove “Language and store” from the draft?") {
		t.Errorf("opening Remove… the services say %q: want the question", got)
	}
	b.submit("Yes, remove", fmt.Sprintf(`document.querySelector('[data-testid="remove-service-%d"]')`, i), "/admin/sites/demo#services")
	if got := b.text(`table[data-testid="services"]`); strings.Contains(got, "Language and store") {
		t.Fatalf("after Yes, remove the services still list Language and store: %q", got)
	}
	b.click("Remove… of Preferences", `document.querySelector('[data-testid="remove-ask-preferences"] > summary')`)
	b.submit("Yes, remove", `document.querySelector('[data-testid="remove-preferences"]')`, "/admin/sites/demo?lang=en#categories")
	if got := b.text(`[data-testid="categories"]`); strings.Contains(got, "Preferences") {
		t.Fatalf("the categories still list Preferences: %q", got)
	}
	b.publish("demo")

	v := b.newVisitor()
	v.open("/demo")
	v.waitBanner()
	v.click("Customize", part("customize"))
	v.wait("the preference center", visible(part("prefs")))
	if eval[bool](v, part("category-preferences")+` != null`) || strings.Contains(eval[string](v, part("prefs")+`.textContent`), "Preferences") {
		t.Error("the preference center still offers Preferences")
	}
	v.click("Accept all", part("prefs")+`.querySelector('[data-action="accept_all"]')`)
	st := v.waitGranted("accepting all", necessary, analytics, marketing)
	if slices.Contains(st.Granted, preferences) {
		t.Errorf("accept all granted %v", st.Granted)
	}
	calls := v.consentCalls()
	checkConsentMode(t, calls[len(calls)-1], "ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "security_storage")

	n := b.newVisitor()
	n.disableJS()
	n.open("/p/demo")
	if eval[bool](n, `document.querySelector('input[value="preferences"]') != null`) || strings.Contains(n.text("main"), "Preferences") {
		t.Errorf("the no-JavaScript page still offers Preferences: %q", n.text("body"))
	}
}

// TestRetentionChangeOnPublishPage: an admin sets the demo site's retention
// in the basics and nothing else; the publish form lists that one change in
// days, as the form and the YAML write it, in the console's language, and
// offers an editorial revision first: how long the log keeps decisions is
// nothing a visitor consented to.
func TestRetentionChangeOnPublishPage(t *testing.T) {
	b := start(t)
	b.draftRetention()
	b.shotIfAsked("site-publish-retention-en.png")
	rows := eval[[]string](b, `[...document.querySelectorAll('[data-testid="changes"] tr')].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	if want := []string{"Keep decisions in the log for for ever → 400 days"}; !slices.Equal(rows, want) {
		t.Errorf("the publish form lists %q, want %q", rows, want)
	}
	if !eval[bool](b, `document.querySelector('[data-testid="kind-editorial"]').checked`) {
		t.Error("a retention change alone is offered as a material revision")
	}

	b.open("/admin/account")
	b.do("choosing German", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), "de"))
	b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
	b.open("/admin/sites/demo")
	b.shotIfAsked("site-publish-retention-de.png")
	if got := b.text(`[data-testid="changes"]`); !strings.Contains(got, "400 Tage") || !strings.Contains(got, "unbegrenzt") {
		t.Errorf("in German the publish form lists %q, want 400 Tage and unbegrenzt", got)
	}
}
