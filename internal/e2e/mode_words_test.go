package e2e

import (
	"strings"
	"testing"
)

// TestBannerSaysItsMode: the banner's body says what is true where the
// visitor is. In an opt-in region (France) nothing runs before the
// visitor's permission, and the body asks for it; in an opt-out region
// (the US) and a notice region (Canada) the site's other cookies run from
// the start, and the body says so instead of "with your permission". The
// region is picked by the country header, as a CDN sends it.
func TestBannerSaysItsMode(t *testing.T) {
	b := startRegions(t)
	for _, c := range []struct {
		country, mode string
		want, never   string // in English
	}{
		{"FR", "opt-in", "With your permission we would also like to use cookies to remember your preferences", "Unless you say no"},
		{"US", "opt-out", "Unless you say no, we also use cookies to remember your preferences", "permission"},
		{"CA", "notice", "We also use cookies to remember your preferences, measure how the site is used and show you relevant ads, unless you turn them off.", "permission"},
	} {
		for _, lang := range []string{"en", "ar"} {
			v := b.newVisitor()
			v.setHeader(countryHeader, c.country)
			v.open("/demo?lang=" + lang)
			v.waitBanner()
			v.shotIfAsked("banner-" + c.mode + "-" + lang + ".png")
			body := eval[string](v, part("banner")+`.querySelector("#cy-body").textContent`)
			if lang == "en" && (!strings.Contains(body, c.want) || strings.Contains(body, c.never)) {
				t.Errorf("%s (%s): the banner says %q; want %q in it, not %q", c.country, c.mode, body, c.want, c.never)
			}
			// The demo's own caption under its video: the video waits for
			// marketing in an opt-in region and plays unasked elsewhere.
			caption := eval[string](v, `document.querySelector('[data-testid="video-caption"]').textContent`)
			if lang == "en" && (c.mode == "opt-in") != strings.HasSuffix(caption, "Allow marketing cookies to watch it.") {
				t.Errorf("%s (%s): the video's caption says %q", c.country, c.mode, caption)
			}
			if lang == "en" && c.mode != "opt-in" && !strings.HasSuffix(caption, "It plays unless you turn them off.") {
				t.Errorf("%s (%s): the video's caption says %q", c.country, c.mode, caption)
			}
			if lang == "ar" && c.mode != "opt-in" && strings.Contains(body, "بإذنك") {
				t.Errorf("%s (%s), Arabic: the banner asks for permission: %q", c.country, c.mode, body)
			}
		}
	}
}
