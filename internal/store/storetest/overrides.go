package storetest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"slices"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

// SiteBeforeOverrides is a site's configuration as the stores kept it
// before Consentry recorded which fields of a catalog service the owner set
// (Service.Overrides): no "overrides" key. Its Klaviyo is named
// "Newsletter" and loads from static.klaviyo.com by the owner's choice; its
// Google Maps has the hosts the catalog had before it learnt
// google.com/maps; Mixpanel and Consentry's own service say what the
// catalog says.
//
//go:embed testdata/site-before-overrides.json
var SiteBeforeOverrides []byte

// overridesBefore are the owner's fields of SiteBeforeOverrides' services,
// by catalog ID, as a store reads them.
var overridesBefore = map[string][]string{
	"consentry": {}, "mixpanel": {}, "klaviyo": {"name", "hosts"}, "google-maps": {"hosts"},
}

// testOverridesOfOldSites: a site stored before overrides were recorded
// reads back, published and as a draft, with each field that differs from
// the catalog marked as the owner's, so that nothing the owner set follows
// the catalog; a service stored with its overrides keeps them as stored.
func testOverridesOfOldSites(t *testing.T, s store.Store) {
	ctx := context.Background()
	if bytes.Contains(SiteBeforeOverrides, []byte(`"overrides"`)) {
		t.Fatal("SiteBeforeOverrides has overrides")
	}
	var old consent.Site
	if err := json.Unmarshal(SiteBeforeOverrides, &old); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got *consent.Site, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, sv := range got.Services {
			if want := overridesBefore[sv.Catalog]; sv.Overrides == nil || !slices.Equal(sv.Overrides, want) {
				t.Errorf("%s: %s's overrides are %#v, want %q", what, sv.Catalog, sv.Overrides, want)
			}
		}
	}
	// As it was stored: the stores write no overrides for a service
	// that has none, the old shape.
	if _, err := s.Publish(ctx, &old, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Site(ctx, old.ID)
	check("published", got, err)
	got, err = s.Revision(ctx, old.ID, 1)
	check("revision 1", got, err)
	got, err = s.Draft(ctx, old.ID)
	check("draft of the published revision", got, err)
	list, err := s.SiteList(ctx)
	if err == nil && len(list) != 1 {
		t.Fatalf("site list: %d sites", len(list))
	}
	check("site list", list[0], err)
	old.ChangeNote = "saved as before"
	if err := s.SaveDraft(ctx, &old); err != nil {
		t.Fatal(err)
	}
	got, err = s.Draft(ctx, old.ID)
	check("draft", got, err)

	// Stored with its overrides (none): Google Maps follows the catalog
	// and has an update to take, not a field of the owner's.
	got.Services[3].Overrides = []string{}
	if err := s.SaveDraft(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Draft(ctx, old.ID); got.Services[3].Overrides == nil || len(got.Services[3].Overrides) != 0 {
		t.Errorf("Google Maps stored following the catalog reads back with overrides %#v", got.Services[3].Overrides)
	}
}
