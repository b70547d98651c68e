package web

import (
	"context"
	"sync"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

// originRefusals keeps note of the decisions refused because the page's
// origin is not one the site allows: the site owner's misconfiguration (an
// origin not listed), which the visitor cannot fix and the owner would not
// otherwise see. It counts them per site and origin in memory, for the
// store (store.Refusals), where the site editor finds them: a refused
// request costs a map update, never a write (FlushRefusals adds the counts
// every RefusalsFlushEvery). And it says so in the server's log, at most
// once a minute for each site and origin. Both name the site and the
// origin, nothing about the visitor. The origin is the request's to
// choose, so made-up origins can neither flood the log (all origins
// together are logged at most originRefusalLines times a minute) nor grow
// the counts (each site counts at most refusedPerSite origins between two
// flushes; the store keeps fewer).
type originRefusals struct {
	mu     sync.Mutex
	last   map[[2]string]time.Time
	window time.Time // when the current minute of lines began
	lines  int       // lines logged in it
	// counts are the refusals since the last flush, by site and origin.
	counts map[string]map[string]int64
}

// originRefusalEvery is how often one site's refusals of one origin are
// logged at most; originRefusalLines, how many lines all of them make in
// that time at most.
const (
	originRefusalEvery = time.Minute
	originRefusalLines = 60
)

// refusedPerSite is how many origins a site counts refusals of between
// two flushes: twice what the store keeps, so that the store picks the
// most refused of several instances' counts; a new origin beyond it waits
// for the next flush.
const refusedPerSite = 2 * store.MaxRefusedOrigins

// RefusalsFlushEvery is how often an instance adds the refusals it counted
// to the store (RunRefusals): what the site editor of another instance
// shows is at most this late; the instance's own editor adds them first.
const RefusalsFlushEvery = 10 * time.Second

// due reports whether the refusal of origin for site is to be logged now,
// and notes it. The map is cleared when it grows past a bound, so a flood of
// made-up origins cannot grow it for ever.
func (r *originRefusals) due(site, origin string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := [2]string{site, origin}
	if t, ok := r.last[k]; ok && now.Sub(t) < originRefusalEvery {
		return false
	}
	if now.Sub(r.window) >= originRefusalEvery {
		r.window, r.lines = now, 0
	}
	if r.lines >= originRefusalLines {
		return false
	}
	if r.last == nil || len(r.last) >= 1024 {
		r.last = map[[2]string]time.Time{}
	}
	r.last[k] = now
	r.lines++
	return true
}

// count notes n refusals of origin (as consent.RefusedOrigin gives it) for
// site, unless the site counts refusedPerSite other origins already.
func (r *originRefusals) count(site, origin string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]map[string]int64{}
	}
	m := r.counts[site]
	if m == nil {
		m = map[string]int64{}
		r.counts[site] = m
	}
	if _, ok := m[origin]; ok || len(m) < refusedPerSite {
		m[origin] += n
	}
}

// take returns the counts since the last take and starts afresh.
func (r *originRefusals) take() []store.Refusal {
	r.mu.Lock()
	counts := r.counts
	r.counts = nil
	r.mu.Unlock()
	var out []store.Refusal
	for site, m := range counts {
		for origin, n := range m {
			out = append(out, store.Refusal{Site: site, Origin: origin, Count: n})
		}
	}
	return out
}

// refusedOrigin counts a decision refused for its page's origin, when that
// is an origin the owner could allow.
func (s *Server) refusedOrigin(site, origin string) {
	if o := consent.RefusedOrigin(origin); o != "" {
		s.refused.count(site, o, 1)
	}
}

// FlushRefusals adds the refusals this instance counted to the store, in
// the current hour, and forgets hours older than store.RefusalsKept. Counts
// the store could not take are counted again, for the next flush.
func (s *Server) FlushRefusals(ctx context.Context) error {
	counts := s.refused.take()
	if len(counts) == 0 {
		return nil
	}
	now := time.Now()
	err := s.cfg.Store.AddRefusals(ctx, store.RefusalHour(now), counts, store.RefusalHour(now.Add(-store.RefusalsKept)))
	if err != nil {
		for _, c := range counts {
			s.refused.count(c.Site, c.Origin, c.Count)
		}
	}
	return err
}

// RunRefusals flushes the refusals every RefusalsFlushEvery until ctx ends,
// and once more then (with a moment of its own), so that a stopping
// instance loses none.
func (s *Server) RunRefusals(ctx context.Context) {
	t := time.NewTicker(RefusalsFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.FlushRefusals(last); err != nil {
				s.cfg.Log.Warn("counting refused origins", "err", err)
			}
			return
		case <-t.C:
			if err := s.FlushRefusals(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Log.Warn("counting refused origins", "err", err)
			}
		}
	}
}
