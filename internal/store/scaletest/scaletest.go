// Package scaletest measures a store full of events against the same store
// empty, with the same code: DESIGN.md's targets that only show with a long
// log (ingest at 10M events ≥ 0.8 × the empty store's rate, any log page
// ≤ 5 ms, a consent-ID lookup ≤ 1 ms, ≤ 380 bytes per event). Fill grows a
// store to any size through the real AppendBatch, so its rows, chain,
// rollup and day index are what a server would have written and verify
// passes on it; Measure then times both stores and prints one table. Each
// store's TestScale runs it: small in make test, 10M with make scale.
package scaletest

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// FillBatch is how many events Fill appends a transaction: large, so that
// filling is fast, through the same AppendBatch as any other batch.
const FillBatch = 10000

// Span is how far back the first event Fill writes lies; the rest follow
// evenly up to now, so that a date range is a slice of the log.
const Span = 30 * 24 * time.Hour

// Fill appends events to s until its ledger holds n (it resumes a store
// filled part of the way, and leaves a fuller one as it is). It publishes
// the sites and texts snapshots the events name first, so that verify
// passes on the result. The events of the last day carry request IDs, as
// the store would still hold them before they are pruned. Generating the
// next batch overlaps appending the one before, as HTTP handlers and the
// ledger writer overlap in a server.
func Fill(ctx context.Context, s store.Store, n int64, logf func(format string, args ...any)) error {
	have, _, err := s.Head(ctx)
	if err != nil {
		return err
	}
	if have >= n {
		return nil
	}
	if have == 0 {
		if err := publish(ctx, s); err != nil {
			return err
		}
	}
	start := time.Now().Add(-Span)
	step := Span / time.Duration(n)
	batches := make(chan []*consent.Event, 2)
	go func() {
		defer close(batches)
		g := newGen(uint64(have) + 1)
		for i := have; i < n; {
			k := min(FillBatch, n-i)
			events := make([]*consent.Event, k)
			for j := range events {
				at := start.Add(time.Duration(i+int64(j)) * step).Truncate(time.Microsecond)
				events[j] = g.event(at, i+int64(j) >= n-n/30)
			}
			select {
			case batches <- events:
			case <-ctx.Done():
				return
			}
			i += k
		}
	}()
	t0, done := time.Now(), have
	for events := range batches {
		if err := s.AppendBatch(ctx, events); err != nil {
			return err
		}
		done += int64(len(events))
		if done%500000 < FillBatch || done == n {
			logf("filled %d of %d events, %.0f events/s", done, n, float64(done-have)/time.Since(t0).Seconds())
		}
	}
	return ctx.Err()
}

// publish stores revision 1 of every site, with a texts snapshot in each
// language the events use.
func publish(ctx context.Context, s store.Store) error {
	for _, site := range sites {
		c := &consent.Site{
			ID: site.name, Name: "Scale " + site.name, Origins: []string{"https://" + site.name + ".example"},
			Categories: []consent.Category{{Key: "necessary", Required: true}, {Key: "preferences"}, {Key: "analytics"}, {Key: "marketing", GPC: true}},
			ConsentMap: consent.DefaultConsentMap(),
			Links:      map[string]consent.Links{"en": {Privacy: "https://" + site.name + ".example/privacy"}},
		}
		_, err := s.Publish(ctx, c, func(c *consent.Site) []consent.Snapshot {
			var out []consent.Snapshot
			for _, l := range langs {
				out = append(out, snapshot(c.ID, l.name))
			}
			return out
		})
		if err != nil {
			return fmt.Errorf("publish %s: %w", site.name, err)
		}
	}
	return nil
}

// Verify walks the whole ledger as `consentry verify` does and returns how
// many events it checked.
func Verify(ctx context.Context, s store.Store) (int64, error) {
	texts, err := ledger.CheckTexts(ctx, s, 0)
	if err != nil {
		return 0, err
	}
	v := ledger.Verifier{Texts: texts}
	if err := s.Walk(ctx, 0, v.Next); err != nil {
		return v.Count(), err
	}
	seq, head, err := s.Head(ctx)
	if err != nil {
		return v.Count(), err
	}
	return v.Count(), v.Finish(seq, head)
}

// Target is one store to measure, and how to tell its size on disk.
type Target struct {
	Store store.Store
	// Size returns the bytes the store takes on disk, every table and index
	// included (for SQLite, the file after a WAL checkpoint).
	Size func(ctx context.Context) (int64, error)
}

// Options say how long Measure measures.
type Options struct {
	// Rounds of appends, alternating between the two stores, so that a
	// disturbance on a shared machine hits both; the median is reported.
	Rounds int
	// Appends maps a batch size to how many events a round appends in
	// batches of that size.
	Appends map[int]int
	// Queries is how many times each read is timed.
	Queries int
	// WarmUp is how many events each store takes before the rounds, so
	// that both have their connections, statements and caches of user
	// agents, pages and choices warm: the rounds then compare the log's
	// size alone.
	WarmUp int
}

// Small is enough to exercise every measurement, for make test.
var Small = Options{Rounds: 1, Appends: map[int]int{50: 500, 500: 1000}, Queries: 5, WarmUp: 500}

// Large is what make scale uses: a few seconds a round per store.
var Large = Options{Rounds: 3, Appends: map[int]int{50: 10000, 500: 50000}, Queries: 200, WarmUp: 50000}

// Figures are one store's measurements.
type Figures struct {
	Events int64
	// Append holds events per second for each batch size, a value a round.
	Append map[int][]float64
	Reads  []Timing
	Bytes  int64
}

// Timing is one kind of read: how long it took, and how many events the
// last one returned.
type Timing struct {
	Name        string
	Median, P99 time.Duration
	Rows        int
}

// Measure appends to both stores in alternating rounds, then times the
// console's reads on each, and measures their size. The same code runs on
// both: the full store's figures over the empty one's are what DESIGN.md's
// "does not slow as the log grows" means.
func Measure(ctx context.Context, empty, full Target, o Options) (Figures, Figures, error) {
	e, f := Figures{Append: map[int][]float64{}}, Figures{Append: map[int][]float64{}}
	g := newGen(uint64(time.Now().UnixNano()))
	sizes := make([]int, 0, len(o.Appends))
	for b := range o.Appends {
		sizes = append(sizes, b)
	}
	slices.Sort(sizes)
	for _, t := range []Target{empty, full} {
		if _, err := appendRate(ctx, t.Store, g, 500, o.WarmUp); err != nil {
			return e, f, err
		}
	}
	for range o.Rounds {
		for _, b := range sizes {
			for _, st := range []struct {
				s store.Store
				f *Figures
			}{{empty.Store, &e}, {full.Store, &f}} {
				rate, err := appendRate(ctx, st.s, g, b, o.Appends[b])
				if err != nil {
					return e, f, err
				}
				st.f.Append[b] = append(st.f.Append[b], rate)
			}
		}
	}
	for _, st := range []struct {
		t Target
		f *Figures
	}{{empty, &e}, {full, &f}} {
		var err error
		if st.f.Reads, err = reads(ctx, st.t.Store, o.Queries); err != nil {
			return e, f, err
		}
		if st.f.Events, _, err = st.t.Store.Head(ctx); err != nil {
			return e, f, err
		}
		if st.f.Bytes, err = st.t.Size(ctx); err != nil {
			return e, f, err
		}
	}
	return e, f, nil
}

// appendRate appends total events in batches of batch and returns events
// per second. The events are made first, as HTTP handlers make them before
// the writer sees them: this times the store alone.
func appendRate(ctx context.Context, s store.Store, g *gen, batch, total int) (float64, error) {
	var batches [][]*consent.Event
	for i := 0; i < total; i += batch {
		events := make([]*consent.Event, min(batch, total-i))
		for j := range events {
			events[j] = g.event(time.Now().UTC().Truncate(time.Microsecond), true)
		}
		batches = append(batches, events)
	}
	t0 := time.Now()
	for _, events := range batches {
		if err := s.AppendBatch(ctx, events); err != nil {
			return 0, err
		}
	}
	return float64(total) / time.Since(t0).Seconds(), nil
}

// reads times what the console asks of the log: pages at the top and at the
// very bottom, filtered, a date range in the middle of the filled month,
// and lookups by consent ID and event ID spread over the whole log.
func reads(ctx context.Context, s store.Store, n int) ([]Timing, error) {
	head, _, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	first, err := s.Log(ctx, consent.LogQuery{Before: 2, Limit: 1})
	if err != nil || len(first) == 0 {
		return nil, fmt.Errorf("first event: %v", err)
	}
	from := consent.DayStart(consent.Day(first[0].Time) + 10)
	var samples []*consent.Event
	for i := int64(1); i <= 100; i++ {
		page, err := s.Log(ctx, consent.LogQuery{Before: head*i/101 + 1, Limit: 1})
		if err != nil {
			return nil, err
		}
		samples = append(samples, page...)
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("no events to look up")
	}
	logPage := func(q consent.LogQuery) func(int) (int, error) {
		return func(int) (int, error) { page, err := s.Log(ctx, q); return len(page), err }
	}
	cases := []struct {
		name string
		fn   func(i int) (int, error)
	}{
		{"log, newest page", logPage(consent.LogQuery{Limit: 50})},
		{"log, deepest page", logPage(consent.LogQuery{Before: 51, Limit: 50})},
		{"log, deepest page of one site", logPage(consent.LogQuery{Site: "blog", Before: 1000, Limit: 50})},
		{"log, 1% deep, site + action", logPage(consent.LogQuery{Site: "shop", Action: consent.Custom, Before: head/100 + 1, Limit: 50})},
		{"log, 25% deep, site + opted out by GPC", logPage(consent.LogQuery{Site: "shop", Action: consent.GPCOptOut, Before: head/4 + 1, Limit: 50})},
		{"log, deepest page of GPC opt-outs", logPage(consent.LogQuery{Action: consent.GPCOptOut, Before: 2000, Limit: 50})},
		{"log, two-day date range, one site", logPage(consent.LogQuery{Site: "shop", From: from, To: from.AddDate(0, 0, 2), Limit: 50})},
		{"consent ID: newest event", func(i int) (int, error) {
			_, err := s.LastEvent(ctx, samples[i%len(samples)].ConsentID)
			return 1, err
		}},
		{"consent ID: all its events", func(i int) (int, error) {
			events, err := s.EventsByConsent(ctx, samples[i%len(samples)].ConsentID)
			return len(events), err
		}},
		{"event by ID (proof)", func(i int) (int, error) {
			_, err := s.Event(ctx, samples[i%len(samples)].ID)
			return 1, err
		}},
	}
	var out []Timing
	for _, c := range cases {
		for i := range 3 { // warm up
			if _, err := c.fn(i); err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
		}
		times := make([]time.Duration, n)
		rows := 0
		for i := range n {
			t0 := time.Now()
			if rows, err = c.fn(i); err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
			times[i] = time.Since(t0)
		}
		slices.Sort(times)
		out = append(out, Timing{Name: c.name, Median: times[n/2], P99: times[(n*99)/100], Rows: rows})
	}
	return out, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// Print writes the figures as a Markdown table: the empty store, the full
// one, their ratio, and DESIGN.md's target.
func Print(w io.Writer, name string, e, f Figures) {
	fmt.Fprintf(w, "\n%s: %d events stored vs an empty store (%d events after these appends)\n\n", name, f.Events, e.Events)
	fmt.Fprintf(w, "| what | empty store | %d events | full ÷ empty | target |\n|---|---|---|---|---|\n", f.Events)
	sizes := make([]int, 0, len(f.Append))
	for b := range f.Append {
		sizes = append(sizes, b)
	}
	slices.Sort(sizes)
	for _, b := range sizes {
		me, mf := median(e.Append[b]), median(f.Append[b])
		fmt.Fprintf(w, "| AppendBatch, batches of %d (events/s, median of %d rounds: %s) | %.0f | %.0f | %.2f | ≥ 0.80 |\n",
			b, len(f.Append[b]), rounds(e.Append[b], f.Append[b]), me, mf, mf/me)
	}
	for i, tf := range f.Reads {
		te := e.Reads[i]
		target := "≤ 5 ms"
		if strings.HasPrefix(tf.Name, "consent ID") {
			target = "≤ 1 ms"
		} else if !strings.HasPrefix(tf.Name, "log") {
			target = ""
		}
		fmt.Fprintf(w, "| %s (ms, median / p99; rows) | %s | %s | | %s |\n", tf.Name, ms(te), ms(tf), target)
	}
	be, bf := float64(e.Bytes)/float64(max(e.Events, 1)), float64(f.Bytes)/float64(max(f.Events, 1))
	fmt.Fprintf(w, "| bytes on disk per event, indexes included | %.0f | %.0f | | ≤ 380 |\n", be, bf)
}

func rounds(e, f []float64) string {
	var parts []string
	for i := range f {
		parts = append(parts, fmt.Sprintf("%.0f/%.0f", e[i], f[i]))
	}
	return strings.Join(parts, ", ")
}

func ms(t Timing) string {
	return fmt.Sprintf("%.2f / %.2f; %d", t.Median.Seconds()*1000, t.P99.Seconds()*1000, t.Rows)
}

// EnvEvents names how many events TestScale fills a store with; without
// it, a few thousand, which only checks that the harness works.
const EnvEvents = "CONSENTRY_SCALE_EVENTS"

// EnvDir names where TestScale keeps the filled store to reuse it (SQLite:
// a file there; PostgreSQL: a schema scale_N, whatever the value); without
// it, the filled store is a temporary one.
const EnvDir = "CONSENTRY_SCALE_DIR"

// EnvRounds overrides the number of append rounds (Options.Rounds).
const EnvRounds = "CONSENTRY_SCALE_ROUNDS"

// Config reads EnvEvents, EnvDir and EnvRounds: the events to fill, where to
// keep the filled store ("" for nowhere), and how long to measure (Large
// from a million events on).
func Config() (n int64, dir string, o Options, err error) {
	n, o = 3000, Small
	if v := os.Getenv(EnvEvents); v != "" {
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 1000 {
			return 0, "", o, fmt.Errorf("%s=%q: want a number of events, 1000 or more", EnvEvents, v)
		}
	}
	if n >= 1000000 {
		o = Large
	}
	if v := os.Getenv(EnvRounds); v != "" {
		if o.Rounds, err = strconv.Atoi(v); err != nil || o.Rounds < 1 {
			return 0, "", o, fmt.Errorf("%s=%q: want a number of rounds, 1 or more", EnvRounds, v)
		}
	}
	return n, os.Getenv(EnvDir), o, nil
}

// Check is what make test asserts on a small run: the filled ledger
// verifies, and every read on the full store found events.
func Check(ctx context.Context, full store.Store, f Figures) error {
	if _, err := Verify(ctx, full); err != nil {
		return fmt.Errorf("the filled store does not verify: %w", err)
	}
	for _, r := range f.Reads {
		if r.Rows == 0 {
			return fmt.Errorf("%s found no events in the full store", r.Name)
		}
	}
	return nil
}
