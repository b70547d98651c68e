package web_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// TestRevisionCheckRefreshesKeptServices: the banner answer says the
// site's newest material revision (material), which the snippet keeps
// with the services it learnt, so that a newer material revision's
// services release nothing on an older decision. A revision check that
// names the revision the snippet's kept services are of (u) gets the
// texts-only answer, not the 204, when the site has published since, even
// an editorial revision: a host added to a service reaches the snippet
// within minutes, and autoblock does not hold that host as undeclared for
// good. Without u (builds released before), the 204 as before.
func TestRevisionCheckRefreshesKeptServices(t *testing.T) {
	a := newApp(t, 0)
	ctx := context.Background()
	const path = "/api/v1/sites/demo/banner?v=3&lang=en"
	type answer struct {
		HTML               string
		Revision, Material int
		Changed            bool
		Services           []struct {
			Name  string
			Hosts []string
		}
	}
	live, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	r1 := strconv.Itoa(live.Revision)
	first := decode[answer](t, do(a, req{"GET", path, "", nil}))
	if first.Material != live.Material() || first.Revision != live.Revision {
		t.Errorf("first answer: revision %d, material %d; want %d and %d", first.Revision, first.Material, live.Revision, live.Material())
	}
	for _, q := range []string{"&rev=" + r1 + "&u=" + r1, "&rev=" + r1} {
		if rec := do(a, req{"GET", path + q, "", nil}); rec.Code != http.StatusNoContent {
			t.Errorf("%s on the current revision: %d, want 204", q, rec.Code)
		}
	}

	// An editorial revision gives the demo's video service a host.
	next := *live
	next.Services = slices.Clone(live.Services)
	i := slices.IndexFunc(next.Services, func(s consent.Service) bool { return s.Category == consent.Marketing })
	next.Services[i].Hosts = []string{"video.example"}
	next.ChangeNote = "the video's host"
	next.PrepareRevision(live, true)
	rev2, err := a.Store.Publish(ctx, &next, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	r2 := strconv.Itoa(rev2)
	rec := do(a, req{"GET", path + "&rev=" + r1 + "&u=" + r1, "", nil})
	got := decode[answer](t, rec)
	if rec.Code != http.StatusOK || got.HTML != "" || got.Changed || got.Revision != rev2 || got.Material != live.Material() ||
		!slices.ContainsFunc(got.Services, func(s struct {
			Name  string
			Hosts []string
		}) bool {
			return slices.Contains(s.Hosts, "video.example")
		}) {
		t.Errorf("rev=%s&u=%s after the editorial revision %s: %d %+v; want the texts alone, the new host, material still %d", r1, r1, r2, rec.Code, got, live.Material())
	}
	for _, q := range []string{"&rev=" + r1 + "&u=" + r2, "&rev=" + r1} {
		if rec := do(a, req{"GET", path + q, "", nil}); rec.Code != http.StatusNoContent {
			t.Errorf("%s after the editorial revision: %d, want 204", q, rec.Code)
		}
	}

	// A material revision: the kept services' revision does not matter,
	// the banner comes back and says the new material revision.
	third := next
	third.ChangeNote = "a new vendor"
	third.Services = append(slices.Clone(next.Services), consent.Service{Name: "Vendor", Provider: "Vendor Inc.", Category: consent.Marketing, Hosts: []string{"vendor.example"}})
	third.PrepareRevision(&next, false)
	rev3, err := a.Store.Publish(ctx, &third, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Server.ForgetSites()
	got = decode[answer](t, do(a, req{"GET", path + "&rev=" + r1 + "&u=" + r2, "", nil}))
	if got.HTML == "" || !got.Changed || got.Material != rev3 || got.Revision != rev3 {
		t.Errorf("after the material revision %d: %+v; want the banner, changed, material %d", rev3, got, rev3)
	}
}
