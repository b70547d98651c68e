package e2e

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
)

// countryHeader is where the tests' stand-in for a CDN puts the visitor's
// country. The server believes it only from a trusted proxy: here the
// browser itself, on 127.0.0.1.
const countryHeader = "X-Test-Country"

// startOptOut starts a server that takes the visitor's country from
// countryHeader, and publishes a demo revision in which the US is opt-out.
func startOptOut(t *testing.T) *browser {
	t.Helper()
	return startRules(t, "US is opt-out", map[string]consent.Mode{"US": consent.OptOut})
}

// startRegions is startOptOut with Canada a notice region besides: one
// country of each mode, France being opt-in as every country without a rule.
func startRegions(t *testing.T) *browser {
	t.Helper()
	return startRules(t, "US opt-out, CA notice", map[string]consent.Mode{"US": consent.OptOut, "CA": consent.Notice})
}

// startRules starts a server that takes the visitor's country from
// countryHeader, and publishes a demo revision with these country rules.
func startRules(t *testing.T, note string, rules map[string]consent.Mode) *browser {
	t.Helper()
	b := startWith(t, func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		o.CountryHeader = countryHeader
	})
	b.publishDemo(note, func(s *consent.Site) { s.Rules = rules })
	return b
}

// publishDemo publishes the demo site's next revision straight to the store,
// as `consentry sites apply` does, with edit applied to the current one, and
// has the server serve it at once. It returns the new revision's number.
func (b *browser) publishDemo(note string, edit func(*consent.Site)) int {
	b.t.Helper()
	return publishDemo(b.t, b.ctx, b.app, note, edit)
}

// publishDemo is browser.publishDemo for a server without a tab.
func publishDemo(t *testing.T, ctx context.Context, a *app.App, note string, edit func(*consent.Site)) int {
	t.Helper()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatalf("reading the demo site: %v", err)
	}
	edit(site)
	site.ChangeNote = note
	rev, err := a.Store.Publish(ctx, site, nil)
	if err != nil {
		t.Fatalf("publishing the demo site (%s): %v", note, err)
	}
	a.Server.ForgetSites()
	return rev
}

// disableCache makes the tab fetch every resource anew, ignoring its HTTP
// cache.
func (b *browser) disableCache() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.t.Fatalf("disabling the cache: %v", err)
	}
}

// typeInto types text into a form field as a user does; kb.Enter starts a
// new line in a textarea.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// submit clicks a form's submit button and checks that the page it leads to
// (after the redirect) is path, answered 200.
func (b *browser) submit(what, button, path string) {
	b.t.Helper()
	resp := b.clickTo(what, button)
	if loc := b.location(); resp.Status != 200 || loc != b.base+path {
		b.t.Fatalf("%s led to %s with status %d, want %s%s; the page says %q", what, loc, resp.Status, b.base, path,
			eval[string](b, `document.querySelector('[data-testid="error"]')?.textContent.trim() || ""`))
	}
}

// publish clicks the site editor's Publish and wants the editor of site
// back, saying in a status which revision is now live.
func (b *browser) publish(site string) {
	b.t.Helper()
	resp := b.clickTo("Publish", `document.querySelector('[data-testid="publish-button"]')`)
	if loc := b.location(); resp.Status != 200 || loc != b.base+"/admin/sites/"+site || b.text(`[data-testid="published"][role="status"]`) == "" {
		b.t.Fatalf("Publish led to %s with status %d, want %s/admin/sites/%s saying the revision is live; the page says %q", loc, resp.Status, b.base, site,
			eval[string](b, `document.querySelector('[data-testid="error"]')?.textContent.trim() || ""`))
	}
}

// text is the text of the first element matching sel, "" without one.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`document.querySelector(%q)?.innerText.trim() || ""`, sel))
}

// bannerMode is the mode the demo's banner is rendered for in this tab (its
// headers: the country), as the snippet learns it from the banner answer:
// the banner's markup no longer carries it (nothing read it but this).
func (b *browser) bannerMode() string {
	b.t.Helper()
	return eval[string](b, `fetch("/api/v1/sites/demo/banner?v=3&lang=en", {cache: "no-store"}).then(r => r.json()).then(j => j.mode || "")`)
}

// checkRule compares the jurisdiction an event was recorded under.
func checkRule(t *testing.T, e *consent.Event, country, rule string) {
	t.Helper()
	if e.Country != country || e.Rule != rule {
		t.Errorf("recorded event: country %q rule %q, want %q and %q", e.Country, e.Rule, country, rule)
	}
}

// TestAdminPublishesAndOldRevisionSeesBannerAgain: an admin creates a site in
// the console, gives it a service with two cookies and publishes it; then
// edits the demo site and publishes it with a change note. A visitor who
// decided under the demo's first revision gets the banner again on the next
// page load, saying what changed, and their new decision names revision 2.
func TestAdminPublishesAndOldRevisionSeesBannerAgain(t *testing.T) {
	b := start(t)
	// A returning visitor learns of a new revision from the banner request
	// with ?rev=N, which answers 204 with max-age=300 while N is current:
	// real visitors see a new revision within those five minutes. The test
	// cannot wait that long, so the tab ignores its HTTP cache; that the
	// answer is cacheable for five minutes is checked below.
	b.disableCache()

	visitor := b.decide("reject-all", necessary)
	if visitor.Revision != 1 {
		t.Fatalf("the visitor decided under revision %d, want the demo's first", visitor.Revision)
	}
	// Back on the page at the current revision, nothing asks again.
	b.open("/demo")
	b.wait("the reopen button", visible(reopenButton))
	if b.isVisible(part("banner")) {
		t.Error("the banner asks again while the visitor's revision is current")
	}
	type answer struct {
		Status int    `json:"status"`
		Cache  string `json:"cache"`
	}
	check := eval[answer](b, `fetch("/api/v1/sites/demo/banner?rev=1").then(r => ({status: r.status, cache: r.headers.get("Cache-Control") || ""}))`)
	if check.Status != 204 || !strings.Contains(check.Cache, "max-age=300") {
		t.Errorf("the current revision's check answers %d with Cache-Control %q, want 204 cacheable for 300 s", check.Status, check.Cache)
	}

	// The admin creates a site in the console.
	b.signIn("/admin/sites")
	b.typeInto("#ns-id", "green-cross-eu")
	b.typeInto("#ns-name", "Green Cross EU")
	b.typeInto("#ns-origin", "https://shop.green-cross.example")
	b.submit("Create", `document.querySelector('form[data-testid="new-site"] button[type="submit"]')`, "/admin/sites/green-cross-eu")
	if b.isVisible(`document.querySelector('[data-testid="no-changes"]')`) || !b.isVisible(`document.querySelector('[data-testid="publish-button"]')`) {
		t.Fatal("a new site's page offers nothing to publish")
	}
	if got := b.text(`[data-testid="publish"]`); strings.Contains(got, "Live revision") {
		t.Errorf("a site never published shows a live revision: %q", got)
	}

	// Its privacy policy, which publishing asks for, in the Basics form.
	b.typeInto("#b-privacy", "https://shop.green-cross.example/privacy")
	b.submit("Save", `document.querySelector('form[data-testid="basics"] button[type="submit"]')`, "/admin/sites/green-cross-eu?lang=en#basics")

	// A service with two cookies, through the service form.
	b.typeInto("#s-name", "EU Stats")
	b.typeInto("#s-provider", "Stats Europe GmbH")
	b.do("choosing analytics", chromedp.SetValue(chromedp.CSS("#s-category"), analytics))
	b.typeInto("#s-desc", "Counts visits to the shop.")
	b.typeInto("#s-policy", "https://stats.example/privacy")
	b.typeInto("#s-cookies", "_eus | 13 months | persistent | Distinguishes visitors"+kb.Enter+"_eus_visit | 0 | session | Keeps one visit together")
	b.submit("Add service", `document.querySelector('form[data-testid="service-form"] button[type="submit"]')`, "/admin/sites/green-cross-eu?lang=en#services")
	if row := b.text(`table[data-testid="services"] tbody`); !strings.Contains(row, "EU Stats") || !strings.Contains(row, "_eus, _eus_visit") {
		t.Errorf("the services table shows %q, want EU Stats with its two cookies", row)
	}

	// Publish it.
	b.typeInto("#change-note", "First publication")
	b.publish("green-cross-eu")
	if got := b.text(`[data-testid="publish"]`); !strings.Contains(got, "Live revision: 1") {
		t.Errorf("after publishing the site page says %q, want revision 1 live", got)
	}
	if !b.isVisible(`document.querySelector('[data-testid="no-changes"]')`) {
		t.Error("after publishing the site page still lists pending changes")
	}
	if got := b.text(`table[data-testid="revisions"] tbody tr`); !strings.HasPrefix(got, "1") || !strings.Contains(got, "First publication") {
		t.Errorf("the revisions table's newest row is %q, want revision 1 with its note", got)
	}
	site, err := b.app.Store.Site(b.ctx, "green-cross-eu")
	if err != nil {
		t.Fatalf("the published site: %v", err)
	}
	if site.Revision != 1 || site.Name != "Green Cross EU" || !slices.Equal(site.Origins, []string{"https://shop.green-cross.example"}) ||
		len(site.Services) != 2 || site.Services[0].Catalog != "consentry" || len(site.Services[1].Cookies) != 2 {
		t.Fatalf("the store holds %+v, want revision 1 of Green Cross EU with Consentry's own cookie and one service of two cookies", site)
	}
	sv := site.Services[1]
	if c := sv.Cookies; sv.Category != analytics || sv.PolicyURL != "https://stats.example/privacy" ||
		c[0] != (consent.Cookie{Name: "_eus", Provider: "Stats Europe GmbH", Purpose: "Distinguishes visitors", Days: 395}) ||
		c[1] != (consent.Cookie{Name: "_eus_visit", Provider: "Stats Europe GmbH", Purpose: "Keeps one visit together", Session: true}) {
		t.Errorf("the published service is %+v", sv)
	}

	// Its embed code.
	b.clickTo("Embed", `document.querySelector('[data-testid="embed-link"]')`)
	if loc := b.location(); loc != b.base+"/admin/sites/green-cross-eu/embed" {
		t.Fatalf("the embed link led to %s", loc)
	}
	if tag := b.text(`[data-testid="embed-tag"]`); !strings.Contains(tag, `data-site="green-cross-eu"`) || !strings.Contains(tag, `src="`+b.base+"/c.") ||
		!strings.Contains(tag, `integrity="sha384-`) {
		t.Errorf("the embed code is %q, want the versioned snippet with SRI for green-cross-eu", tag)
	}

	// The admin adds a video provider to the demo site and publishes it.
	b.open("/admin/sites/demo")
	b.typeInto("#s-name", "Demo Tube")
	b.typeInto("#s-provider", "Demo Tube Inc.")
	b.do("choosing marketing", chromedp.SetValue(chromedp.CSS("#s-category"), marketing))
	b.typeInto("#s-desc", "Embedded product videos; tracks viewing for ads.")
	b.typeInto("#s-cookies", "_demo_tube | 6 months | persistent | Videos watched, for ads")
	b.submit("Add service", `document.querySelector('form[data-testid="service-form"] button[type="submit"]')`, "/admin/sites/demo?lang=en#services")
	const note, internal = "We added a video provider", "ticket 4711"
	b.typeInto("#wc-en", note)
	b.typeInto("#change-note", internal)
	b.publish("demo")
	if got := b.text(`[data-testid="publish"]`); !strings.Contains(got, "Live revision: 2") {
		t.Errorf("after publishing the demo page says %q, want revision 2 live", got)
	}

	// The visitor comes back: their refusal still holds while the banner asks
	// again, saying what changed, with the new service listed.
	b.open("/demo")
	b.waitBanner()
	changed := part("changed")
	if !b.isVisible(changed) {
		t.Fatal("the banner came back without saying that something changed")
	}
	if got := eval[string](b, changed+`.textContent`); !strings.Contains(got, "We have changed how we use cookies") || !strings.Contains(got, note) || strings.Contains(got, internal) {
		t.Errorf("the banner's change line reads %q, want what changed %q in it and never the internal note", got, note)
	}
	b.checkNothingRan()
	b.click("Accept all", part("accept-all"))
	st := b.waitGranted("accepting revision 2", necessary, preferences, analytics, marketing)
	e := b.lastEvent()
	checkEvent(t, e, consent.AcceptAll, consent.SourceBanner, false, necessary, preferences, analytics, marketing)
	if e.Revision != 2 || st.Revision != 2 || e.ConsentID.String() != visitor.ConsentID || st.ConsentID != visitor.ConsentID {
		t.Errorf("the new decision: revision %d (snippet %d), consent %s (snippet %s); want revision 2 under the visitor's consent %s",
			e.Revision, st.Revision, e.ConsentID, st.ConsentID, visitor.ConsentID)
	}
	texts, err := b.app.Store.Texts(b.ctx, e.TextsHash)
	if err != nil || !strings.Contains(string(texts), note) || strings.Contains(string(texts), internal) {
		t.Errorf("the texts recorded with the decision (%v) do not hold what changed, or hold the internal note: %.300s", err, texts)
	}

	// And the next load does not ask again.
	b.open("/demo")
	b.wait("the reopen button", visible(reopenButton))
	b.wait("the marketing script", `(window.demoRan || []).includes("marketing")`)
	if b.isVisible(part("banner")) {
		t.Error("the banner asks again after the decision on revision 2")
	}
	// The preference center (fetched on first use) lists the new service.
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	if !eval[bool](b, part("category-marketing")+`.textContent.includes("Demo Tube")`) {
		t.Error("the preference center does not list the new service")
	}
}

// TestOptOutCountry: in a country the site makes opt-out, the defaults apply
// before any click, and "Do not sell or share" turns off marketing, deletes
// its cookies and is recorded with the rule applied; a visitor from an
// opt-in country on the same server sees nothing run before deciding.
func TestOptOutCountry(t *testing.T) {
	b := startOptOut(t)
	b.setHeader(countryHeader, "US")
	b.open("/demo")
	b.waitBanner()
	if m := b.bannerMode(); m != string(consent.OptOut) {
		t.Fatalf("a US visitor's banner is %q, want opt-out", m)
	}
	b.wait("both blocked scripts to run without a click", `["analytics", "marketing"].every(c => (window.demoRan || []).includes(c))`)
	b.wait("the video to load without a click", `document.querySelector('iframe[data-consent="marketing"]').getAttribute("src") === "/demo/video"`)
	b.wait("the ads and video cookies", `document.cookie.includes("_demo_ads=") && document.cookie.includes("_demo_video=")`)
	if n := len(b.events()); n != 0 {
		t.Errorf("%d events recorded before the visitor did anything", n)
	}
	if calls := b.consentCalls(); len(calls) != 2 || calls[0].Cmd != "default" || calls[1].Cmd != "update" {
		t.Errorf("consent calls before any click: %+v, want the default then the opt-out defaults", calls)
	} else {
		checkConsentMode(t, calls[1], consentModeTypes...)
	}
	dns := part("dns")
	if !b.isVisible(dns) {
		t.Fatal("the opt-out banner shows no Do not sell or share button")
	}
	if got := eval[string](b, dns+`.textContent.trim()`); got != "Do not sell or share my personal information" {
		t.Errorf("the opt-out button reads %q", got)
	}

	b.click("Do not sell or share", dns)
	st := b.waitGranted("the opt-out", necessary, preferences, analytics)
	e := b.lastEvent()
	checkEvent(t, e, consent.Custom, consent.SourceBanner, false, necessary, preferences, analytics)
	checkRule(t, e, "US", "opt-out (US)")
	if e.ConsentID.String() != st.ConsentID {
		t.Errorf("recorded consent %s, the snippet holds %s", e.ConsentID, st.ConsentID)
	}
	if b.isVisible(part("banner")) {
		t.Error("the banner still shows after the opt-out")
	}
	b.noCookies("_demo_ads", "_demo_video")
	if src := b.iframeSrc(); src != "" {
		t.Errorf("after the opt-out the video still has src=%q", src)
	}
	calls := b.consentCalls()
	checkConsentMode(t, calls[len(calls)-1], "analytics_storage", "functionality_storage", "personalization_storage", "security_storage")

	// The next load runs analytics but not marketing, and does not ask again.
	b.do("reloading", chromedp.Reload())
	b.wait("the analytics script", `(window.demoRan || []).includes("analytics")`)
	b.wait("the reopen button", visible(reopenButton))
	b.settle()
	if ran := b.demoRan(); !slices.Equal(ran, []string{analytics}) {
		t.Errorf("after the opt-out and a reload, ran %v, want analytics only", ran)
	}
	if src := b.iframeSrc(); src != "" {
		t.Errorf("after the opt-out and a reload the video has src=%q", src)
	}
	b.noCookies("_demo_ads", "_demo_video")
	if b.isVisible(part("banner")) {
		t.Error("the banner asks again after the opt-out")
	}
	if n := len(b.events()); n != 1 {
		t.Errorf("%d events, want the one opt-out", n)
	}

	// A visitor from France, on the same server, is asked first.
	fr := b.newVisitor()
	fr.setHeader(countryHeader, "FR")
	fr.open("/demo")
	fr.waitBanner()
	if m := fr.bannerMode(); m != string(consent.OptIn) {
		t.Errorf("a French visitor's banner is %q, want opt-in", m)
	}
	fr.checkNothingRan()
	if eval[bool](fr, `!!`+part("dns")) {
		t.Error("the opt-in banner offers Do not sell or share")
	}
	fr.click("Reject all", part("reject-all"))
	fr.waitGranted("the French refusal", necessary)
	e = fr.lastEvent()
	checkEvent(t, e, consent.RejectAll, consent.SourceBanner, false, necessary)
	checkRule(t, e, "FR", "opt-in (FR)")
}

// TestGPCInOptOutCountry: in an opt-out country, a browser sending Global
// Privacy Control has its opt-out recorded without any click: marketing
// never runs or loads, analytics does, and the preference center says the
// signal was honoured.
func TestGPCInOptOutCountry(t *testing.T) {
	b := startOptOut(t)
	b.setHeader(countryHeader, "US")
	b.emulateGPC()
	b.open("/demo")
	// The defaults under GPC grant the same as the opt-out it records: wait
	// for the record itself, which gives the state a consent ID.
	b.wait("the recorded GPC opt-out", `!!(window.Consentry.get() || {}).consent_id`)
	st := b.waitGranted("the GPC opt-out", necessary, preferences, analytics)
	if !st.GPC {
		t.Error("Consentry.get() does not say GPC is on")
	}
	e := b.lastEvent()
	checkEvent(t, e, consent.Custom, consent.SourceGPC, true, necessary, preferences, analytics)
	checkRule(t, e, "US", "opt-out (US)")
	if n := len(b.events()); n != 1 {
		t.Errorf("%d events recorded, want the one GPC opt-out", n)
	}
	b.wait("the analytics script", `(window.demoRan || []).includes("analytics")`)
	b.settle()
	if ran := b.demoRan(); !slices.Equal(ran, []string{analytics}) {
		t.Errorf("ran %v, want analytics only", ran)
	}
	if src := b.iframeSrc(); src != "" {
		t.Errorf("the marketing video has src=%q", src)
	}
	if b.requested("/demo/video") {
		t.Error("the marketing video was fetched")
	}
	b.noCookies("_demo_ads", "_demo_video")
	for _, c := range b.consentCalls() {
		if c.Types["ad_storage"] != "denied" {
			t.Errorf("gtag('consent', %q) at dataLayer[%d] grants ad_storage", c.Cmd, c.Index)
		}
	}

	// The preference center says so, with marketing off.
	b.wait("the reopen button", visible(reopenButton))
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	if !eval[bool](b, `[...`+part("prefs")+`.querySelectorAll(".cy-note")].some(n => n.textContent.includes("Global Privacy Control"))`) {
		t.Error("the preference center does not say the GPC signal was honoured")
	}
	if eval[bool](b, part("category-marketing")+`.querySelector("input").checked`) || !eval[bool](b, part("category-analytics")+`.querySelector("input").checked`) {
		t.Error("the preference center shows marketing on or analytics off")
	}
}

// TestGPCAfterADecision: a US visitor who accepted everything, then turns
// Global Privacy Control on, is opted out of marketing on the next page,
// unasked, and keeps the rest of their choice.
func TestGPCAfterADecision(t *testing.T) {
	b := startOptOut(t)
	b.setHeader(countryHeader, "US")
	b.open("/demo")
	b.waitBanner()
	b.click("accept-all", part("accept-all"))
	// Opt-out defaults already grant everything: wait for the recorded decision.
	b.wait("the recorded acceptance", `!!(window.Consentry.get() || {}).consent_id`)
	first := b.waitGranted("accept all", necessary, preferences, analytics, marketing)
	b.emulateGPC()
	b.open("/demo")
	st := b.waitGranted("the GPC opt-out", necessary, preferences, analytics)
	if st.ConsentID != first.ConsentID {
		t.Errorf("consent ID changed from %s to %s", first.ConsentID, st.ConsentID)
	}
	e := b.lastEvent()
	checkEvent(t, e, consent.Custom, consent.SourceGPC, true, necessary, preferences, analytics)
	checkRule(t, e, "US", "opt-out (US)")
	if n := len(b.events()); n != 2 {
		t.Errorf("%d events, want the acceptance and the GPC opt-out", n)
	}
	b.noCookies("_demo_ads")
	if b.isVisible(part("banner")) {
		t.Error("the banner asks again although the signal answered")
	}
}

// TestEmbedSRIMatchesServedFile: the script tag the console gives site
// owners names the versioned snippet with an integrity value that matches
// the file the server serves, and a browser loads it with that value (and
// refuses it with a wrong one).
func TestEmbedSRIMatchesServedFile(t *testing.T) {
	b := start(t)
	b.signIn("/admin/sites/demo/embed")
	type tag struct {
		Src         string `json:"src"`
		Integrity   string `json:"integrity"`
		CrossOrigin string `json:"crossorigin"`
		Site        string `json:"site"`
	}
	tg := eval[*tag](b, `(() => {
		const s = new DOMParser().parseFromString(document.querySelector('[data-testid="embed-tag"]').textContent, "text/html").querySelector("script");
		return s && {src: s.getAttribute("src"), integrity: s.getAttribute("integrity"), crossorigin: s.getAttribute("crossorigin"), site: s.dataset.site};
	})()`)
	if tg == nil {
		t.Fatal("the embed code holds no script tag")
	}
	if !strings.HasPrefix(tg.Src, b.base+"/c.") || !strings.HasSuffix(tg.Src, ".js") || tg.Src == b.base+"/c.js" ||
		!strings.HasPrefix(tg.Integrity, "sha384-") || tg.CrossOrigin != "anonymous" || tg.Site != "demo" {
		t.Fatalf("the embed tag is %+v, want the versioned snippet with a sha384 integrity, crossorigin=anonymous, for demo", tg)
	}
	got := eval[string](b, fmt.Sprintf(`fetch(%q, {cache: "no-store"})
		.then(r => { if (!r.ok) throw new Error("status " + r.status); return r.arrayBuffer(); })
		.then(buf => crypto.subtle.digest("SHA-384", buf))
		.then(d => "sha384-" + btoa(String.fromCharCode(...new Uint8Array(d))))`, tg.Src))
	if got != tg.Integrity {
		t.Errorf("the served snippet hashes to %s, the embed tag says %s", got, tg.Integrity)
	}

	// On a page, the tag as given loads; with one character of the hash
	// changed the browser refuses it, so the check above means something.
	b.open("/demo")
	b.waitBanner()
	load := func(integrity string) string {
		return eval[string](b, fmt.Sprintf(`new Promise(done => {
			const s = document.createElement("script");
			s.src = %q;
			s.integrity = %q;
			s.crossOrigin = "anonymous";
			s.dataset.site = "demo";
			s.onload = () => done("load");
			s.onerror = () => done("error");
			document.head.appendChild(s);
		})`, tg.Src, integrity))
	}
	if r := load(tg.Integrity); r != "load" {
		t.Errorf("the embed tag's script fired %s, want load", r)
	}
	i := len("sha384-")
	wrong := tg.Integrity[:i] + map[bool]string{true: "B", false: "A"}[tg.Integrity[i] == 'A'] + tg.Integrity[i+1:]
	if r := load(wrong); r != "error" {
		t.Errorf("the snippet with a wrong integrity value fired %s, want error", r)
	}
}

// TestAxeSites: axe-core finds no serious or critical violation in the
// opt-out banner (with its Do not sell or share button) and its preference
// center, in English and Arabic, nor in a banner in the site's own dark
// colours, boxed in the centre.
func TestAxeSites(t *testing.T) {
	src := requireAxe(t)
	b := startOptOut(t)
	// The banner's answer may be cached for a minute; the look published
	// below must show at once.
	b.disableCache()
	b.setHeader(countryHeader, "US")
	look := func(what string) {
		t.Helper()
		for _, lang := range []string{"en", "ar"} {
			b.open("/demo?lang=" + lang)
			b.waitBanner()
			if !b.isVisible(part("dns")) {
				t.Fatalf("the %s banner (%s) shows no Do not sell or share button", what, lang)
			}
			b.checkAxe(src, what+" ("+lang+")")
			b.click("Customize", part("customize"))
			b.wait("the preference center", visible(part("prefs")))
			b.checkAxe(src, "the preference center of "+what+" ("+lang+")")
		}
	}
	look("the opt-out banner")

	b.publishDemo("A darker banner", func(s *consent.Site) {
		s.Appearance = consent.Appearance{Layout: "box", Position: "center",
			Background: "#0d1117", Text: "#f0f6fc", Accent: "#f0f6fc", AccentText: "#0d1117"}
	})
	b.open("/demo")
	b.waitBanner()
	type colours struct {
		Class string `json:"class"`
		Bg    string `json:"bg"`
		Fg    string `json:"fg"`
		BtnBg string `json:"btnBg"`
		BtnFg string `json:"btnFg"`
	}
	c := eval[colours](b, `(() => {
		const d = `+part("banner")+`, btn = `+part("accept-all")+`;
		return {class: d.parentElement.className, bg: getComputedStyle(d).backgroundColor, fg: getComputedStyle(d).color,
			btnBg: getComputedStyle(btn).backgroundColor, btnFg: getComputedStyle(btn).color};
	})()`)
	if want := (colours{"cy cy-box cy-center", "rgb(13, 17, 23)", "rgb(240, 246, 252)", "rgb(240, 246, 252)", "rgb(13, 17, 23)"}); c != want {
		t.Fatalf("the banner in the site's colours is %+v, want %+v", c, want)
	}
	look("the banner in dark colours")
}
