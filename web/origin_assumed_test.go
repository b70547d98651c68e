package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestOriginWithoutSchemeIsSaid: an origin typed without a scheme, for a
// new site or under Basics, is saved with https:// and the next page says
// so, naming it; one typed with its scheme is saved as typed, silently.
func TestOriginWithoutSchemeIsSaid(t *testing.T) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	tok := c.pageToken()
	_, _, h := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"shop"}, "name": {"Shop"}, "origin": {"Shop.example"}})
	_, page, _ := c.get(h.Get("Location"))
	if !strings.Contains(page, `data-testid="origin-assumed"`) || !strings.Contains(page, "<code>https://shop.example</code>") {
		t.Errorf("after %s the page does not say https:// was assumed", h.Get("Location"))
	}
	if d, _ := a.Store.Draft(context.Background(), "shop"); d.Origins[0] != "https://shop.example" {
		t.Errorf("origins %v", d.Origins)
	}
	if _, page, _ = c.get("/admin/sites/shop"); strings.Contains(page, `data-testid="origin-assumed"`) {
		t.Error("the note stays on later visits")
	}
	_, _, h = c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"dev"}, "name": {"Dev"}, "origin": {"http://localhost:8080"}})
	if _, page, _ = c.get(h.Get("Location")); strings.Contains(page, `data-testid="origin-assumed"`) {
		t.Error("an origin with its scheme is said to be assumed")
	}
	_, _, h = c.post("/admin/sites/shop/basics", url.Values{"_csrf": {tok}, "name": {"Shop"}, "lifetime_days": {"183"},
		"origins": {"https://shop.example\nwww.shop.example"}, "layout": {"bar"}, "position": {"bottom"}})
	if _, page, _ = c.get(h.Get("Location")); !strings.Contains(page, "<code>https://www.shop.example</code>") || strings.Contains(page, "<code>https://shop.example</code>") {
		t.Errorf("after Basics (%s) the note does not name the one origin assumed", h.Get("Location"))
	}
}
