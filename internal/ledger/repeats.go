package ledger

import (
	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
)

// RequestIDs lists the distinct request IDs of a batch, for a store to look
// up which were recorded already.
func RequestIDs(events []*consent.Event) []uuid.UUID {
	var out []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, e := range events {
		if e.RequestID != uuid.Nil && !seen[e.RequestID] {
			seen[e.RequestID] = true
			out = append(out, e.RequestID)
		}
	}
	return out
}

// Repeats splits a batch before it is sealed. An event whose RequestID was
// recorded before (recorded maps it to that event's seq) or by an earlier
// event of the same batch is a repeat: a client's retry, not recorded again.
// Repeats returns the events to record and resolve, which the store calls
// once the batch has committed: it makes each repeat the event recorded
// first (load reads a stored one by seq) and marks it Repeat.
func Repeats(events []*consent.Event, recorded map[uuid.UUID]int64) (fresh []*consent.Event, resolve func(load func(seq int64) (*consent.Event, error)) error) {
	type repeat struct {
		e     *consent.Event
		first *consent.Event // in this batch, or nil: stored at seq
		seq   int64
	}
	var repeats []repeat
	firsts := map[uuid.UUID]*consent.Event{}
	for _, e := range events {
		if e.RequestID == uuid.Nil {
			fresh = append(fresh, e)
			continue
		}
		if seq, ok := recorded[e.RequestID]; ok {
			repeats = append(repeats, repeat{e: e, seq: seq})
			continue
		}
		if first, ok := firsts[e.RequestID]; ok {
			repeats = append(repeats, repeat{e: e, first: first})
			continue
		}
		firsts[e.RequestID] = e
		fresh = append(fresh, e)
	}
	resolve = func(load func(seq int64) (*consent.Event, error)) error {
		for _, r := range repeats {
			first := r.first
			if first == nil {
				var err error
				if first, err = load(r.seq); err != nil {
					return err
				}
			}
			id := r.e.RequestID
			*r.e = *first
			r.e.RequestID, r.e.Repeat = id, true
		}
		return nil
	}
	return fresh, resolve
}
