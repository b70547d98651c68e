package ledger

import (
	"context"
	"math"

	"github.com/consentry/consentry/internal/consent"
)

// Gap is a run of consecutive events that retention purges removed, as the
// store records it: enough to verify the ledger across the hole. The chain
// is one sequence over every site, so purging one site's old events leaves
// a run for each stretch of that site's events between other sites' ones;
// adjacent runs are merged as they are recorded, so purging every site's
// prefix leaves one.
type Gap struct {
	// First and Last are the seqs of the first and last event removed.
	First, Last int64
	// Before is the hash of the event before First when the run was
	// removed (zero when First is 1): that event must still hash to it.
	Before [32]byte
	// After is the hash of the event at Last: the event after the run is
	// chained to it.
	After [32]byte
	// Purge is the record of the purge that removed the run's newest part.
	Purge int64
}

// Count is how many events the run removed.
func (g Gap) Count() int64 { return g.Last - g.First + 1 }

// Source is what a verification reads from a store: the events in ledger
// order and the purged runs.
type Source interface {
	// Walk calls fn for every event after seq in ledger order.
	Walk(ctx context.Context, after int64, fn func(*consent.Event) error) error
	// Gaps returns up to limit purged runs that end after seq, in order.
	Gaps(ctx context.Context, after int64, limit int) ([]Gap, error)
}

// gapPage is how many purged runs Run reads at a time.
const gapPage = 1000

// Run verifies the ledger from where v stands to its end: every event, in
// order, with the purged runs crossed where they fall (read a page at a
// time, so memory stays constant however many there are). each, when not
// nil, is called after every event that verifies; an error from it stops
// the walk and is returned.
func (v *Verifier) Run(ctx context.Context, src Source, each func(*consent.Event) error) error {
	var (
		buf    []Gap
		cursor = v.seq
		done   bool
	)
	// crossUpTo crosses every purged run that starts at or before seq.
	crossUpTo := func(seq int64) error {
		for {
			if len(buf) == 0 && !done {
				var err error
				if buf, err = src.Gaps(ctx, cursor, gapPage); err != nil {
					return err
				}
				done = len(buf) < gapPage
				if len(buf) > 0 {
					cursor = buf[len(buf)-1].Last
				}
			}
			if len(buf) == 0 || buf[0].First > seq {
				return nil
			}
			if err := v.Gap(buf[0]); err != nil {
				return err
			}
			buf = buf[1:]
		}
	}
	err := src.Walk(ctx, v.seq, func(e *consent.Event) error {
		if err := crossUpTo(e.Seq); err != nil {
			return err
		}
		if err := v.Next(e); err != nil {
			return err
		}
		if each != nil {
			return each(e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return crossUpTo(math.MaxInt64)
}
