package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestCatalogUpdatesInTheConsole: when the catalog learns a host of a
// service a site added from it (Google Maps' google.com/maps), the site
// editor says so; taking the update puts it in the draft, where it is
// published as a revision like any other change, and a field the owner
// set is left alone.
func TestCatalogUpdatesInTheConsole(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	for _, id := range []string{"google-maps", "youtube"} {
		if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {id}}); status != http.StatusSeeOther {
			t.Fatalf("add %s: %d %.300s", id, status, body)
		}
	}
	if _, page, _ := c.get("/admin/sites/shop"); strings.Contains(page, `data-testid="catalog-updates"`) {
		t.Error("catalog updates offered for services just added")
	}
	// As stored before the catalog knew google.com/maps; YouTube's hosts
	// are the owner's own.
	ctx := context.Background()
	d, _ := a.Store.Draft(ctx, "shop")
	maps, yt := &d.Services[len(d.Services)-2], &d.Services[len(d.Services)-1]
	maps.Hosts = slices.DeleteFunc(maps.Hosts, func(h string) bool { return h == "google.com/maps" })
	yt.Hosts, yt.Overrides = []string{"youtube-nocookie.com"}, []string{"hosts"}
	if err := a.Store.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "change_note": {"first"}}); status != http.StatusSeeOther {
		t.Fatalf("publish: %d %.300s", status, body)
	}

	_, page, _ := c.get("/admin/sites/shop")
	if !strings.Contains(page, `data-testid="catalog-update-google-maps"`) || !strings.Contains(page, "google.com/maps") || strings.Contains(page, `data-testid="catalog-update-youtube"`) {
		t.Fatalf("the editor does not offer Google Maps' new host alone:\n%s", page)
	}
	if status, body, _ := c.post("/admin/sites/shop/catalog/update", url.Values{"_csrf": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("take the update: %d %.300s", status, body)
	}
	d, _ = a.Store.Draft(ctx, "shop")
	if got := d.Services[len(d.Services)-2].Hosts; !slices.Contains(got, "google.com/maps") {
		t.Errorf("Google Maps' hosts after the update: %v", got)
	}
	if got := d.Services[len(d.Services)-1].Hosts; !slices.Equal(got, []string{"youtube-nocookie.com"}) {
		t.Errorf("the owner's YouTube hosts became %v", got)
	}
	if len(catalog.Updates(d)) != 0 {
		t.Error("updates left in the draft")
	}
	_, page, _ = c.get("/admin/sites/shop")
	if strings.Contains(page, `data-testid="catalog-updates"`) || !strings.Contains(page, `data-testid="publish-form"`) || !strings.Contains(page, "google.com/maps") {
		t.Error("after taking the update, the editor does not offer to publish it")
	}
	if !strings.Contains(page, `value="editorial" checked`) {
		t.Error("a host update is not offered as an editorial revision")
	}
	if status, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {"editorial"}, "change_note": {"catalog update"}}); status != http.StatusSeeOther {
		t.Fatalf("publish the update: %d %.300s", status, body)
	}
	live, _ := a.Store.Site(ctx, "shop")
	if live.Revision != 2 || !live.Editorial || !slices.Contains(live.Services[len(live.Services)-2].Hosts, "google.com/maps") {
		t.Errorf("revision %d (editorial %t) hosts %v", live.Revision, live.Editorial, live.Services[len(live.Services)-2].Hosts)
	}
	if rec := do(a, req{"GET", "/api/v1/sites/shop/banner", "", nil}); !strings.Contains(rec.Body.String(), "google.com/maps") {
		t.Error("the banner's services lack the new host")
	}
}

// TestOldSiteShowsNoUpdatesForTheOwnersFields: a site published before
// Consentry recorded which fields of a catalog service the owner set (its
// stored configuration has no overrides) shows no catalog updates in the
// site editor: its Klaviyo named "Newsletter" and loading from
// static.klaviyo.com, and its Google Maps' hosts, are kept as stored. They
// were listed as updates to take, which would have undone them.
func TestOldSiteShowsNoUpdatesForTheOwnersFields(t *testing.T) {
	a, c := signedIn(t, "owner@shop.example", auth.Admin)
	var old consent.Site
	if err := json.Unmarshal(storetest.SiteBeforeOverrides, &old); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.Publish(context.Background(), &old, nil); err != nil {
		t.Fatal(err)
	}
	_, page, _ := c.get("/admin/sites/shop")
	if strings.Contains(page, `data-testid="catalog-updates"`) {
		t.Error("the editor offers catalog updates of the owner's fields")
	}
	if !strings.Contains(page, "Newsletter") || !strings.Contains(page, `data-testid="no-changes"`) {
		t.Error("the editor does not show the site as stored, with nothing to publish")
	}
}
