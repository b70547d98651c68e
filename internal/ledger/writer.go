package ledger

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/consentry/consentry/internal/consent"
)

// Appender is the part of a store the writer needs: append a batch of events
// in one transaction, sealing each into the chain, and return only once the
// transaction is durably committed.
type Appender interface {
	AppendBatch(ctx context.Context, events []*consent.Event) error
}

// ErrQueueFull is returned by Append when the writer cannot take more work;
// callers should tell their client to retry shortly.
var ErrQueueFull = consent.Errorf(consent.EUnavailable, "the consent log is busy; retry shortly")

// ErrClosed is returned by Append once the writer is shutting down.
var ErrClosed = consent.Errorf(consent.EUnavailable, "the consent log is shutting down; retry shortly")

type job struct {
	e    *consent.Event
	done chan error
}

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
	observer func(batch int)
}

// NewWriter starts a writer over store with a queue of queueSize events and
// batches of at most maxBatch. observe, when not nil, is told every batch size.
func NewWriter(store Appender, queueSize, maxBatch int, observe func(batch int)) *Writer {
	w := &Writer{
		store:    store,
		maxBatch: maxBatch,
		queue:    make(chan job, queueSize),
		stopped:  make(chan struct{}),
		observer: observe,
	}
	w.healthy.Store(true)
	go w.run()
	return w
}

// Append queues e and waits until it is durably committed. It fails at once
// with ErrQueueFull when the queue is full.
func (w *Writer) Append(ctx context.Context, e *consent.Event) error {
	j := job{e: e, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.queue <- j:
	default:
		w.mu.RUnlock()
		return ErrQueueFull
	}
	w.mu.RUnlock()
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Alive reports whether the writer is running and its last batch committed.
func (w *Writer) Alive() bool {
	select {
	case <-w.stopped:
		return false
	default:
		return w.healthy.Load()
	}
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
	for first := range w.queue {
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
		err := w.store.AppendBatch(context.Background(), events)
		w.healthy.Store(err == nil)
		if w.observer != nil {
			w.observer(len(batch))
		}
		for _, j := range batch {
			j.done <- err
		}
	}
}
