package catalog_test

import (
	"slices"
	"testing"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
)

// TestProviderChangeIsOneUpdate: when a catalog service's provider changes
// (the site that Consentry's own service names is renamed; the catalog
// renames a vendor), the site is offered one update, of the provider: its
// cookies, which say the provider too, follow it. Renaming a site offered
// two for Consentry's own service, the second 'cookies consentry →
// consentry', which said nothing and was no other change.
func TestProviderChangeIsOneUpdate(t *testing.T) {
	ga, _ := catalog.Get("google-analytics")
	old := ga.Service()
	old.Provider = "Google Inc." // as the catalog named it before
	for i := range old.Cookies {
		old.Cookies[i].Provider = old.Provider
	}
	s := &consent.Site{ID: "shop", Name: "Shop", Categories: consent.BuiltInCategories(),
		Services: []consent.Service{consent.OwnService("Shop", 0), old}}
	s.Name = "Shop Two"
	type update struct{ service, field, old, new string }
	var got []update
	for _, u := range catalog.Updates(s) {
		got = append(got, update{u.Service, u.Field, u.Old, u.New})
	}
	want := []update{{"Consentry", "provider", "Shop", "Shop Two"}, {"Google Analytics 4", "provider", "Google Inc.", "Google"}}
	if !slices.Equal(got, want) {
		t.Errorf("updates %+v, want %+v", got, want)
	}
	catalog.Refresh(s)
	if s.Services[0].Cookies[0].Provider != "Shop Two" || s.Services[1].Cookies[0].Provider != "Google" || len(catalog.Updates(s)) != 0 {
		t.Errorf("taking the updates left %+v", s.Services)
	}
}
