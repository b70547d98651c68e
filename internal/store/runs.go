package store

import (
	"fmt"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/words"
)

// Runs is what RecordRuns asks of a store, inside the transaction of one
// purge batch.
type Runs interface {
	// Hash returns the hash of a stored event; ok is false when it is not
	// stored.
	Hash(seq int64) (hash [32]byte, ok bool, err error)
	// Ending and Starting return the recorded run that ends, or starts, at
	// seq; nil when there is none.
	Ending(seq int64) (*ledger.Gap, error)
	Starting(seq int64) (*ledger.Gap, error)
	// Replace removes the runs starting at the seqs in remove and records g.
	Replace(remove []int64, g ledger.Gap) error
}

// RecordRuns records the events of one purge batch (in seq order, about to
// be removed by the purge numbered purge) as runs of consecutive seqs, each
// merged with a recorded run that ends just before it or starts just after
// it. Before it records a run it checks the run's events still chain to
// what comes before them, and that a run after them was recorded against
// the last one's hash: a purge never removes evidence that fails to verify
// (that is a *ledger.Break), so it cannot hide a change. Every store's
// PurgeBatch calls it; only the queries differ.
func RecordRuns(batch []*consent.Event, purge int64, r Runs) error {
	for i := 0; i < len(batch); {
		j := i
		for j+1 < len(batch) && batch[j+1].Seq == batch[j].Seq+1 {
			j++
		}
		run := batch[i : j+1]
		i = j + 1
		last := run[len(run)-1]
		g := ledger.Gap{First: run[0].Seq, Last: last.Seq, After: last.Hash, Purge: purge}
		var (
			remove []int64
			prev   [32]byte
		)
		left, err := r.Ending(g.First - 1)
		switch {
		case err != nil:
			return err
		case left != nil:
			g.First, g.Before, prev = left.First, left.Before, left.After
			remove = append(remove, left.First)
		case g.First > 1:
			h, ok, err := r.Hash(g.First - 1)
			if err != nil {
				return err
			}
			if !ok {
				return &ledger.Break{Seq: g.First - 1, ID: "before the purge", Reason: "this event is missing and no purge records its removal; run consentry verify",
					Where: words.Say("a_break_at_before_purge", map[string]words.Words{"Seq": words.WrittenInt(g.First - 1)}), Why: words.Say("a_break_purge_missing", nil)}
			}
			g.Before, prev = h, h
		}
		for _, e := range run {
			if b := ledger.Check(prev, e); b != nil {
				b.Reason, b.Why = "not purged: "+b.Reason, notPurged(b.Why)
				return b
			}
			prev = e.Hash
		}
		right, err := r.Starting(g.Last + 1)
		if err != nil {
			return err
		}
		if right != nil {
			if right.Before != g.After {
				return &ledger.Break{Seq: last.Seq, ID: last.ID.String(), Reason: fmt.Sprintf("not purged: its hash is not the one recorded when the events after it (#%d to #%d) were purged: it was changed", right.First, right.Last),
					Why: notPurged(words.Say("a_break_run_hash", map[string]words.Words{"First": words.WrittenInt(right.First), "Last": words.WrittenInt(right.Last)}))}
			}
			g.Last, g.After = right.Last, right.After
			remove = append(remove, right.First)
		}
		if err := r.Replace(remove, g); err != nil {
			return err
		}
	}
	return nil
}

// notPurged is why a purge stopped at a break, in words: why the event
// does not verify, after "not purged", as its Reason says it.
func notPurged(why words.Words) words.Words {
	return words.Say("a_break_not_purged", map[string]words.Words{"Reason": why})
}
