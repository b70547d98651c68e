package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestOwnServiceFollowsTheSite: Consentry's own service is derived from
// the site (its provider is the site's name, its cookie lives as long as
// the site remembers a choice), not from the catalog. On a site stored
// before Consentry recorded the owner's fields (no overrides) and renamed
// and given another lifetime since, it is read following the site, not
// with the old name and lifetime taken for the owner's, and it offers the
// rename as one update; the next save of the site brings it along, and
// renaming the site again brings it along at once. Its provider stayed the
// old name for ever, inferred as the owner's, with no update offered.
func TestOwnServiceFollowsTheSite(t *testing.T) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	ctx := context.Background()
	var old consent.Site
	if err := json.Unmarshal(storetest.SiteBeforeOverrides, &old); err != nil {
		t.Fatal(err)
	}
	if own := old.Services[0]; own.Catalog != "consentry" || own.Provider != "Shop" || own.Cookies[0].Days != 183 {
		t.Fatalf("the old site's own service is %+v", own)
	}
	old.Name, old.Lifetime.Duration = "Shop Two", 30*24*time.Hour // as renamed then, its own service left as it was
	if _, err := a.Store.Publish(ctx, &old, nil); err != nil {
		t.Fatal(err)
	}
	d, err := a.Store.Draft(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Services[0].Overrides; got == nil || len(got) != 0 {
		t.Errorf("the own service's overrides are %q, want none: it follows the site", got)
	}
	_, page, _ := c.get("/admin/sites/shop")
	if n := strings.Count(page, `data-testid="catalog-update-consentry"`); n != 1 || !strings.Contains(page, "<del>Shop</del> → <ins>Shop Two</ins>") {
		t.Errorf("the editor offers %d updates of the own service, want the rename:\n%s", n, page)
	}
	follows := func(name string, days int) {
		t.Helper()
		d, err := a.Store.Draft(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		own := d.Services[0]
		if own.Provider != name || len(own.Cookies) != 1 || own.Cookies[0].Provider != name || own.Cookies[0].Days != days || len(own.Overrides) != 0 {
			t.Errorf("the own service of %q (%d days) is %+v", d.Name, days, own)
		}
		if _, page, _ := c.get("/admin/sites/shop"); strings.Contains(page, `data-testid="catalog-updates"`) {
			t.Errorf("the editor offers catalog updates")
		}
	}
	save := func(change func(f map[string][]string)) {
		t.Helper()
		_, page, _ := c.get("/admin/sites/shop")
		action, form := formFields(t, page, "basics")
		change(form)
		if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
			t.Fatalf("saving the basics: %d %.300s", status, body)
		}
	}
	save(func(map[string][]string) {})
	follows("Shop Two", 30)
	save(func(f map[string][]string) { f["name"], f["lifetime_days"] = []string{"Shop Three"}, []string{"90"} })
	follows("Shop Three", 90)
	live, _ := a.Store.Site(ctx, "shop")
	if d, _ := a.Store.Draft(ctx, "shop"); !slices.ContainsFunc(consent.Diff(live, d), func(ch consent.Change) bool { return ch.Path == "services[0].provider" }) {
		t.Error("the own service's new provider is not a change to publish")
	}
}
