package ledger_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
)

func chain(n int) []*consent.Event {
	var prev [32]byte
	out := make([]*consent.Event, n)
	for i := range out {
		e := &consent.Event{
			Seq: int64(i + 1), ID: uuid.Must(uuid.NewV7()), ConsentID: uuid.Must(uuid.NewV7()), Site: "shop",
			Revision: 1, Action: consent.AcceptAll, Granted: []string{"analytics", "necessary"},
			Time: time.Unix(1700000000+int64(i), 0), Expires: time.Unix(1710000000, 0),
			Personal: consent.Personal{IP: "203.0.113.0", UserAgent: "UA", Page: "https://shop.example/"},
		}
		ledger.Seal(e, prev)
		prev = e.Hash
		out[i] = e
	}
	return out
}

func verify(events []*consent.Event) error {
	var v ledger.Verifier
	for _, e := range events {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	last := events[len(events)-1]
	return v.Finish(last.Seq, last.Hash)
}

func TestVerifyIntact(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatal(err)
	}
}

// brokenAt is where err, a ledger break, says the ledger is broken. Its
// words, as the audit trail shows them in English, must say what its
// error says.
func brokenAt(t *testing.T, err error) int64 {
	t.Helper()
	var b *ledger.Break
	if !errors.As(err, &b) {
		t.Fatalf("err = %v, want a ledger break", err)
	}
	bundle, lerr := i18n.Load()
	if lerr != nil {
		t.Fatal(lerr)
	}
	if got, want := templates.AuditDetailWords(bundle.For("en"), auth.AuditEntry{Detail: "?", Words: b.Words()}), "L"+b.Error()[1:]; got != want {
		t.Errorf("the break's words say\n%q\nits error\n%q", got, want)
	}
	return b.Seq
}

func TestVerifyFindsTampering(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]*consent.Event) []*consent.Event
		want int64
	}{
		{"granted changed", func(es []*consent.Event) []*consent.Event { es[2].Granted = []string{"necessary"}; return es }, 3},
		{"time changed", func(es []*consent.Event) []*consent.Event { es[1].Time = es[1].Time.Add(time.Hour); return es }, 2},
		{"ip changed", func(es []*consent.Event) []*consent.Event { es[3].Personal.IP = "198.51.100.0"; return es }, 4},
		{"middle removed", func(es []*consent.Event) []*consent.Event { return append(es[:2], es[3:]...) }, 4},
		{"first removed", func(es []*consent.Event) []*consent.Event { return es[1:] }, 2},
		{"rehashed in place", func(es []*consent.Event) []*consent.Event {
			es[1].Action = consent.RejectAll
			ledger.Seal(es[1], es[0].Hash) // a forger re-seals one event...
			return es                      // ...but the next link still names the old hash
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := brokenAt(t, verify(tc.edit(chain(5)))); got != tc.want {
				t.Errorf("broken at #%d, want #%d", got, tc.want)
			}
		})
	}
}

func TestVerifyFindsRemovedNewest(t *testing.T) {
	es := chain(5)
	head := es[4]
	var v ledger.Verifier
	for _, e := range es[:4] {
		if err := v.Next(e); err != nil {
			t.Fatal(err)
		}
	}
	if got := brokenAt(t, v.Finish(head.Seq, head.Hash)); got != 4 {
		t.Errorf("broken at #%d, want #4", got)
	}
}

func TestErasedEventStillVerifies(t *testing.T) {
	es := chain(3)
	es[1].Personal = consent.Personal{}
	es[1].PIISalt = nil
	es[1].Erased = &consent.Erasure{At: time.Now(), Reason: "Art. 17 request"}
	if err := verify(es); err != nil {
		t.Fatal(err)
	}
	es[1].Erased = nil // claiming values that were never there is caught
	if brokenAt(t, verify(es)) != 2 {
		t.Error("wrong event")
	}
}

// memStore stands in for a database only to observe how the writer batches
// and acknowledges; the real stores have their own tests. With a gate, each
// batch announces itself on entered and then waits for the gate to open, so
// a test knows exactly what the writer holds.
type memStore struct {
	mu      sync.Mutex
	gate    chan struct{}
	entered chan int
	batches []int
	fail    error
	probes  int
}

func (m *memStore) AppendBatch(ctx context.Context, es []*consent.Event) error {
	if m.entered != nil {
		m.entered <- len(es)
	}
	if m.gate != nil {
		select {
		case <-m.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(es) == 0 {
		m.probes++
	} else {
		m.batches = append(m.batches, len(es))
	}
	return m.fail
}

func (m *memStore) setFail(err error) {
	m.mu.Lock()
	m.fail = err
	m.mu.Unlock()
}

// holdFirst appends one event and returns once the writer holds it at the
// gate, so what is appended next is queued, whatever the scheduler does.
func holdFirst(t *testing.T, w *ledger.Writer, m *memStore) <-chan error {
	t.Helper()
	first := make(chan error, 1)
	go func() { first <- w.Append(context.Background(), &consent.Event{}) }()
	if n := <-m.entered; n != 1 {
		t.Fatalf("first batch holds %d events, want 1", n)
	}
	return first
}

func waitQueue(w *ledger.Writer, n int) {
	for w.QueueLen() < n {
		time.Sleep(time.Millisecond)
	}
}

func TestWriterBatchesWhatQueued(t *testing.T) {
	m := &memStore{gate: make(chan struct{}), entered: make(chan int, 100)}
	w := ledger.NewWriter(m, 100, 10, nil)
	first := holdFirst(t, w, m)
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for range 24 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- w.Append(context.Background(), &consent.Event{}) }()
	}
	waitQueue(w, 24)
	close(m.gate)
	wg.Wait()
	close(errs)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if want := []int{1, 10, 10, 4}; !slices.Equal(m.batches, want) {
		t.Errorf("batches %v, want %v: one held, then the queue drained in full batches", m.batches, want)
	}
}

// joinStore is a Joiner that, like memStore, holds each batch at its gate
// (where a real store waits for another instance's lock) and then joins what
// queued meanwhile, admitting no event of site "new".
type joinStore struct {
	gate    chan struct{}
	entered chan int
	batches [][]string // the sites of each batch's events, in order
}

func (j *joinStore) AppendBatch(ctx context.Context, es []*consent.Event) error {
	return j.AppendJoining(ctx, es, nil)
}

func (j *joinStore) AppendJoining(ctx context.Context, es []*consent.Event, join ledger.Join) error {
	j.entered <- len(es)
	<-j.gate
	if join != nil {
		es = slices.Concat(es, join(func(e *consent.Event) bool { return e.Site != "new" }))
	}
	var sites []string
	for _, e := range es {
		sites = append(sites, e.Site)
	}
	if len(sites) > 0 {
		j.batches = append(j.batches, sites)
	}
	return nil
}

// A Joiner's batch takes in what queued while it waited for its lock, up to
// the first event it does not admit, which starts the next batch; the
// writer's maximum still holds, and every event is acknowledged once.
func TestWriterJoinsWhatQueuedWhileLocked(t *testing.T) {
	j := &joinStore{gate: make(chan struct{}), entered: make(chan int, 100)}
	w := ledger.NewWriter(j, 100, 4, nil)
	errs := make(chan error, 10)
	appendSite := func(site string) {
		n := w.QueueLen()
		go func() { errs <- w.Append(context.Background(), &consent.Event{Site: site}) }()
		waitQueue(w, n+1)
	}
	go func() { errs <- w.Append(context.Background(), &consent.Event{Site: "a"}) }()
	if n := <-j.entered; n != 1 {
		t.Fatalf("first batch holds %d events, want 1", n)
	}
	for _, site := range []string{"b", "c", "new", "d", "e", "f", "g"} {
		appendSite(site)
	}
	close(j.gate)
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	want := [][]string{{"a", "b", "c"}, {"new", "d", "e", "f"}, {"g"}}
	if !slices.EqualFunc(j.batches, want, slices.Equal) {
		t.Errorf("batches %v, want %v: joined up to the refused event, which starts the next batch, at most 4 a batch", j.batches, want)
	}
}

func TestWriterQueueFull(t *testing.T) {
	m := &memStore{gate: make(chan struct{}), entered: make(chan int, 10)}
	w := ledger.NewWriter(m, 2, 1, nil)
	defer w.Close()
	defer close(m.gate)
	holdFirst(t, w, m)
	for range 2 { // two queued behind the one held
		go w.Append(context.Background(), &consent.Event{})
	}
	waitQueue(w, 2)
	if err := w.Append(context.Background(), &consent.Event{}); consent.ErrorCode(err) != consent.EUnavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
}

func TestWriterReportsFailure(t *testing.T) {
	m := &memStore{fail: errors.New("disk I/O error")}
	w := ledger.NewWriter(m, 10, 10, nil, ledger.ProbeEvery(time.Hour))
	defer w.Close()
	err := w.Append(context.Background(), &consent.Event{})
	if err == nil {
		t.Fatal("a failed commit was acknowledged")
	}
	if consent.ErrorCode(err) != consent.EUnavailable {
		t.Errorf("err = %v (%s), want unavailable: a store failure is never a 500", err, consent.ErrorCode(err))
	}
	if w.Alive() {
		t.Error("writer reports alive after a failed commit")
	}
}

// The batch sizes observed (consentry_writer_batch_size, "events committed
// per ledger transaction") count committed batches only: a batch that failed
// while the database was away committed nothing.
func TestWriterObservesCommittedBatchesOnly(t *testing.T) {
	m := &memStore{fail: errors.New("connection refused")}
	var mu sync.Mutex
	var seen []int
	w := ledger.NewWriter(m, 10, 10, func(n int) { mu.Lock(); seen = append(seen, n); mu.Unlock() }, ledger.ProbeEvery(time.Hour))
	defer w.Close()
	if err := w.Append(context.Background(), &consent.Event{}); err == nil {
		t.Fatal("a failed commit was acknowledged")
	}
	mu.Lock()
	failed := len(seen)
	mu.Unlock()
	if failed != 0 {
		t.Errorf("a failed batch was observed as committed: %v", seen)
	}
	m.setFail(nil)
	if err := w.Append(context.Background(), &consent.Event{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != 1 {
		t.Errorf("observed %v after one committed event, want [1]", seen)
	}
}

func TestWriterKeepsTypedErrors(t *testing.T) {
	m := &memStore{fail: consent.Errorf(consent.EUnprocessed, "refused")}
	w := ledger.NewWriter(m, 10, 10, nil)
	defer w.Close()
	if err := w.Append(context.Background(), &consent.Event{}); consent.ErrorCode(err) != consent.EUnprocessed {
		t.Errorf("err = %v, want the store's own unprocessable error", err)
	}
}

// A hung database fails its batch at the deadline: the events are refused
// as unavailable and the writer reports not alive, instead of stalling.
func TestWriterBatchDeadline(t *testing.T) {
	m := &memStore{gate: make(chan struct{}), entered: make(chan int, 10)}
	defer close(m.gate)
	w := ledger.NewWriter(m, 10, 10, nil, ledger.BatchTimeout(50*time.Millisecond), ledger.ProbeEvery(time.Hour))
	defer w.Close()
	err := w.Append(context.Background(), &consent.Event{})
	if consent.ErrorCode(err) != consent.EUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want unavailable after the batch deadline", err)
	}
	if w.Alive() {
		t.Error("writer reports alive after a batch ran out of time")
	}
}

// After a failure the writer probes the store by itself, so readiness comes
// back without traffic (a load balancer sends none to an unready instance).
func TestWriterRecoversWithoutTraffic(t *testing.T) {
	m := &memStore{fail: errors.New("database or disk is full")}
	w := ledger.NewWriter(m, 10, 10, nil, ledger.ProbeEvery(5*time.Millisecond))
	defer w.Close()
	if err := w.Append(context.Background(), &consent.Event{}); err == nil {
		t.Fatal("acknowledged")
	}
	if w.Alive() {
		t.Fatal("alive after a failed commit")
	}
	m.setFail(nil)
	for !w.Alive() {
		time.Sleep(time.Millisecond)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.probes == 0 || !slices.Equal(m.batches, []int{1}) {
		t.Errorf("probes %d, batches %v: want empty probe batches and the one real batch", m.probes, m.batches)
	}
}

func TestWriterRefusesAfterClose(t *testing.T) {
	m := &memStore{}
	w := ledger.NewWriter(m, 100, 5, nil)
	done := make(chan error, 20)
	for range 20 {
		go func() { done <- w.Append(context.Background(), &consent.Event{}) }()
	}
	for range 20 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if w.Alive() {
		t.Error("closed writer reports alive")
	}
	if err := w.Append(context.Background(), &consent.Event{}); consent.ErrorCode(err) != consent.EUnavailable {
		t.Errorf("append after close: %v", err)
	}
}

func TestSealBatchChainsToHead(t *testing.T) {
	base := time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC)
	mk := func(at time.Time) *consent.Event {
		return &consent.Event{ID: uuid.Must(uuid.NewV7()), ConsentID: uuid.Must(uuid.NewV7()), Site: "shop", Time: at, Expires: at}
	}
	first := []*consent.Event{mk(base), mk(base.Add(-time.Hour))} // the second was queued late
	first[1].Expires = first[1].Time.Add(consent.DefaultLifetime)
	head, days := ledger.SealBatch(ledger.Head{}, first)
	if head.Seq != 2 || head.Hash != first[1].Hash || !first[1].Time.Equal(base) || !head.Time.Equal(base) {
		t.Fatalf("head %+v, second event at %v", head, first[1].Time)
	}
	// Its consent lasts its lifetime from the time it is recorded at.
	if got := first[1].Expires.Sub(first[1].Time); got != consent.DefaultLifetime {
		t.Errorf("a late event expires %v after its recorded time, want %v", got, consent.DefaultLifetime)
	}
	if len(days) != 1 || days[0] != (ledger.DayStart{Day: consent.Day(base), Seq: 1}) {
		t.Fatalf("days %+v", days)
	}
	second := []*consent.Event{mk(base.Add(time.Second)), mk(base.Add(2 * time.Second))}
	head, days = ledger.SealBatch(head, second)
	if head.Seq != 4 || second[0].Seq != 3 || len(days) != 1 || days[0] != (ledger.DayStart{Day: consent.Day(base) + 1, Seq: 3}) {
		t.Fatalf("head %+v, days %+v", head, days)
	}
	if err := verify(append(first, second...)); err != nil {
		t.Fatal(err)
	}
	// A batch on the head's own day starts no day.
	if _, days = ledger.SealBatch(head, []*consent.Event{mk(base.Add(3 * time.Second))}); len(days) != 0 {
		t.Fatalf("days %+v", days)
	}
}

// memSource is a ledger with purged runs, for Verifier.Run.
type memSource struct {
	events []*consent.Event
	gaps   []ledger.Gap
}

func (m memSource) Walk(_ context.Context, after int64, fn func(*consent.Event) error) error {
	for _, e := range m.events {
		if e.Seq > after {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m memSource) Gaps(_ context.Context, after int64, limit int) ([]ledger.Gap, error) {
	var out []ledger.Gap
	for _, g := range m.gaps {
		if g.Last > after && len(out) < limit {
			out = append(out, g)
		}
	}
	return out, nil
}

// purged removes events first to last (1-based seqs) and records their run.
func purged(es []*consent.Event, first, last int64) memSource {
	g := ledger.Gap{First: first, Last: last, After: es[last-1].Hash}
	if first > 1 {
		g.Before = es[first-2].Hash
	}
	return memSource{events: append(slices.Clone(es[:first-1]), es[last:]...), gaps: []ledger.Gap{g}}
}

func TestVerifyAcrossPurgedRuns(t *testing.T) {
	es := chain(10)
	head := es[9]
	run := func(src memSource, v *ledger.Verifier) error {
		if err := v.Run(context.Background(), src, nil); err != nil {
			return err
		}
		return v.Finish(head.Seq, head.Hash)
	}
	for _, tc := range []struct {
		name        string
		first, last int64
	}{{"prefix", 1, 4}, {"middle", 3, 5}, {"up to the head", 7, 10}} {
		t.Run(tc.name, func(t *testing.T) {
			var v ledger.Verifier
			if err := run(purged(es, tc.first, tc.last), &v); err != nil {
				t.Fatal(err)
			}
			if v.Count() != 10-(tc.last-tc.first+1) || v.Purged() != tc.last-tc.first+1 {
				t.Errorf("verified %d, crossed %d", v.Count(), v.Purged())
			}
		})
	}
	// A verification resumed inside a run purged since goes on from its end.
	if err := run(purged(es, 3, 5), ledger.VerifierAfter(4, es[3].Hash)); err != nil {
		t.Errorf("resumed inside the run: %v", err)
	}
	// The event before a run changed and re-sealed: its hash is no longer
	// the one the run recorded.
	src := purged(chain(10), 3, 5)
	src.events[1].Action = consent.RejectAll
	ledger.Seal(src.events[1], src.events[0].Hash)
	if got := brokenAt(t, run(src, &ledger.Verifier{})); got != 2 {
		t.Errorf("broken at #%d, want #2", got)
	}
	// A run recorded over an event still stored.
	src = purged(es, 3, 5)
	src.gaps[0].Last = 6
	if got := brokenAt(t, run(src, &ledger.Verifier{})); got != 6 {
		t.Errorf("broken at #%d, want #6", got)
	}
}

// Salts are read from crypto/rand many at a time: still, every event gets
// 16 bytes of its own, which no other event's salt shares or can overwrite,
// also when many requests seal at once.
func TestSealPersonalSaltsAreDistinct(t *testing.T) {
	const workers, each = 8, 500
	got := make([][]*consent.Event, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				e := &consent.Event{Personal: consent.Personal{IP: "203.0.113.0", UserAgent: "ua", Page: "https://shop.example/"}}
				ledger.SealPersonal(e)
				got[w] = append(got[w], e)
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, events := range got {
		for _, e := range events {
			if len(e.PIISalt) != 16 || cap(e.PIISalt) != 16 {
				t.Fatalf("salt of %d bytes, room for %d", len(e.PIISalt), cap(e.PIISalt))
			}
			if seen[string(e.PIISalt)] {
				t.Fatalf("salt %x given twice", e.PIISalt)
			}
			seen[string(e.PIISalt)] = true
			if e.PIIDigest != ledger.PersonalDigest(e.PIISalt, e.Personal) {
				t.Fatal("the digest is not over the salt the event holds")
			}
		}
	}
}

// An Append given up on (its request's context ended while the batch was
// being written) leaves its answer to nobody: that answer must never reach
// a later Append, whose event may be committed while the abandoned one
// failed, or the other way round.
func TestWriterAbandonedAnswerGoesToNobody(t *testing.T) {
	m := &failMarked{gate: make(chan struct{}), entered: make(chan int, 100)}
	w := ledger.NewWriter(m, 100, 100, nil, ledger.ProbeEvery(time.Hour))
	defer w.Close()
	defer close(m.gate) // first: lets a batch held on failure finish
	for range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		abandoned := make(chan error, 1)
		go func() { abandoned <- w.Append(ctx, &consent.Event{Site: "fail"}) }()
		<-m.entered // the writer holds it
		cancel()
		if err := <-abandoned; consent.ErrorCode(err) != consent.EUnavailable {
			t.Fatalf("abandoned append: %v, want unavailable", err)
		}
		m.gate <- struct{}{} // its batch fails, answering nobody
		next := make(chan error, 1)
		go func() { next <- w.Append(context.Background(), &consent.Event{Site: "ok"}) }()
		<-m.entered
		m.gate <- struct{}{}
		if err := <-next; err != nil {
			t.Fatalf("a committed append was answered %v (the abandoned one's answer)", err)
		}
	}
}

// failMarked fails a batch whose first event is of site "fail", once the
// gate lets it through.
type failMarked struct {
	gate    chan struct{}
	entered chan int
}

func (f *failMarked) AppendBatch(ctx context.Context, es []*consent.Event) error {
	f.entered <- len(es)
	<-f.gate
	if len(es) > 0 && es[0].Site == "fail" {
		return errors.New("database or disk is full")
	}
	return nil
}

// BenchmarkAppendHandoff is the writer's handoff alone, over a store that
// commits at once: queueing an event, the writer taking it into a batch, and
// the answer back to the waiting request.
func BenchmarkAppendHandoff(b *testing.B) {
	w := ledger.NewWriter(&memStore{}, 1024, 256, nil)
	defer w.Close()
	b.SetParallelism(32)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := w.Append(ctx, &consent.Event{}); err != nil {
				b.Error(err)
			}
		}
	})
}
