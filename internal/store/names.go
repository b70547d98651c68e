package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"sync/atomic"
	"time"
)

// Erasures and purges leave user agents and pages (a browser's string, a
// page's address: personal data) that no event may name any more. Finding
// out is a look at every event, which ingest must not pay for with an index
// on each of them, nor wait for under the write lock. So an erasure or a
// purge batch only records the numbers its events named as candidates, in
// its own transaction (names_pending), and SweepNames removes those no
// event names: one pass over the events that holds no lock, then one short
// write that looks only at the events appended meanwhile.

// NameSweep is what a store gives SweepNames.
type NameSweep interface {
	// Pending reads up to limit candidate rows, oldest first.
	Pending(ctx context.Context, limit int) ([]Candidate, error)
	// Head is the seq of the newest event committed: every event appended
	// after this call gets a higher one.
	Head(ctx context.Context) (int64, error)
	// Named returns which of agents and pages the events with seq in
	// (after, upto] name, reading without holding up the writer.
	Named(ctx context.Context, after, upto int64, agents, pages []int64) (namedAgents, namedPages []int64, err error)
	// Remove, in one transaction that no batch of events commits beside,
	// looks at the events after seq mark for agents and pages (when there
	// are any), deletes those still unnamed, deletes the candidate rows,
	// and counts a removal in ledger_head.names_removed when it deleted
	// any (writers' caches); it returns how many it deleted. A candidate
	// row is deleted only once what it names was dealt with: a sweep
	// stopped in between leaves it for the next.
	Remove(ctx context.Context, mark int64, rows, agents, pages []int64) (int, error)
}

// Candidate is a row of names_pending: its own number, the number of the
// user agent, or the page when Page, that it names, and the seq after which
// the events that may name it are: 0 for an erasure's or a purge's, the
// ledger's head when it was stored for one of a new string (no event
// appended before a number was made can name it).
type Candidate struct {
	ID    int64
	Page  bool
	Name  int64
	After int64
}

// sweepChunk is how many seqs one statement of the pass reads at least:
// candidates found named are left out of the next statement, so a popular
// user agent costs one chunk, not a row per event naming it. With many
// candidates a chunk is longer (chunkPer a candidate), so that reading the
// list each statement costs less than reading the events.
const (
	sweepChunk = 1 << 16
	chunkPer   = 8
)

// sweepRows is how many candidate rows one pass takes; more wait for the
// next pass.
const sweepRows = 200_000

// catchUp is how many events appended during the pass are read again
// without the lock, rather than inside the short write: the write then
// reads at most about this many.
const catchUp = 5000

// Sweep removes the user agents and pages the pending candidates name that
// no event names, and returns how many. It is correct beside appends,
// erasures, purges and other sweeps: an event at or below a seq the pass
// read can only lose names (an erasure) or go (a purge), never gain one, so
// what the pass found unnamed there stays unnamed; events after it are
// read under the write lock. A candidate found named is cleared too: its
// events' own erasure or purge records it again. The pass starts after the
// lowest Candidate.After it read: when every candidate is a new string of
// a batch that never committed, it reads only the events since.
func Sweep(ctx context.Context, ns NameSweep) (removed int, err error) {
	for {
		pending, err := ns.Pending(ctx, sweepRows)
		if err != nil || len(pending) == 0 {
			return removed, err
		}
		rows := make([]int64, len(pending))
		a, p := map[int64]struct{}{}, map[int64]struct{}{}
		from := pending[0].After
		for i, c := range pending {
			rows[i], from = c.ID, min(from, c.After)
			if c.Page {
				p[c.Name] = struct{}{}
			} else {
				a[c.Name] = struct{}{}
			}
		}
		mark, err := ns.Head(ctx)
		if err != nil {
			return removed, err
		}
		if err := sweepRange(ctx, ns, from, mark, a, p); err != nil {
			return removed, err
		}
		// Events appended during the pass: read again off the lock while
		// there are many.
		for range 3 {
			head, err := ns.Head(ctx)
			if err != nil {
				return removed, err
			}
			if head-mark <= catchUp || len(a)+len(p) == 0 {
				break
			}
			if err := sweepRange(ctx, ns, mark, head, a, p); err != nil {
				return removed, err
			}
			mark = head
		}
		// Short writes: a few thousand numbers each, so that the writer
		// waits no longer for one than for a batch of its own.
		as, ps := sorted(a), sorted(p)
		for len(as)+len(ps) > 0 {
			ka := min(len(as), removeStep)
			kp := min(len(ps), removeStep-ka)
			n, err := ns.Remove(ctx, mark, nil, as[:ka], ps[:kp])
			removed += n
			if err != nil {
				return removed, err
			}
			as, ps = as[ka:], ps[kp:]
		}
		for done := rows; len(done) > 0; done = done[min(len(done), clearStep):] {
			if _, err := ns.Remove(ctx, mark, done[:min(len(done), clearStep)], nil, nil); err != nil {
				return removed, err
			}
		}
		if len(rows) < sweepRows {
			return removed, nil
		}
	}
}

// removeStep is how many user agents and pages one of the sweep's writes
// deletes at most, clearStep how many candidate rows.
const (
	removeStep = 2000
	clearStep  = 20000
)

// sweepRange drops from a and p what the events in (after, upto] name, a
// chunk a statement.
func sweepRange(ctx context.Context, ns NameSweep, after, upto int64, a, p map[int64]struct{}) error {
	for lo := after; lo < upto && len(a)+len(p) > 0; {
		hi := min(lo+max(sweepChunk, chunkPer*int64(len(a)+len(p))), upto)
		na, np, err := ns.Named(ctx, lo, hi, sorted(a), sorted(p))
		if err != nil {
			return err
		}
		for _, id := range na {
			delete(a, id)
		}
		for _, id := range np {
			delete(p, id)
		}
		lo = hi
	}
	return nil
}

// Without is ids without those in not.
func Without(ids, not []int64) []int64 {
	drop := setOf(not)
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { _, ok := drop[id]; return ok })
}

func setOf(ids []int64) map[int64]struct{} {
	m := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return m
}

func sorted(m map[int64]struct{}) []int64 { return slices.Sorted(maps.Keys(m)) }

// SweepDelay is how long after an erasure the background sweep starts:
// erasures made meanwhile (a batch of requests worked through in the
// console) share its pass over the events. SweepPoll is how often it looks
// for candidates it was not told of: another process's (a `consentry
// purge` beside the server, another instance), or ones left by a sweep
// that failed. Variables so that tests and benchmarks can change them
// before they open a store; nothing else does.
var (
	SweepDelay = 10 * time.Second
	SweepPoll  = 5 * time.Minute
)

// Sweeper runs a store's sweep in the background: SweepDelay after Kick,
// and every SweepPoll (the first time SweepDelay after it starts, for what
// an earlier process left). It counts every sweep of its store in this
// process (Sweep), and logs a background one that fails: the user agents
// and pages it should have deleted are personal data that stay stored
// until a sweep succeeds, and nobody else would hear of it.
type Sweeper struct {
	sweep  func(context.Context) (int, error)
	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	log    atomic.Pointer[slog.Logger]
	// runs, failed and removed are SweepStats.
	runs, failed, removed atomic.Uint64
}

// SweepStats counts a store's name sweeps in this process, the background
// ones and those its callers ran (a scheduled purge's): the metrics
// consentry_name_sweeps_total, consentry_name_sweeps_failed_total and
// consentry_names_removed_total.
type SweepStats struct {
	// Runs is how many sweeps ended, Failed how many of them failed. A
	// sweep whose context ended (the store closing) is neither: it was
	// stopped, and its candidates wait for the next.
	Runs, Failed uint64
	// Removed is how many user agents and pages they deleted.
	Removed uint64
}

// StartSweeper starts sweep's background runs. Their failures are logged
// to slog.Default() until SetLog names another logger.
func StartSweeper(sweep func(context.Context) (int, error)) *Sweeper {
	delay, poll := SweepDelay, SweepPoll
	ctx, cancel := context.WithCancel(context.Background())
	w := &Sweeper{sweep: sweep, kick: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		timer, tick := time.NewTimer(delay), time.NewTicker(poll)
		defer timer.Stop()
		defer tick.Stop()
		armed := true
		failures := 0
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.kick:
				if !armed {
					timer.Reset(delay)
					armed = true
				}
				continue
			case <-timer.C:
				armed = false
			case <-tick.C:
			}
			// A sweep that fails leaves its candidates for the next poll.
			n, err := w.Sweep(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				failures++
				w.logger().Error("name sweep failed: user agents and pages that erasures and purges left stay stored until a sweep succeeds",
					"error", ErrClass(err), "removed", n, "failures_in_a_row", failures, "next_try", poll.String())
			case failures > 0:
				w.logger().Info("name sweep succeeded again", "removed", n, "failures_before", failures)
				failures = 0
			}
		}
	}()
	return w
}

// Sweep runs the store's sweep now and counts it (SweepStats).
func (w *Sweeper) Sweep(ctx context.Context) (int, error) {
	n, err := w.sweep(ctx)
	w.removed.Add(uint64(n))
	if err != nil && ctx.Err() != nil {
		return n, err
	}
	w.runs.Add(1)
	if err != nil {
		w.failed.Add(1)
	}
	return n, err
}

// Stats is what the store's sweeps in this process came to.
func (w *Sweeper) Stats() SweepStats {
	return SweepStats{Runs: w.runs.Load(), Failed: w.failed.Load(), Removed: w.removed.Load()}
}

// SetLog sends the background sweeps' failures to log.
func (w *Sweeper) SetLog(log *slog.Logger) { w.log.Store(log) }

func (w *Sweeper) logger() *slog.Logger {
	if l := w.log.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// ErrClass names the kind of a store's error for a log line without its
// text, which a database may fill with what it read: the SQLSTATE of a
// PostgreSQL error, the result code of a SQLite one, a timeout, a
// cancellation or the network; "other" for anything else.
func ErrClass(err error) string {
	var (
		state interface{ SQLState() string }
		code  interface{ Code() int }
		nerr  net.Error
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &state):
		return "sqlstate " + state.SQLState()
	case errors.As(err, &code):
		return fmt.Sprintf("sqlite code %d", code.Code())
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &nerr):
		return "network"
	}
	return "other"
}

// Kick asks for a sweep SweepDelay from now, unless one is due sooner.
func (w *Sweeper) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Close stops the background sweeps, waiting for one running to give up.
func (w *Sweeper) Close() {
	w.cancel()
	<-w.done
}
