package ledger

import (
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// Head is the newest link of the ledger: the sequence number and hash of the
// newest event and its time. A store keeps it in one row that every append
// locks, so that appends from any number of writers form one chain.
type Head struct {
	Seq  int64
	Hash [32]byte
	Time time.Time
}

// DayStart names the first event of a UTC day (days since the Unix epoch):
// stores keep these so that a date range becomes a range of seq.
type DayStart struct {
	Day int64
	Seq int64
}

// SealBatch chains events, in order, to head: each gets the next seq, a time
// no earlier than the event before it (its expiry moved with it, so that a
// consent lasts its lifetime from the time recorded), and its hash. It returns the new head
// and the days whose first event is in the batch. It does no I/O, so every
// store appends the same way: lock the head row, SealBatch, insert the events
// and write the new head, all in one transaction.
func SealBatch(head Head, events []*consent.Event) (Head, []DayStart) {
	var days []DayStart
	lastDay := int64(-1)
	if head.Seq > 0 {
		lastDay = consent.Day(head.Time)
	}
	for _, e := range events {
		head.Seq++
		e.Seq = head.Seq
		if e.Time.Before(head.Time) {
			e.Expires = e.Expires.Add(head.Time.Sub(e.Time))
			e.Time = head.Time
		}
		head.Time = e.Time
		if d := consent.Day(e.Time); d > lastDay {
			days = append(days, DayStart{Day: d, Seq: e.Seq})
			lastDay = d
		}
		Seal(e, head.Hash)
		head.Hash = e.Hash
	}
	return head, days
}
