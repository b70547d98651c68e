package web

import (
	"sync"
	"time"
)

// originRefusals says in the server's log, at most once a minute for each
// site and origin, that a page on an origin the site does not allow tried
// to record a decision: the site owner's misconfiguration (an origin not
// listed), which the visitor cannot fix and the owner would not otherwise
// see. It names the site and the origin, nothing about the visitor. The
// origin is the request's to choose, so all origins together are logged at
// most originRefusalLines times a minute: made-up origins cannot flood the
// log.
type originRefusals struct {
	mu     sync.Mutex
	last   map[[2]string]time.Time
	window time.Time // when the current minute of lines began
	lines  int       // lines logged in it
}

// originRefusalEvery is how often one site's refusals of one origin are
// logged at most; originRefusalLines, how many lines all of them make in
// that time at most.
const (
	originRefusalEvery = time.Minute
	originRefusalLines = 60
)

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
