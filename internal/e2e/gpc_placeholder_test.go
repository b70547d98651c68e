package e2e

import (
	"strings"
	"testing"
)

// TestGPCPlaceholderSaysSo: where Global Privacy Control is a binding
// opt-out (an opt-out or notice region), the demo video's placeholder says
// what the banner says (the signal keeps marketing off, and how to change
// that) and offers no "Allow Marketing", whose click recorded a decision
// without marketing and left the video blocked; "Load this once", the
// visitor's own request for this one video, still loads it. In an opt-in
// region the placeholder still offers to allow marketing. The demo's
// caption under the video agrees with it in each region.
func TestGPCPlaceholderSaysSo(t *testing.T) {
	b := startRegions(t)
	const ph = `document.querySelector("[data-consentry-placeholder]")?.shadowRoot?.querySelector('[data-testid="placeholder"]')`
	for _, c := range []struct {
		country string
		binds   bool
	}{{"US", true}, {"CA", true}, {"FR", false}} {
		v := b.newVisitor()
		v.setHeader(countryHeader, c.country)
		v.emulateGPC()
		v.open("/demo?lang=en")
		v.wait("the video's placeholder", visible(ph))
		eval[bool](v, `(document.querySelector("[data-consentry-placeholder]").scrollIntoView({block: "center"}), true)`)
		v.shotIfAsked("gpc-placeholder-" + c.country + ".png")
		text := eval[string](v, ph+`.textContent`)
		allow := eval[bool](v, `!!`+ph+`.querySelector('[data-testid="ph-allow"]')`)
		once := eval[bool](v, `!!`+ph+`.querySelector('[data-testid="ph-once"]')`)
		// The demo's own caption under the video says what the placeholder
		// says: where the signal binds, no choice on the page plays it.
		caption := eval[string](v, `document.querySelector('[data-testid="video-caption"]').textContent`)
		if c.binds != strings.HasSuffix(caption, "Your browser’s Global Privacy Control signal keeps them off, so it plays only if you load it once.") ||
			c.binds == strings.HasSuffix(caption, "Allow marketing cookies to watch it.") {
			t.Errorf("%s: the video's caption says %q", c.country, caption)
		}
		if c.binds {
			if !strings.Contains(text, gpcBinding) || strings.Contains(text, "until you allow") || allow || !once {
				t.Errorf("%s: the placeholder says %q, Allow %v, Load once %v; want %q, no Allow, Load once", c.country, text, allow, once, gpcBinding)
			}
			if c.country == "US" { // the signal's opt-out is recorded unasked: no banner covers the page
				v.wait("the recorded GPC opt-out", `!!(window.Consentry.get() || {}).consent_id`)
				v.click("Load this once", ph+`.querySelector('[data-testid="ph-once"]')`)
				v.wait("the video", `!!document.querySelector('iframe[data-consent="marketing"][src]') && !document.querySelector("[data-consentry-placeholder]")`)
			}
		} else if strings.Contains(text, gpcBinding) || !allow {
			t.Errorf("%s (opt-in): the placeholder says %q, Allow %v; want the choice to allow marketing", c.country, text, allow)
		}
	}
}
