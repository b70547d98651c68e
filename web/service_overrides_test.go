package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

// TestServiceEditRecordsOverrides: a catalog service edited in the
// console's service form, as a browser submits it, stays linked to its
// catalog entry; the fields the owner changed are theirs (not offered as
// catalog updates, written in the export), the others keep following the
// catalog, a pending update of a field left alone included, and a field
// set back to the catalog's follows it again. An edited name showed as a
// catalog update that would undo it, and left the exported file.
func TestServiceEditRecordsOverrides(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	ctx := context.Background()
	for _, id := range []string{"youtube", "google-maps"} {
		if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {id}}); status != http.StatusSeeOther {
			t.Fatalf("add %s: %d %.300s", id, status, body)
		}
	}
	// Google Maps as added before the catalog learnt google.com/maps.
	d, _ := a.Store.Draft(ctx, "shop")
	yt, maps := len(d.Services)-2, len(d.Services)-1
	d.Services[maps].Hosts = slices.DeleteFunc(d.Services[maps].Hosts, func(h string) bool { return h == "google.com/maps" })
	if err := a.Store.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	edit := func(i int, change func(url.Values)) *consent.Site {
		t.Helper()
		_, page, _ := c.get("/admin/sites/shop?edit=" + strconv.Itoa(i))
		action, form := formFields(t, page, "service-form")
		change(form)
		if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
			t.Fatalf("saving service %d: %d %.300s", i, status, body)
		}
		d, err := a.Store.Draft(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	entry, _ := catalog.Get("youtube")
	d = edit(yt, func(f url.Values) {
		f.Set("name", "Videos")
		f.Set("hosts", "youtube-nocookie.com\r\nytimg.com")
	})
	sv := d.Services[yt]
	if sv.Catalog != "youtube" || !slices.Equal(sv.Overrides, []string{"name", "hosts"}) || sv.Name != "Videos" ||
		!slices.Equal(sv.Hosts, []string{"youtube-nocookie.com", "ytimg.com"}) || !slices.Equal(sv.Cookies, entry.Service().Cookies) || sv.Provider != entry.Provider {
		t.Errorf("YouTube after editing its name and hosts: %+v", sv)
	}
	d = edit(maps, func(f url.Values) { f.Set("policy_url", "https://maps.example/privacy") })
	if sv := d.Services[maps]; sv.Catalog != "google-maps" || !slices.Equal(sv.Overrides, []string{"policy_url"}) || slices.Contains(sv.Hosts, "google.com/maps") {
		t.Errorf("Google Maps after editing its privacy link: %+v", sv)
	}
	var updates []string
	for _, u := range catalog.Updates(d) {
		updates = append(updates, u.String())
	}
	if want := []string{"Google Maps: hosts + google.com/maps"}; !slices.Equal(updates, want) {
		t.Errorf("catalog updates after the edits: %q, want %q", updates, want)
	}
	_, page, _ := c.get("/admin/sites/shop")
	if strings.Contains(page, `data-testid="catalog-update-youtube"`) || !strings.Contains(page, `data-testid="catalog-update-google-maps"`) {
		t.Error("the editor's catalog updates are not Google Maps' new host alone")
	}
	yml, err := siteyaml.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  - catalog: youtube\n    name: Videos\n    hosts:\n      - youtube-nocookie.com\n      - ytimg.com\n",
		"  - catalog: google-maps\n    policy_url: https://maps.example/privacy\n",
	} {
		if !strings.Contains(string(yml), want) {
			t.Errorf("the export lacks\n%s\nit is\n%s", want, yml)
		}
	}

	// A provider of the owner's: the cookies, sent back as shown, keep
	// following the catalog and its provider, as they do from YAML.
	mapsEntry, _ := catalog.Get("google-maps")
	d = edit(maps, func(f url.Values) { f.Set("provider", "Google Ireland") })
	if sv := d.Services[maps]; !slices.Equal(sv.Overrides, []string{"provider", "policy_url"}) || !slices.Equal(sv.Cookies, mapsEntry.Service().Cookies) {
		t.Errorf("Google Maps after editing its provider: %+v", sv)
	}

	// The catalog's name again, typed: it follows the catalog again.
	d = edit(yt, func(f url.Values) { f.Set("name", "YouTube") })
	if sv := d.Services[yt]; sv.Catalog != "youtube" || !slices.Equal(sv.Overrides, []string{"hosts"}) {
		t.Errorf("YouTube named as the catalog names it: %+v", sv)
	}
}

// TestEmptiedServiceFieldFollowsTheCatalog: a catalog service's hosts
// emptied in the service form follow the catalog again, as an emptied name
// does and as README says ("An empty field follows the catalog"); they were
// kept as the owner's empty list, so autoblock held nothing of the service
// back while the exported file, which cannot say an empty list, brought the
// catalog's hosts back on the next apply.
func TestEmptiedServiceFieldFollowsTheCatalog(t *testing.T) {
	a, c, tok := ownerOfShop(t)
	if status, body, _ := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"youtube"}}); status != http.StatusSeeOther {
		t.Fatalf("add youtube: %d %.300s", status, body)
	}
	d, _ := a.Store.Draft(context.Background(), "shop")
	yt := len(d.Services) - 1
	_, page, _ := c.get("/admin/sites/shop?edit=" + strconv.Itoa(yt))
	action, form := formFields(t, page, "service-form")
	form.Set("hosts", "")
	if status, body, _ := c.post(action, form); status != http.StatusSeeOther {
		t.Fatalf("saving YouTube without hosts: %d %.300s", status, body)
	}
	d, _ = a.Store.Draft(context.Background(), "shop")
	entry, _ := catalog.Get("youtube")
	if sv := d.Services[yt]; len(sv.Overrides) != 0 || !slices.Equal(sv.Hosts, entry.Hosts) {
		t.Errorf("YouTube with its hosts emptied: hosts %q, overrides %q; want the catalog's %q and none", sv.Hosts, sv.Overrides, entry.Hosts)
	}
}
