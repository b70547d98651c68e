package storetest

import (
	"context"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// DownAndUp checks that migrations 00005 to 00008 can be undone and made
// again without losing evidence: it fills a store (a site, its snapshot,
// events of several choices across batches), closes it, lets migrate take
// the schema down to 00003 and up again, and checks with reopen's store
// that the ledger still verifies, every event reads back as it was and a
// new batch appends.
func DownAndUp(t *testing.T, s store.Store, migrate func() error, reopen func() store.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Publish(ctx, Site("shop"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSnapshot(ctx, Snapshot("shop")); err != nil {
		t.Fatal(err)
	}
	var all []*consent.Event
	for b := range 3 {
		var batch []*consent.Event
		for i := range 10 {
			e := Event("shop", b*10+i)
			e.Action = []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom}[i%3]
			batch = append(batch, e)
		}
		if err := s.AppendBatch(ctx, batch); err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
	}
	s.Close()
	if err := migrate(); err != nil {
		t.Fatalf("down and up again: %v", err)
	}
	s = reopen()
	defer s.Close()
	if err := s.AppendBatch(ctx, []*consent.Event{Event("shop", 99)}); err != nil {
		t.Fatalf("appending after down and up: %v", err)
	}
	seq, head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.Verifier
	if err := v.Run(ctx, s, nil); err != nil || v.Finish(seq, head) != nil || v.Count() != 31 {
		t.Fatalf("after down and up the ledger verifies %d events of 31: %v", v.Count(), err)
	}
	for _, want := range all {
		got, err := s.Event(ctx, want.ID)
		if err != nil || got.Action != want.Action || got.Hash != want.Hash {
			t.Fatalf("event %s after down and up: %+v, %v", want.ID, got, err)
		}
	}
}
