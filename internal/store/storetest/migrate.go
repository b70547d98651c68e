package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// OldShapeEvents returns n sealed events of several choices, as a store
// held them before a migration: tests write them in the old shape with
// SQL, migrate, and check them with CheckOldShapeEvents. The fourth is
// erased.
func OldShapeEvents(n int) []*consent.Event {
	var events []*consent.Event
	for i := range n {
		e := Event([]string{"shop", "blog"}[i%2], i)
		e.Action = []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom}[i%3]
		e.Country, e.Lang = []string{"FR", "DE", "US", ""}[i%4], []string{"fr", "de"}[i%2]
		e.Time = e.Time.Add(time.Duration(i) * time.Millisecond)
		e.Personal.UserAgent = "" // agents are a table of their own, not migrated
		events = append(events, e)
	}
	ledger.SealBatch(ledger.Head{}, events)
	events[3].Erased = &consent.Erasure{At: events[3].Time.Add(time.Hour), Reason: "Art. 17"}
	events[3].Personal, events[3].PIISalt = consent.Personal{}, nil
	return events
}

// CheckOldShapeEvents checks that a migrated store reads back every event
// as it was written, and that its ledger verifies.
func CheckOldShapeEvents(t *testing.T, s store.Store, events []*consent.Event) {
	t.Helper()
	ctx := context.Background()
	if n, err := verify(t, s); err != nil || n != int64(len(events)) {
		t.Fatalf("after the migration: %d events verified, %v", n, err)
	}
	for _, want := range events {
		got, err := s.Event(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event #%d after the migration:\n%+v\nwant\n%+v", want.Seq, got, want)
		}
	}
	page, err := s.Log(ctx, consent.LogQuery{Action: consent.Custom, Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page {
		if e.Action != consent.Custom || e.Country != "US" {
			t.Errorf("filtered log: %+v", e)
		}
	}
	if len(page) == 0 {
		t.Errorf("the log filtered by action and country finds nothing among %d events", len(events))
	}
}
