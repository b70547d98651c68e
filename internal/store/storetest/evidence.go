package storetest

import (
	"context"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

// testLastEvent: the newest decision of a consent ID is one probe away, so a
// backend learns at once that a token was superseded, by a withdrawal too.
func testLastEvent(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := Event("shop", 0)
	other := Event("shop", 1)
	again := Event("shop", 2)
	again.ConsentID = first.ConsentID
	again.Action, again.Granted = consent.Withdraw, []string{"necessary"}
	if err := s.AppendBatch(ctx, []*consent.Event{first, other}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.LastEvent(ctx, first.ConsentID); err != nil || e.ID != first.ID {
		t.Fatalf("before the withdrawal: %v, %v; want %s", e, err, first.ID)
	}
	if err := s.AppendBatch(ctx, []*consent.Event{again, Event("shop", 3)}); err != nil {
		t.Fatal(err)
	}
	e, err := s.LastEvent(ctx, first.ConsentID)
	if err != nil || e.ID != again.ID || e.Action != consent.Withdraw || e.Seq != again.Seq {
		t.Fatalf("after the withdrawal: %+v, %v; want %s", e, err, again.ID)
	}
	if _, err := s.LastEvent(ctx, uuid.Must(uuid.NewV7())); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("unknown consent ID: %v, want not found", err)
	}
}
