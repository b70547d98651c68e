package web_test

import (
	"context"
	"html"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// bodyOf is the text of the banner's body paragraph in a fragment or page.
var bodyOf = regexp.MustCompile(`<p(?: id="cy-body")?>([^<]*)</p>`)

// TestGPCBoundBannerSaysItWasHonoured: where Global Privacy Control binds
// (an opt-out region, the US, and a notice region, Canada, with Sec-GPC: 1),
// the banner's body no longer says the site uses marketing cookies "unless
// you say no" ("…show you relevant ads"): the signal keeps them off, and the
// note after the body says so. Nor does the banner offer "Do not sell or
// share", which the signal has done already. In every visitor language, in
// the snippet's banner and on the page for visitors without JavaScript;
// without the signal the body still names what marketing is for.
func TestGPCBoundBannerSaysItWasHonoured(t *testing.T) {
	a := newApp(t, 0, func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
		o.CountryHeader = "X-Country"
	})
	ctx := context.Background()
	site, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	site.Rules = map[string]consent.Mode{"US": consent.OptOut, "CA": consent.Notice}
	if _, err := a.Store.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Visitor {
		loc := bundle.For(l.Code).With(site.Texts[l.Code])
		ads, stats := loc.T("purpose_marketing"), loc.T("purpose_analytics")
		for _, country := range []string{"US", "CA"} {
			for _, gpc := range []string{"1", ""} {
				h := map[string]string{"X-Country": country, "Sec-GPC": gpc}
				banner := decode[struct {
					HTML string `json:"html"`
				}](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=" + l.Code, "", h})).HTML
				page := do(a, req{"GET", "/p/demo?lang=" + l.Code, "", h}).Body.String()
				for what, doc := range map[string]string{"banner": banner, "page without JavaScript": page} {
					var body string
					for _, m := range bodyOf.FindAllStringSubmatch(doc, -1) {
						if b := html.UnescapeString(m[1]); strings.Contains(b, stats) {
							body = b
						}
					}
					switch {
					case body == "":
						t.Errorf("%s, %s, GPC %q, %s: no body naming %q in:\n%s", l.Code, country, gpc, what, stats, doc)
					case gpc == "1" && strings.Contains(body, ads):
						t.Errorf("%s, %s, with GPC, %s: the body says %q, though the signal keeps marketing off: %q", l.Code, country, what, ads, body)
					case gpc == "" && !strings.Contains(body, ads):
						t.Errorf("%s, %s, without GPC, %s: the body leaves out %q: %q", l.Code, country, what, ads, body)
					}
					if gpc == "1" && !strings.Contains(doc, `data-testid="gpc-notice"`) {
						t.Errorf("%s, %s, with GPC, %s: no note that the signal was honoured", l.Code, country, what)
					}
				}
				if dns := strings.Contains(banner, `data-action="dns"`); dns != (country == "US" && gpc == "") {
					t.Errorf("%s, %s, GPC %q: the banner offers Do not sell or share: %v", l.Code, country, gpc, dns)
				}
			}
		}
	}
}
