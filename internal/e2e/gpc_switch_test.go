package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
)

const (
	// gpcBinding and gpcHonoured are gpc_binding and banner_gpc in English.
	gpcBinding  = "Your browser’s Global Privacy Control signal was honoured: “Marketing” cookies stay off. To choose otherwise, turn the signal off in your browser."
	gpcHonoured = "Your browser’s Global Privacy Control signal was honoured: “Marketing” cookies stay off unless you turn them on yourself."
	// gpcBoundNotice is the body of a notice region's banner where the
	// signal binds: what it keeps off left out.
	gpcBoundNotice = "We use cookies that this site needs to work. We also use cookies to remember your preferences and measure how the site is used, unless you turn them off. You can reject all or choose, now or at any time under “Cookie settings”."
)

// TestGPCKeepsMarketingSwitchOff: where Global Privacy Control is a binding
// opt-out (an opt-out or notice region), the banner says marketing stays off
// while the signal is on instead of offering to turn it on, the preference
// center and the page without JavaScript show its switch off and disabled,
// described by the reason, and the consent API says what it kept off. In an
// opt-in region the switch stays the visitor's to turn on.
func TestGPCKeepsMarketingSwitchOff(t *testing.T) {
	b := startRegions(t)
	// locked checks the marketing switch of the page's document or the
	// banner's shadow root (root, a JavaScript expression).
	locked := func(b *browser, where, root string) {
		t.Helper()
		type sw struct {
			Found, Checked, Disabled bool
			Reason                   string
		}
		s := eval[sw](b, fmt.Sprintf(`((r) => {
			const i = r && r.querySelector('input[data-category="marketing"]');
			if (!i) return {Found: false};
			const ids = (i.getAttribute("aria-describedby") || "").split(/\s+/);
			return {Found: true, Checked: i.checked, Disabled: i.disabled || i.getAttribute("aria-disabled") === "true",
				Reason: ids.map(id => (r.getElementById ? r.getElementById(id) : r.querySelector("#" + id))?.textContent || "").join(" | ")};
		})(%s)`, root))
		if !s.Found || s.Checked || !s.Disabled || !strings.Contains(s.Reason, gpcBinding) {
			t.Errorf("%s: the marketing switch is %+v, want off, disabled, described by %q", where, s, gpcBinding)
		}
	}
	shadow := `document.querySelector("[data-consentry]").shadowRoot`

	// United States, opt-out: the signal's opt-out is recorded unasked; the
	// preference center cannot turn marketing on, and says why.
	b.setHeader(countryHeader, "US")
	b.emulateGPC()
	b.open("/demo?lang=en")
	b.wait("the recorded GPC opt-out", `!!(window.Consentry.get() || {}).consent_id`)
	b.wait("the reopen button", visible(reopenButton))
	b.click("the reopen button", reopenButton)
	b.wait("the preference center", visible(part("prefs")))
	locked(b, "US preference center", shadow)
	if eval[bool](b, shadow+`.textContent.includes("unless you turn them on")`) {
		t.Error("the US preference center still offers to turn marketing on")
	}
	b.click("the Marketing label", part("category-marketing")+`.querySelector("label")`)
	if eval[bool](b, part("category-marketing")+`.querySelector("input").checked`) {
		t.Error("clicking Marketing turned the switch on")
	}
	b.click("Save", part("save"))
	b.wait("the saved choice", `!(window.Consentry.get() || {}).granted.includes("marketing") && !`+visible(part("prefs")))
	if n := len(b.events()); n != 2 {
		t.Errorf("%d events, want the GPC opt-out and the saved choice", n)
	}
	// The API records the decision without marketing and says why.
	type answer struct {
		Status    int      `json:"status"`
		Granted   []string `json:"granted"`
		GPCDenied []string `json:"gpc_denied"`
	}
	a := eval[answer](b, `fetch("/api/v1/sites/demo/consents", {method: "POST", headers: {"Content-Type": "text/plain"},
		body: JSON.stringify({action: "custom", categories: {marketing: true, analytics: true}, revision: Consentry.get().revision})})
		.then(r => r.json().then(j => ({status: r.status, granted: j.granted, gpc_denied: j.gpc_denied})))`)
	if a.Status != 201 || slices.Contains(a.Granted, "marketing") || !slices.Equal(a.GPCDenied, []string{"marketing"}) {
		t.Errorf("the API's answer to marketing asked for under GPC: %+v, want 201, marketing not granted, gpc_denied [marketing]", a)
	}
	// Without JavaScript: the same.
	b.open("/p/demo?lang=en")
	locked(b, "US page without JavaScript", "document")
	if got := eval[string](b, onPage("gpc-notice")+`.textContent`); got != gpcBinding {
		t.Errorf("the US page without JavaScript says %q, want %q", got, gpcBinding)
	}

	// Canada, notice: the first layer does not promise a choice.
	ca := b.newVisitor()
	ca.setHeader(countryHeader, "CA")
	ca.emulateGPC()
	ca.open("/demo?lang=en")
	ca.waitBanner()
	if got := eval[string](ca, part("gpc-notice")+`.textContent`); got != gpcBinding {
		t.Errorf("the CA banner says %q, want %q", got, gpcBinding)
	}
	// Nor does its body say the site shows ads unless the visitor turns
	// them off: the signal has.
	if got := eval[string](ca, part("banner")+`.querySelector("#cy-body").textContent`); got != gpcBoundNotice {
		t.Errorf("the CA banner's body says %q, want %q", got, gpcBoundNotice)
	}
	ca.click("Customize", part("customize"))
	ca.wait("the preference center", visible(part("prefs")))
	locked(ca, "CA preference center", shadow)

	// France, opt-in: the signal leaves marketing out of "accept all", and the
	// visitor may still turn it on.
	fr := b.newVisitor()
	fr.setHeader(countryHeader, "FR")
	fr.emulateGPC()
	fr.open("/demo?lang=en")
	fr.waitBanner()
	if got := eval[string](fr, part("gpc-notice")+`.textContent`); got != gpcHonoured {
		t.Errorf("the FR banner says %q, want %q", got, gpcHonoured)
	}
	fr.click("Customize", part("customize"))
	fr.wait("the preference center", visible(part("prefs")))
	if eval[bool](fr, part("category-marketing")+`.querySelector("input").disabled`) {
		t.Error("in an opt-in region the marketing switch is disabled")
	}
	fr.click("the Marketing switch", part("category-marketing")+`.querySelector("input")`)
	fr.click("Save", part("save"))
	fr.waitGranted("the French choice", necessary, marketing)
}

// TestGPCScreenshots takes the screenshots of the banner's GPC states in
// English, German and Arabic on a phone and a desktop, with
// CONSENTRY_SCREENSHOTS set (make screenshots does not: they are for a
// reviewer's eyes).
func TestGPCScreenshots(t *testing.T) {
	if os.Getenv("CONSENTRY_SCREENSHOTS") == "" {
		t.Skip("CONSENTRY_SCREENSHOTS not set")
	}
	b := startWith(t, func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		o.CountryHeader = countryHeader
	})
	b.publishDemo("CA notice", func(s *consent.Site) {
		s.Rules = map[string]consent.Mode{"CA": consent.Notice}
	})
	b.setHeader(countryHeader, "CA")
	b.emulateGPC()
	for _, lang := range []string{"en", "de", "ar"} {
		for _, w := range []int64{320, 1280} {
			b.do("setting the viewport", chromedp.EmulateViewport(w, 900))
			b.open("/demo?lang=" + lang)
			b.waitBanner()
			b.shotIfAsked(fmt.Sprintf("gpc-banner-%s-%d.png", lang, w))
			b.click("Customize", part("customize"))
			b.wait("the preference center", visible(part("prefs")))
			eval[bool](b, `(`+part("category-marketing")+`.scrollIntoView({block: "center"}), true)`)
			b.shotIfAsked(fmt.Sprintf("gpc-prefs-%s-%d.png", lang, w))
			b.open("/p/demo?lang=" + lang)
			eval[bool](b, `(`+onPage("category-marketing")+`.scrollIntoView({block: "center"}), true)`)
			b.shotIfAsked(fmt.Sprintf("gpc-page-%s-%d.png", lang, w))
		}
	}
}
