package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

// testPublishKeepsDraft: a revision published around the draft an owner
// is editing keeps that draft (as given: the new address added to it) in
// the same transaction. A draft SaveDraft would refuse, and a failure
// after the publication's first writes (the context ended while its texts
// are made), publish nothing and leave the draft as it was; a nil draft is
// discarded as Publish does.
func testPublishKeepsDraft(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Publish(ctx, Site("shop"), texts); err != nil {
		t.Fatal(err)
	}
	draft, err := s.Draft(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	draft.Name = "Shop, being edited"
	if err := s.SaveDraft(ctx, draft); err != nil {
		t.Fatal(err)
	}
	const www = "https://www.shop.example"
	next, kept := Site("shop"), *draft
	next.Origins = append(next.Origins, www)
	kept.Origins = slices.Concat(kept.Origins, []string{www})
	unchanged := func(when string) {
		t.Helper()
		if live, err := s.Site(ctx, "shop"); err != nil || live.Revision != 1 || live.AllowsOrigin(www) {
			t.Errorf("%s: the live site is revision %d, origins %v (%v); want 1 unchanged", when, live.Revision, live.Origins, err)
		}
		if d, err := s.Draft(ctx, "shop"); err != nil || d.Name != draft.Name || d.AllowsOrigin(www) {
			t.Errorf("%s: the draft became %q, origins %v (%v); want it as it was", when, d.Name, d.Origins, err)
		}
	}

	bad := kept
	bad.Origins = []string{"ftp://x"}
	if _, err := s.PublishKeeping(ctx, next, texts, &bad); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("an invalid draft: %v, want invalid", err)
	}
	unchanged("an invalid draft")
	other := kept
	other.ID = "blog"
	if _, err := s.PublishKeeping(ctx, next, texts, &other); err == nil {
		t.Error("another site's draft was kept")
	}
	unchanged("another site's draft")
	ended, cancel := context.WithCancel(ctx)
	if _, err := s.PublishKeeping(ended, next, func(site *consent.Site) []consent.Snapshot { cancel(); return texts(site) }, &kept); err == nil {
		t.Error("a publication whose context ended while its texts were made succeeded")
	}
	unchanged("a failed publication")

	if rev, err := s.PublishKeeping(ctx, next, texts, &kept); err != nil || rev != 2 {
		t.Fatalf("publish keeping the draft: %d, %v", rev, err)
	}
	live, err := s.Site(ctx, "shop")
	if err != nil || live.Revision != 2 || !live.AllowsOrigin(www) || live.Name != next.Name {
		t.Fatalf("the live site: %+v, %v", live, err)
	}
	if snap, err := s.Snapshot(ctx, "shop", 2, "fr"); err != nil || snap.Revision != 2 {
		t.Errorf("the revision's texts: %+v, %v", snap, err)
	}
	d, err := s.Draft(ctx, "shop")
	if err != nil || d.Name != draft.Name || !d.AllowsOrigin(www) || d.Revision != 2 {
		t.Fatalf("the kept draft: %q, origins %v, revision %d (%v)", d.Name, d.Origins, d.Revision, err)
	}
	if rev, err := s.PublishKeeping(ctx, Site("shop"), nil, nil); err != nil || rev != 3 {
		t.Fatalf("publish with no draft: %d, %v", rev, err)
	}
	if d, err := s.Draft(ctx, "shop"); err != nil || d.Name != Site("shop").Name || d.Revision != 3 {
		t.Errorf("a nil draft: the draft is %q of revision %d (%v); want the published revision", d.Name, d.Revision, err)
	}
}
