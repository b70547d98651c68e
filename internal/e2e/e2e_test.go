package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// The demo site's categories.
const (
	necessary   = "necessary"
	preferences = "preferences"
	analytics   = "analytics"
	marketing   = "marketing"
)

// necessaryCookies are the cookie names the demo site declares as necessary:
// the only ones that may exist before a decision or after a refusal.
func necessaryCookies() []string {
	var names []string
	for _, s := range app.DemoSite().Services {
		if s.Category == consent.Necessary {
			for _, c := range s.Cookies {
				names = append(names, c.Name)
			}
		}
	}
	return names
}

// checkNothingRan checks that no blocked demo element ran or loaded and that
// no cookie but a necessary one exists.
func (b *browser) checkNothingRan() {
	b.t.Helper()
	b.settle()
	if ran := b.demoRan(); len(ran) > 0 {
		b.t.Errorf("blocked scripts ran: %v", ran)
	}
	if src := b.iframeSrc(); src != "" {
		b.t.Errorf("the blocked iframe has src=%q", src)
	}
	for _, p := range []string{"/demo/analytics.js", "/demo/video"} {
		if b.requested(p) {
			b.t.Errorf("the page fetched %s", p)
		}
	}
	for name, c := range b.cookies() {
		if !slices.Contains(necessaryCookies(), name) {
			b.t.Errorf("non-necessary cookie %s=%q exists", name, c.Value)
		}
	}
}

// TestBannerBeforeDecision: a first visit shows the banner as a modal dialog
// with the focus in it, and nothing non-essential runs, loads or sets a
// cookie; Consent Mode's default (all denied but security) comes first.
func TestBannerBeforeDecision(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()

	type dialog struct {
		Mode      string `json:"mode"`
		OnBody    bool   `json:"onBody"`
		Role      string `json:"role"`
		Modal     string `json:"modal"`
		Label     string `json:"label"`
		Described string `json:"described"`
		Focus     bool   `json:"focus"`
	}
	d := eval[dialog](b, `(() => {
		const h = document.querySelector("[data-consentry]"), r = h.shadowRoot;
		const d = r.querySelector('.cy-banner');
		const byId = (a) => { const e = a && r.getElementById(a); return e ? e.textContent.trim() : ""; };
		return {
			mode: r.mode, onBody: h.parentElement === document.body,
			role: d.getAttribute("role"), modal: d.getAttribute("aria-modal"),
			label: byId(d.getAttribute("aria-labelledby")), described: byId(d.getAttribute("aria-describedby")),
			focus: document.activeElement === h && !!r.activeElement && d.contains(r.activeElement),
		};
	})()`)
	if d.Mode != "open" || !d.OnBody {
		t.Errorf("banner host: shadow root mode %q, appended to body %v; want an open shadow root on a host in body", d.Mode, d.OnBody)
	}
	if d.Role != "dialog" || d.Modal != "true" {
		t.Errorf("banner: role=%q aria-modal=%q, want dialog and true", d.Role, d.Modal)
	}
	if d.Label != "We value your privacy" {
		t.Errorf("banner: aria-labelledby names %q, want the heading %q", d.Label, "We value your privacy")
	}
	if d.Described == "" {
		t.Error("banner: aria-describedby does not resolve to the text")
	}
	if !d.Focus {
		t.Errorf("the focus is not inside the banner but on %s", b.focused())
	}
	if b.isVisible(part("prefs")) {
		t.Error("the preference center shows before the visitor asked for it")
	}

	// Reject all sits on the first layer and looks exactly like Accept all.
	type look struct {
		Text  string  `json:"text"`
		Style string  `json:"style"`
		W     float64 `json:"w"`
		H     float64 `json:"h"`
	}
	lookOf := func(testid string) look {
		return eval[look](b, `((e) => {
			const s = getComputedStyle(e), r = e.getBoundingClientRect();
			return {text: e.textContent.trim(), w: r.width, h: r.height,
				style: [s.fontSize, s.fontWeight, s.color, s.backgroundColor, s.borderColor, s.borderWidth, s.textDecorationLine].join(" ")};
		})(`+part(testid)+`)`)
	}
	for _, id := range []string{"accept-all", "reject-all", "customize"} {
		if !b.isVisible(part(id)) {
			t.Errorf("the first layer has no visible %s button", id)
		}
	}
	acc, rej := lookOf("accept-all"), lookOf("reject-all")
	if acc.Text != "Accept all" || rej.Text != "Reject all" {
		t.Errorf("first-layer buttons read %q and %q", acc.Text, rej.Text)
	}
	if acc.Style != rej.Style || math.Abs(acc.W-rej.W) > 1 || math.Abs(acc.H-rej.H) > 1 || rej.H < 24 || rej.W < 24 {
		t.Errorf("Reject all differs from Accept all: %+v vs %+v", rej, acc)
	}

	b.checkNothingRan()
	if c, ok := b.cookies()["consentry"]; ok {
		t.Errorf("the consent cookie exists before any decision: %q", c.Value)
	}
	if ran := eval[bool](b, `window.demoRan !== undefined`); ran {
		t.Error("window.demoRan is defined before any decision")
	}
	if st := b.state(); st != nil {
		t.Errorf("Consentry.get() = %+v before any decision, want null", st)
	}
	if eval[bool](b, `Consentry.has("analytics") || Consentry.has("marketing") || !Consentry.has("necessary")`) {
		t.Error("Consentry.has() grants something before any decision, or denies necessary")
	}

	calls := b.consentCalls()
	if len(calls) == 0 {
		t.Fatal("no gtag('consent', …) call in dataLayer")
	}
	def := calls[0]
	if def.Cmd != "default" || def.Index != 0 {
		t.Errorf("first consent call is %q at dataLayer[%d], want the default at dataLayer[0]", def.Cmd, def.Index)
	}
	checkConsentMode(t, def, "security_storage")
	if def.Types["wait_for_update"] != float64(500) {
		t.Errorf("default wait_for_update = %v, want 500", def.Types["wait_for_update"])
	}
	for _, c := range calls[1:] {
		t.Errorf("gtag('consent', %q) before any decision", c.Cmd)
	}
	if evs := b.events(); len(evs) != 0 {
		t.Errorf("%d events recorded before any decision", len(evs))
	}

	// The first layer links to the demo's own notices, readable before
	// choosing: the privacy notice answers in the banner's language.
	privacy := eval[string](b, part("privacy-link")+`?.href || ""`)
	if !b.isVisible(part("privacy-link")) || !b.isVisible(part("legal-link")) || privacy != b.base+"/demo/privacy?lang=en" {
		t.Fatalf("the first layer links to the privacy notice %q (shown: %t) and the legal notice (shown: %t)", privacy, b.isVisible(part("privacy-link")), b.isVisible(part("legal-link")))
	}
	b.navigate(privacy)
	if got := b.text(`[data-testid="notice-title"]`); got != "Privacy policy" {
		t.Errorf("the banner's privacy link opened a page titled %q", got)
	}
}

// TestRejectAll: one click refuses everything; the refusal is recorded,
// signalled to Consent Mode and remembered on the next page load without
// asking again.
func TestRejectAll(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	b.click("Reject all", part("reject-all"))
	st := b.waitGranted("the refusal", necessary)

	if b.isVisible(part("banner")) || b.isVisible(part("prefs")) {
		t.Error("the banner still shows after the refusal")
	}
	b.checkNothingRan()
	if c, ok := b.cookies()["consentry"]; !ok || c.Value == "" {
		t.Error("no consentry cookie after the refusal")
	}
	calls := b.consentCalls()
	if len(calls) != 2 || calls[0].Cmd != "default" || calls[1].Cmd != "update" {
		t.Fatalf("consent calls after the refusal: %+v, want default then update", calls)
	}
	checkConsentMode(t, calls[1], "security_storage")
	e := b.lastEvent()
	checkEvent(t, e, consent.RejectAll, consent.SourceBanner, false, necessary)
	if e.ConsentID.String() != st.ConsentID {
		t.Errorf("recorded consent ID %s, the snippet holds %s", e.ConsentID, st.ConsentID)
	}
	b.wait("the reopen button", visible(reopenButton))
	b.appendBlocked(analytics, "lateDenied")
	b.settle()
	if eval[bool](b, `window.lateDenied === true`) {
		t.Error("a blocked analytics script added after the refusal ran")
	}

	// The next page load applies the stored refusal without asking.
	b.do("reloading", chromedp.Reload())
	again := eval[*state](b, `Consentry.ready`)
	if again == nil || again.ConsentID != st.ConsentID || !slices.Equal(again.Granted, []string{necessary}) {
		t.Fatalf("after reload Consentry.ready = %+v, want consent %s granting [necessary]", again, st.ConsentID)
	}
	b.wait("the reopen button after reload", visible(reopenButton))
	b.checkNothingRan()
	if b.isVisible(part("banner")) {
		t.Error("the banner asks again after a remembered refusal")
	}
	calls = b.consentCalls()
	if len(calls) != 2 || calls[0].Cmd != "default" || calls[1].Cmd != "update" {
		t.Fatalf("consent calls after reload: %+v, want default then update", calls)
	}
	checkConsentMode(t, calls[1], "security_storage")
	if n := len(b.events()); n != 1 {
		t.Errorf("%d events after reload, want the one refusal", n)
	}
}

// TestCustomizeAnalyticsThenWithdraw: granting analytics alone runs the
// analytics script only; withdrawing it later deletes its cookie, fires
// consentry:change and keeps it from running on the next load.
func TestCustomizeAnalyticsThenWithdraw(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	if b.isVisible(part("banner")) {
		t.Error("the first layer still shows under the preference center")
	}
	type sw struct {
		Cat      string `json:"cat"`
		Role     string `json:"role"`
		Checked  bool   `json:"checked"`
		Disabled bool   `json:"disabled"`
		Name     string `json:"name"`
	}
	switches := eval[[]sw](b, `[...document.querySelector("[data-consentry]").shadowRoot.querySelectorAll("[data-testid^=category-] input[data-category]")]
		.map(i => ({cat: i.dataset.category, role: i.getAttribute("role"), checked: i.checked, disabled: i.disabled,
			name: [...i.labels].map(l => l.textContent.trim()).join(" ")}))`)
	if len(switches) != 4 {
		t.Fatalf("%d category switches, want 4: %+v", len(switches), switches)
	}
	for _, s := range switches {
		if s.Role != "switch" || s.Name == "" {
			t.Errorf("switch %s: role %q, accessible name %q", s.Cat, s.Role, s.Name)
		}
		if req := s.Cat == necessary; s.Checked != req || s.Disabled != req {
			t.Errorf("switch %s starts checked=%v disabled=%v; only necessary may be on (and locked)", s.Cat, s.Checked, s.Disabled)
		}
	}

	b.click("the analytics switch", part("category-analytics")+`.querySelector("input[data-category=analytics]")`)
	if !eval[bool](b, part("category-analytics")+`.querySelector("input").checked`) {
		t.Fatal("clicking the analytics switch did not turn it on")
	}
	b.click("Save", part("save"))
	st := b.waitGranted("saving analytics", necessary, analytics)
	b.wait("the analytics script", `(window.demoRan || []).includes("analytics")`)
	b.wait("the _demo_ga cookie", `document.cookie.includes("_demo_ga=")`)
	b.settle()
	if ran := b.demoRan(); !slices.Equal(ran, []string{analytics}) {
		t.Errorf("ran %v, want only analytics", ran)
	}
	if src := b.iframeSrc(); src != "" {
		t.Errorf("the marketing iframe got src=%q", src)
	}
	if b.requested("/demo/video") {
		t.Error("the marketing video was fetched")
	}
	jar := b.cookies()
	if _, ok := jar["_demo_ga"]; !ok {
		t.Error("no _demo_ga cookie in the browser")
	}
	b.noCookies("_demo_ads", "_demo_video")
	if b.isVisible(part("prefs")) || b.isVisible(part("banner")) {
		t.Error("the preference center still shows after saving")
	}
	calls := b.consentCalls()
	if len(calls) != 2 || calls[1].Cmd != "update" {
		t.Fatalf("consent calls: %+v, want default then update", calls)
	}
	checkConsentMode(t, calls[1], "analytics_storage", "security_storage")
	if pv := eval[int](b, `dataLayer.findIndex(e => e && e.event === "demo_page_view")`); pv >= 0 && pv < calls[1].Index {
		t.Errorf("the analytics tag pushed its page view at dataLayer[%d], before the consent update at [%d]", pv, calls[1].Index)
	}
	checkEvent(t, b.lastEvent(), consent.Custom, consent.SourcePreferences, false, necessary, analytics)

	// Withdraw analytics through the floating button.
	eval[bool](b, `(window.__changes = [], document.addEventListener("consentry:change", (e) => __changes.push(e.detail)), true)`)
	b.wait("the reopen button", visible(reopenButton))
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	if !eval[bool](b, part("category-analytics")+`.querySelector("input").checked`) {
		t.Error("the preference center does not show analytics as granted")
	}
	if id := eval[string](b, part("consent-id")+`.textContent`); id != st.ConsentID || !b.isVisible(part("consent-id")) {
		t.Errorf("the preference center shows consent ID %q, want %q", id, st.ConsentID)
	}
	b.click("the analytics switch", part("category-analytics")+`.querySelector("input[data-category=analytics]")`)
	b.click("Save", part("save"))
	after := b.waitGranted("withdrawing analytics", necessary)
	if after.ConsentID != st.ConsentID {
		t.Errorf("withdrawal changed the consent ID from %s to %s", st.ConsentID, after.ConsentID)
	}
	b.wait("the consentry:change event", `window.__changes.length > 0`)
	changes := eval[[]state](b, `__changes`)
	if len(changes) != 1 || !slices.Equal(changes[0].Granted, []string{necessary}) || changes[0].ConsentID != st.ConsentID {
		t.Errorf("consentry:change details: %+v, want one with granted [necessary]", changes)
	}
	if eval[bool](b, `Consentry.has("analytics")`) {
		t.Error(`Consentry.has("analytics") after withdrawal`)
	}
	b.noCookies("_demo_ga")
	if eval[bool](b, `document.cookie.includes("_demo_ga")`) {
		t.Error("document.cookie still has _demo_ga")
	}
	calls = b.consentCalls()
	checkConsentMode(t, calls[len(calls)-1], "security_storage")
	checkEvent(t, b.lastEvent(), consent.Custom, consent.SourcePreferences, false, necessary)
	id := uuid.MustParse(st.ConsentID)
	if evs, err := b.app.Store.EventsByConsent(b.ctx, id); err != nil || len(evs) != 2 {
		t.Errorf("EventsByConsent(%s) = %d events, %v; want the grant and the withdrawal", id, len(evs), err)
	}

	// The next load does not run analytics.
	b.do("reloading", chromedp.Reload())
	if st := eval[*state](b, `Consentry.ready`); st == nil || !slices.Equal(st.Granted, []string{necessary}) {
		t.Fatalf("after reload Consentry.ready = %+v", st)
	}
	b.checkNothingRan()
}

// TestKeyboardOnly: the banner and preference center work with Tab,
// Shift+Tab, Enter, Space and Escape alone, and keep the focus inside.
func TestKeyboardOnly(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	expectFocus := func(step, want string) {
		t.Helper()
		if got := b.focused(); got != want {
			t.Fatalf("%s: focus on %q, want %q", step, got, want)
		}
	}
	expectFocus("banner opened", "banner")
	// The site's privacy and legal links come first, readable before choosing.
	for _, want := range []string{"privacy-link", "legal-link", "accept-all", "reject-all", "customize", "privacy-link"} {
		b.key(kb.Tab)
		expectFocus("Tab", want)
	}
	b.key(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	expectFocus("Shift+Tab from the first link", "customize")

	b.key(kb.Enter)
	b.wait("the preference center", visible(part("prefs")))
	expectFocus("Customize opened", "prefs")
	b.key(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	if got := b.focused(); got != "action-reject_all" {
		t.Errorf("Shift+Tab from the preference center's top: focus on %q, want its last button", got)
	}

	b.key(kb.Escape)
	b.wait("the first layer after Escape", visible(part("banner")))
	if b.isVisible(part("prefs")) {
		t.Error("Escape did not close the preference center")
	}
	expectFocus("Escape", "customize")
	b.settle()
	if _, ok := b.cookies()["consentry"]; ok || b.state() != nil || len(b.events()) != 0 {
		t.Fatal("Escape from the preference center counted as a decision")
	}

	b.key(kb.Enter)
	b.wait("the preference center again", visible(part("prefs")))
	tabTo := func(want string) {
		t.Helper()
		var seen []string
		for range 16 {
			b.key(kb.Tab)
			got := b.focused()
			if got == want {
				return
			}
			seen = append(seen, got)
		}
		t.Fatalf("Tab never reached %s; focus went %v", want, seen)
	}
	tabTo("switch-analytics")
	b.key(" ")
	if !eval[bool](b, part("category-analytics")+`.querySelector("input").checked`) {
		t.Fatal("Space did not turn the analytics switch on")
	}
	expectFocus("Space", "switch-analytics")
	tabTo("save")
	b.key(kb.Enter)
	b.waitGranted("the keyboard decision", necessary, analytics)
	if b.isVisible(part("prefs")) {
		t.Error("the preference center still shows after saving")
	}
	if _, ok := b.cookies()["consentry"]; !ok {
		t.Error("no consentry cookie after saving")
	}
	checkEvent(t, b.lastEvent(), consent.Custom, consent.SourcePreferences, false, necessary, analytics)
	b.wait("the analytics script", `(window.demoRan || []).includes("analytics")`)
}

// TestArabicRTL: ?lang=ar gives an Arabic page and banner laid out right to
// left, and the decision is recorded in Arabic.
func TestArabicRTL(t *testing.T) {
	b := start(t)
	b.open("/demo?lang=ar")
	b.waitBanner()
	type layout struct {
		HTMLDir    string  `json:"htmlDir"`
		HTMLLang   string  `json:"htmlLang"`
		RootDir    string  `json:"rootDir"`
		RootLang   string  `json:"rootLang"`
		Direction  string  `json:"direction"`
		Title      string  `json:"title"`
		AcceptEdge float64 `json:"acceptEdge"`
		RejectEdge float64 `json:"rejectEdge"`
	}
	l := eval[layout](b, `(() => {
		const root = `+part("consentry")+`, banner = `+part("banner")+`;
		return {
			htmlDir: document.documentElement.dir, htmlLang: document.documentElement.lang,
			rootDir: root.getAttribute("dir"), rootLang: root.getAttribute("lang"),
			direction: getComputedStyle(banner).direction,
			title: banner.querySelector("h2").textContent,
			acceptEdge: `+part("accept-all")+`.getBoundingClientRect().right,
			rejectEdge: `+part("reject-all")+`.getBoundingClientRect().right,
		};
	})()`)
	if l.HTMLDir != "rtl" || l.HTMLLang != "ar" {
		t.Errorf("<html dir=%q lang=%q>, want rtl and ar", l.HTMLDir, l.HTMLLang)
	}
	if l.RootDir != "rtl" || l.RootLang != "ar" || l.Direction != "rtl" {
		t.Errorf("banner root dir=%q lang=%q, computed direction %q; want rtl, ar, rtl", l.RootDir, l.RootLang, l.Direction)
	}
	if !regexp.MustCompile(`\p{Arabic}`).MatchString(l.Title) {
		t.Errorf("banner title %q is not Arabic", l.Title)
	}
	if l.AcceptEdge <= l.RejectEdge {
		t.Errorf("Accept all (right edge %.0f) is not right of Reject all (%.0f): the buttons do not run right to left", l.AcceptEdge, l.RejectEdge)
	}

	b.click("تخصيص (Customize)", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	type box struct{ L, R, T, B, W float64 }
	p := eval[box](b, `((r) => ({L: r.left, R: r.right, T: r.top, B: r.bottom, W: innerWidth}))(`+part("prefs")+`.getBoundingClientRect())`)
	if p.L < 0 || p.R > p.W || p.T < 0 {
		t.Errorf("the Arabic preference center is off screen: %+v", p)
	}
	b.click("رفض الكل (Reject all)", part("prefs")+`.querySelector('[data-action="reject_all"]')`)
	b.waitGranted("the refusal", necessary)
	e := b.lastEvent()
	checkEvent(t, e, consent.RejectAll, consent.SourcePreferences, false, necessary)
	if e.Lang != "ar" {
		t.Errorf("recorded language %q, want ar", e.Lang)
	}
}

// TestGPC: with Global Privacy Control on, the banner says it was honoured
// and Accept all leaves marketing off; the record carries gpc = true.
func TestGPC(t *testing.T) {
	b := start(t)
	b.emulateGPC()
	b.open("/demo")
	if !eval[bool](b, `navigator.globalPrivacyControl === true`) {
		t.Fatal("GPC emulation did not take: navigator.globalPrivacyControl is not true")
	}
	b.waitBanner()
	if !b.isVisible(part("gpc-notice")) {
		t.Error("the banner does not say that GPC was honoured")
	}
	b.click("Accept all", part("accept-all"))
	st := b.waitGranted("accepting under GPC", necessary, preferences, analytics)
	if !st.GPC {
		t.Error("Consentry.get().gpc is false")
	}
	b.wait("the analytics script", `(window.demoRan || []).includes("analytics")`)
	b.settle()
	if ran := b.demoRan(); slices.Contains(ran, marketing) {
		t.Errorf("marketing ran under GPC: %v", ran)
	}
	if src := b.iframeSrc(); src != "" {
		t.Errorf("the marketing iframe got src=%q under GPC", src)
	}
	b.noCookies("_demo_ads", "_demo_video")
	calls := b.consentCalls()
	checkConsentMode(t, calls[len(calls)-1], "analytics_storage", "functionality_storage", "personalization_storage", "security_storage")
	checkEvent(t, b.lastEvent(), consent.AcceptAll, consent.SourceBanner, true, necessary, preferences, analytics)
}

// TestNoJavaScript: with scripts off, the demo page links to the preference
// page, whose plain form records the decision and brings the visitor back
// with the token set as a cookie.
func TestNoJavaScript(t *testing.T) {
	b := start(t)
	b.disableJS()
	b.open("/demo")
	link, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`a[data-testid="nojs-link"]`), "href"))
	if err != nil {
		t.Fatalf("the demo page shows no link for visitors without JavaScript: %v", err)
	}
	if eval[bool](b, `[...document.querySelectorAll('[data-consent-open]')].some(e => e.getClientRects().length > 0)`) {
		t.Error(`without JavaScript the page still shows the snippet's "Cookie settings" button, which does nothing`)
	}
	u, err := url.Parse(link.Value)
	if err != nil || u.Path != "/p/demo" || u.Query().Get("return") != b.base+"/demo" {
		t.Fatalf("no-JavaScript link %q, want /p/demo?return=%s/demo", link.Value, b.base)
	}
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`a[data-testid="nojs-link"]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("following the no-JavaScript link: %v (response %+v)", err, resp)
	}
	if loc := b.location(); !strings.HasPrefix(loc, b.base+"/p/demo?") {
		t.Fatalf("the link led to %s", loc)
	}
	for _, cat := range []string{preferences, analytics, marketing} {
		if b.checked(cat) {
			t.Errorf("the no-JavaScript form starts with %s ticked", cat)
		}
	}
	if !b.checked(necessary) {
		t.Error("the no-JavaScript form does not show necessary as on")
	}
	b.do("ticking analytics", chromedp.Click(chromedp.CSS(`input[data-category="analytics"]`)))
	if !b.checked(analytics) {
		t.Fatal("clicking the analytics box did not tick it")
	}
	resp, err = chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`button[data-testid="save"]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("submitting the form: %v (response %+v)", err, resp)
	}
	if loc := b.location(); loc != b.base+"/demo" {
		t.Errorf("after the form the browser is at %s, want %s/demo", loc, b.base)
	}

	e := b.lastEvent()
	checkEvent(t, e, consent.Custom, consent.SourceNoJS, false, necessary, analytics)
	if n := len(b.events()); n != 1 {
		t.Errorf("%d events recorded, want 1", n)
	}
	c, ok := b.cookies()["consentry"]
	if !ok {
		t.Fatal("no consentry cookie after the no-JavaScript form")
	}
	// The cookie is the signed token of exactly the recorded decision.
	tok, err := url.QueryUnescape(c.Value)
	if err != nil {
		t.Fatal(err)
	}
	v := verify(t, b.base, tok)
	if !v.Valid || v.Site != "demo" || v.ConsentID != e.ConsentID.String() || !slices.Equal(v.Granted, e.Granted) {
		t.Errorf("the cookie verifies as %+v, want the recorded consent %s granting %v", v, e.ConsentID, e.Granted)
	}
}

// verified is the answer of POST /api/v1/consents/verify.
type verified struct {
	Valid     bool     `json:"valid"`
	Reason    string   `json:"reason"`
	Site      string   `json:"site"`
	ConsentID string   `json:"consent_id"`
	Granted   []string `json:"granted"`
}

// verify asks the server whether a token is valid, as a site's backend does.
func verify(t *testing.T, base, tok string) verified {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": tok})
	res, err := http.Post(base+"/api/v1/consents/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("verifying the token: %v", err)
	}
	defer res.Body.Close()
	var v verified
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("verifying the token: status %d, %v", res.StatusCode, err)
	}
	return v
}

// appendBlocked adds <script type="text/plain" data-consent=cat>window.flag = true</script>
// to the body, as a page does after it has loaded.
func (b *browser) appendBlocked(cat, flag string) {
	b.t.Helper()
	b.appendBlockedCode(cat, "window."+flag+" = true")
}

// appendBlockedCode adds a blocked inline script with the code to the body.
func (b *browser) appendBlockedCode(cat, code string) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`(() => {
		const s = document.createElement("script");
		s.type = "text/plain";
		s.setAttribute("data-consent", %q);
		s.text = %q;
		document.body.appendChild(s);
		return true;
	})()`, cat, code))
}

// TestLateAddedBlockedElements: blocked scripts and iframes added after the
// page loaded wait for their category, and run at once once it is granted.
func TestLateAddedBlockedElements(t *testing.T) {
	b := start(t)
	b.open("/demo")
	b.waitBanner()
	addFrame := func(id string) {
		eval[bool](b, fmt.Sprintf(`(() => {
			const f = document.createElement("iframe");
			f.id = %q;
			f.setAttribute("data-consent", "marketing");
			f.setAttribute("data-src", "/demo/video");
			document.body.appendChild(f);
			return true;
		})()`, id))
	}
	frameSrc := func(id string) string {
		return eval[string](b, fmt.Sprintf(`document.getElementById(%q).getAttribute("src") || ""`, id))
	}

	b.appendBlocked(marketing, "lateRan")
	// A tag stand-in that notes the Consent Mode state it finds when it runs.
	b.appendBlockedCode(marketing, `window.tagSaw = dataLayer.filter(e => e && e[0] === "consent").map(e => e[1] + ":" + e[2].ad_storage)`)
	addFrame("late-frame")
	b.checkNothingRan()
	if eval[bool](b, `window.lateRan !== undefined`) {
		t.Error("a blocked marketing script added before any decision ran")
	}
	if src := frameSrc("late-frame"); src != "" {
		t.Errorf("a blocked iframe added before any decision got src=%q", src)
	}

	b.click("Accept all", part("accept-all"))
	b.waitGranted("accepting all", necessary, preferences, analytics, marketing)
	b.wait("the early-added script to run on grant", `window.lateRan === true`)
	b.wait("the early-added iframe to load on grant", `document.getElementById("late-frame").getAttribute("src") === "/demo/video"`)
	b.wait("the page's blocked scripts", `["analytics", "marketing"].every(c => (window.demoRan || []).includes(c))`)
	if src := b.iframeSrc(); src != "/demo/video" {
		t.Errorf("the page's marketing iframe has src=%q, want /demo/video", src)
	}
	if saw := eval[[]string](b, `window.tagSaw || []`); !slices.Equal(saw, []string{"default:denied", "update:granted"}) {
		t.Errorf("a marketing tag unblocked by the grant ran with Consent Mode %v, want the default then the update granting ad_storage", saw)
	}
	b.wait("the _demo_ads cookie", `document.cookie.includes("_demo_ads=")`)
	calls := b.consentCalls()
	checkConsentMode(t, calls[len(calls)-1], consentModeTypes...)
	checkEvent(t, b.lastEvent(), consent.AcceptAll, consent.SourceBanner, false, necessary, preferences, analytics, marketing)

	// Added after the grant: they run straight away, nested ones included.
	b.appendBlocked(marketing, "lateRan2")
	eval[bool](b, `(() => {
		const d = document.createElement("div");
		d.innerHTML = '<script type="text/plain" data-consent="marketing analytics">window.lateNested = true<\/script>';
		document.body.appendChild(d);
		return true;
	})()`)
	addFrame("later-frame")
	b.wait("a blocked script added after the grant", `window.lateRan2 === true`)
	b.wait("a nested blocked script added after the grant", `window.lateNested === true`)
	b.wait("a blocked iframe added after the grant", `document.getElementById("later-frame").getAttribute("src") === "/demo/video"`)
	if src := frameSrc("later-frame"); src != "/demo/video" {
		t.Errorf("later iframe src=%q", src)
	}
}

// TestScreenshots writes banner-{en,ar,ru,zh-Hans}.png and prefs-en.png of the
// demo page at 1280×800 into $CONSENTRY_SCREENSHOTS (relative to the module
// root). It runs only when that variable is set.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CONSENTRY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set CONSENTRY_SCREENSHOTS to an output directory to write screenshots")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir) // from internal/e2e to the module root
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := start(t)
	b.do("setting the viewport", chromedp.EmulateViewport(1280, 800))
	shot := func(name string) {
		t.Helper()
		b.settle()
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(path)
		t.Logf("wrote %s (%d bytes)", abs, len(png))
	}
	// One language per script: Latin, Arabic, Cyrillic, CJK.
	for _, lang := range []string{"en", "ar", "ru", "zh-Hans"} {
		b.open("/demo?lang=" + lang)
		b.waitBanner()
		shot("banner-" + lang + ".png")
	}
	b.open("/demo?lang=en")
	b.waitBanner()
	b.click("Customize", part("customize"))
	b.wait("the preference center", visible(part("prefs")))
	shot("prefs-en.png")

	// After "Reject all" the demo's video is held back: its click-to-load
	// placeholder, in the visitor's language.
	for _, lang := range []string{"en", "de"} {
		v := b.newVisitor()
		v.do("setting the viewport", chromedp.EmulateViewport(1280, 800))
		v.open("/demo?lang=" + lang)
		v.waitBanner()
		v.click("Reject all", part("reject-all"))
		const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
		v.wait("the video's placeholder", visible(ph))
		eval[bool](v, `(document.querySelector("[data-consentry-placeholder]").scrollIntoView({block: "center"}), true)`)
		v.settle()
		png, err := chromedp.Run(v.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "placeholder-"+lang+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
