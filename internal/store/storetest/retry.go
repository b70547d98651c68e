package storetest

import (
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// EventsWithRequests returns n events (Event from i = from) for site
// "shop", each with a request ID of its own.
func EventsWithRequests(from, n int) []*consent.Event {
	events := make([]*consent.Event, n)
	for i := range events {
		events[i] = Event("shop", from+i)
		events[i].RequestID = uuid.Must(uuid.NewV7())
	}
	return events
}

// CheckRetried checks a batch appended after the ledger's head seq with a
// retry of recorded[at] at at: the retry is answered with the event
// recorded first, and the others take the seqs after head in order. It
// returns the head after the batch.
func CheckRetried(t *testing.T, batch, recorded []*consent.Event, at int, head int64) int64 {
	t.Helper()
	for i, e := range batch {
		if i == at {
			if !e.Repeat || e.ID != recorded[at].ID || e.Seq != recorded[at].Seq {
				t.Fatalf("retry at %d answered %v seq %d (repeat %v), want %v seq %d", at, e.ID, e.Seq, e.Repeat, recorded[at].ID, recorded[at].Seq)
			}
			continue
		}
		head++
		if e.Repeat || e.Seq != head {
			t.Fatalf("batch with a retry at %d: event %d has seq %d (repeat %v), want %d", at, i, e.Seq, e.Repeat, head)
		}
	}
	return head
}
