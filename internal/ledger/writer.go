package ledger

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// Appender is the part of a store the writer needs: append a batch of events
// in one transaction, sealing each into the chain, and return only once the
// transaction is durably committed. It must give up when ctx is done. With no
// events it appends nothing but still commits a write transaction: the
// writer's probe of whether the store can write again after a failure.
type Appender interface {
	AppendBatch(ctx context.Context, events []*consent.Event) error
}

// A Joiner is an Appender whose transactions may wait for a lock that other
// instances hold (PostgreSQL's ledger head). Once it holds the lock it calls
// join, and the events that queued while it waited commit in this
// transaction instead of waiting for the next: with several instances
// writing one ledger, each instance's batches stay as full as one
// instance's, and the commits they cost no more.
type Joiner interface {
	AppendJoining(ctx context.Context, events []*consent.Event, join Join) error
}

// Join hands a Joiner the events queued since its batch was taken, in order,
// as long as admit takes them (a store admits what it can write without a
// round trip of its own); the first that admit refuses starts the next batch.
type Join func(admit func(*consent.Event) bool) []*consent.Event

// ErrQueueFull is returned by Append when the writer cannot take more work;
// callers should tell their client to retry shortly.
var ErrQueueFull = consent.Errorf(consent.EUnavailable, "the consent log is busy; retry shortly")

// DefaultBatchTimeout is how long one batch may take before the writer gives
// up on it, so that a hung database shows as refused consents and an unready
// instance instead of requests waiting for ever. It is far above a healthy
// commit (milliseconds) and below what a visitor's browser waits.
const DefaultBatchTimeout = 5 * time.Second

// DefaultProbeEvery is how often a writer whose last commit failed tries an
// empty commit, so readiness comes back once the store can write again even
// when no traffic arrives (a load balancer sends none to an unready instance).
const DefaultProbeEvery = time.Second

// ErrClosed is returned by Append once the writer is shutting down.
var ErrClosed = consent.Errorf(consent.EUnavailable, "the consent log is shutting down; retry shortly")

type job struct {
	e    *consent.Event
	done chan error
}

// dones holds the channels on which the writer answers Append, each with
// room for the one answer: a channel goes back only once its answer has been
// received, so it is empty and nothing sends on it any more. Every consent
// waits on one; making a new one each time was an allocation a consent.
var dones = sync.Pool{New: func() any { return make(chan error, 1) }}

// Writer is the single goroutine that writes the consent log. It drains
// whatever has queued up into one batch and commits it in one transaction, so
// one fsync acknowledges many events under load, with no fixed linger that
// would slow a lone event down.
type Writer struct {
	store    Appender
	maxBatch int
	queue    chan job
	mu       sync.RWMutex
	closed   bool
	stopped  chan struct{}
	healthy  atomic.Bool
	busy     atomic.Int64 // when the batch in progress began (UnixNano), 0 when idle
	observer func(batch int)
	timeout  time.Duration
	probe    time.Duration
	log      *slog.Logger
}

// Option tunes a Writer.
type Option func(*Writer)

// BatchTimeout sets the deadline of each batch (default DefaultBatchTimeout).
func BatchTimeout(d time.Duration) Option { return func(w *Writer) { w.timeout = d } }

// ProbeEvery sets how often a failed writer probes the store (default
// DefaultProbeEvery).
func ProbeEvery(d time.Duration) Option { return func(w *Writer) { w.probe = d } }

// Logger sets where the writer reports that the store stopped or started
// accepting writes again (default slog.Default()).
func Logger(l *slog.Logger) Option { return func(w *Writer) { w.log = l } }

// NewWriter starts a writer over store with a queue of queueSize events and
// batches of at most maxBatch. observe, when not nil, is told every batch size.
func NewWriter(store Appender, queueSize, maxBatch int, observe func(batch int), opts ...Option) *Writer {
	w := &Writer{
		store:    store,
		maxBatch: maxBatch,
		queue:    make(chan job, queueSize),
		stopped:  make(chan struct{}),
		observer: observe,
		timeout:  DefaultBatchTimeout,
		probe:    DefaultProbeEvery,
		log:      slog.Default(),
	}
	for _, o := range opts {
		o(w)
	}
	w.healthy.Store(true)
	go w.run()
	return w
}

// Append queues e and waits until it is durably committed. It fails at once
// with ErrQueueFull when the queue is full.
func (w *Writer) Append(ctx context.Context, e *consent.Event) error {
	j := job{e: e, done: dones.Get().(chan error)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		dones.Put(j.done)
		return ErrClosed
	}
	select {
	case w.queue <- j:
	default:
		w.mu.RUnlock()
		dones.Put(j.done)
		return ErrQueueFull
	}
	w.mu.RUnlock()
	select {
	case err := <-j.done:
		dones.Put(j.done) // empty again, and the writer is done with it
		return err
	case <-ctx.Done():
		// The writer still answers on j.done: it is not reused.
		return consent.Wrap(consent.EUnavailable, ctx.Err(), "the consent log did not answer in time; retry shortly")
	}
}

// Alive reports whether the writer is running, its last batch (or probe)
// committed, and the batch in progress, if any, is within its deadline: a
// store that ignores its deadline still shows as not alive.
func (w *Writer) Alive() bool {
	select {
	case <-w.stopped:
		return false
	default:
	}
	if since := w.busy.Load(); since != 0 && time.Since(time.Unix(0, since)) > w.timeout {
		return false
	}
	return w.healthy.Load()
}

// QueueLen is the number of events waiting to be written.
func (w *Writer) QueueLen() int { return len(w.queue) }

// Close stops taking events, writes everything already queued and returns
// when the last batch is committed.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.stopped
}

func (w *Writer) run() {
	defer close(w.stopped)
	batch := make([]job, 0, w.maxBatch)
	events := make([]*consent.Event, 0, w.maxBatch)
	var (
		carried job  // the job a join refused: the first of the next batch
		carry   bool // whether there is one
	)
	// join adds what queued since the batch was taken to it, for a Joiner.
	join := func(admit func(*consent.Event) bool) []*consent.Event {
		from := len(events)
		for len(batch) < w.maxBatch && !carry {
			select {
			case j, ok := <-w.queue:
				if !ok {
					return events[from:]
				}
				if !admit(j.e) {
					carried, carry = j, true
					break
				}
				batch, events = append(batch, j), append(events, j.e)
			default:
				return events[from:]
			}
		}
		return events[from:]
	}
	for {
		first := carried
		if carry {
			carry = false
		} else {
			var ok bool
			if first, ok = w.next(); !ok {
				return
			}
		}
		batch = append(batch[:0], first)
	drain:
		for len(batch) < w.maxBatch {
			select {
			case j, ok := <-w.queue:
				if !ok {
					break drain
				}
				batch = append(batch, j)
			default:
				break drain
			}
		}
		events = events[:0]
		for _, j := range batch {
			events = append(events, j.e)
		}
		err := w.commit(events, join)
		if w.observer != nil && err == nil { // events committed: a failed batch committed none
			w.observer(len(batch))
		}
		for _, j := range batch {
			j.done <- err
		}
		// Let the requests just answered run before the next batch starts:
		// each answers its client and, under load, queues the next event,
		// so the next batch is fuller and the answers go out sooner. Not a
		// linger: with nothing else to run, this returns at once.
		runtime.Gosched()
	}
}

// next waits for the first job of the next batch. While the last commit has
// failed it probes the store every w.probe meanwhile, so that readiness
// recovers without traffic.
func (w *Writer) next() (job, bool) {
	for {
		if w.healthy.Load() {
			j, ok := <-w.queue
			return j, ok
		}
		t := time.NewTimer(w.probe)
		select {
		case j, ok := <-w.queue:
			t.Stop()
			return j, ok
		case <-t.C:
			w.commit(nil, nil)
		}
	}
}

// commit appends events (none: a probe) and, to a Joiner, those join adds,
// within the batch deadline. Any
// failure the store did not classify itself becomes EUnavailable: nothing of
// the batch was acknowledged, so the client's answer is to retry later (with
// the same request_id, which makes the retry safe even if the commit did land
// after all); a 500 would tell it nothing more. The cause stays in the error
// for the log. This is the one place every store's write failures pass, so
// each store needs no list of its driver's error codes.
func (w *Writer) commit(events []*consent.Event, join Join) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	w.busy.Store(time.Now().UnixNano())
	var err error
	if j, ok := w.store.(Joiner); ok && join != nil {
		err = j.AppendJoining(ctx, events, join)
	} else {
		err = w.store.AppendBatch(ctx, events)
	}
	w.busy.Store(0)
	var typed *consent.Error
	if err != nil && !errors.As(err, &typed) {
		err = consent.Wrap(consent.EUnavailable, err, "the consent log cannot be written right now; retry shortly")
	}
	failed := err != nil && (typed == nil || typed.Code == consent.EUnavailable || typed.Code == consent.EInternal)
	if was := w.healthy.Swap(!failed); was && failed {
		cause := err
		if typed == nil {
			cause = errors.Unwrap(err)
		}
		w.log.Error("ledger writer: the store cannot write; consents are refused with 503 until it can", "err", cause, "batch", len(events))
	} else if !was && !failed {
		w.log.Info("ledger writer: the store writes again; accepting consents")
	}
	return err
}
