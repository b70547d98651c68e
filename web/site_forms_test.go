package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
)

// TestServiceEditKeepsWhatTheFormDoesNotShow: editing a catalog service's
// description keeps its catalog entry, hosts and message keys, and every
// cookie whose line comes back as shown; an edited line is that cookie anew.
func TestServiceEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	ctx := context.Background()
	_, page, _ := c.get("/admin/sites/demo")
	tok := csrfField.FindStringSubmatch(page)[1]
	if status, body, _ := c.post("/admin/sites/demo/catalog", url.Values{"_csrf": {tok}, "id": {"google-analytics"}}); status != http.StatusSeeOther {
		t.Fatalf("adding Google Analytics: %d %s", status, body)
	}
	before, _ := a.Store.Draft(ctx, "demo")
	n := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Catalog == "google-analytics" })
	own := slices.IndexFunc(before.Services, func(sv consent.Service) bool { return sv.Name == "Consentry" })
	edit := func(i int, change func(url.Values)) {
		t.Helper()
		_, page, _ := c.get("/admin/sites/demo?edit=" + strconv.Itoa(i))
		form := formFields(t, page, "service-form")
		change(form)
		if status, body, _ := c.post("/admin/sites/demo/services", form); status != http.StatusSeeOther {
			t.Fatalf("saving service %d: %d %.300s", i, status, body)
		}
	}
	edit(n, func(f url.Values) { f.Set("description", "Counts visits to the shop.") })
	edit(own, func(url.Values) {})
	after, _ := a.Store.Draft(ctx, "demo")
	ga, was := after.Services[n], before.Services[n]
	if ga.Description != "Counts visits to the shop." || ga.Catalog != was.Catalog || !slices.Equal(ga.Hosts, was.Hosts) ||
		ga.DescriptionKey != was.DescriptionKey || !slices.Equal(ga.Cookies, was.Cookies) {
		t.Errorf("Google Analytics after editing its description:\n%+v\nwas\n%+v", ga, was)
	}
	if got := consent.Diff(before, after); len(got) != 1 || got[0].Path != "services["+strconv.Itoa(n)+"].description" {
		t.Errorf("editing one description changed %+v", got)
	}
	// The demo's own cookie says "6 months", from before lifetimes were
	// counted in days; its line saved as shown keeps it so.
	if k := after.Services[own].Cookies[0]; k != before.Services[own].Cookies[0] {
		t.Errorf("the consentry cookie saved unchanged became %+v, was %+v", k, before.Services[own].Cookies[0])
	}
	edit(own, func(f url.Values) { f.Set("cookies", "consentry | 180 | persistent | Stores your consent decision") })
	after, _ = a.Store.Draft(ctx, "demo")
	if k := after.Services[own].Cookies[0]; k != (consent.Cookie{Name: "consentry", Provider: "Green Cross Pharmacy", Purpose: "Stores your consent decision", Days: 180}) {
		t.Errorf("the consentry cookie given 180 days became %+v", k)
	}
}
