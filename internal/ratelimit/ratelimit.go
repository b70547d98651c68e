// Package ratelimit limits the visitor API's decisions per client network,
// across every instance of a deployment, without a database round trip on
// any request.
//
// The limit is a token bucket, as Echo's in-memory limiter it replaced: a
// network may make Burst decisions at once and rate a second after that,
// so over a time T at most rate × T + Burst. The bucket is computed from
// counts of decisions per fixed Slot of time, and counts add up across
// instances. Each instance decides in memory from its view of a network's
// counts: every instance's counts as of its last sync plus its own decisions
// since. A background loop (Run) sends this instance's new counts to the
// store and takes back everyone's, every SyncEvery. What one instance admits
// that another has not seen yet leaves the bucket in debt, which later
// refills pay back; so the instances together admit what one would, plus
// what the others admitted that it could not see: up to a Burst each when a
// network first reaches several instances at once, and in each sync
// interval the tokens that refilled meanwhile, which each instance spends.
//
// Networks, not addresses: the key is the address cut as the ledger stores
// it (IPv4 /24, IPv6 /48), so no whole address is ever stored, and a client
// holding an IPv6 /64 cannot spread its decisions over its addresses.
package ratelimit

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
)

const (
	// Slot is the unit counts are kept in; instances must agree on it.
	Slot = 250 * time.Millisecond
	// SyncEvery is how often Run exchanges counts with the store.
	SyncEvery = 250 * time.Millisecond
	// Horizon is how far back counts are exchanged: a slot older than that
	// has been counted by every instance (each sends its counts within
	// SyncEvery), so each instance folds it into its bucket for good.
	Horizon = 2 * time.Second
	// syncTimeout bounds one exchange: a database that does not answer
	// leaves each instance deciding alone, not stalled.
	syncTimeout = 2 * time.Second
	// forgetAfter keeps slots in the store a little longer than Horizon, so
	// an instance whose clock is a moment behind still finds them, and so
	// one instance's delete never touches rows another is adding to.
	forgetAfter = time.Second
)

// Key is the rate limit's key for a client address: its network, as the
// ledger truncates it; "" for anything that is not an address.
func Key(ip string) string { return consent.TruncateIP(ip) }

// Limiter admits decisions per key. Its zero value is not usable: see New.
type Limiter struct {
	rate  float64 // tokens a nanosecond
	burst float64

	mu   sync.Mutex
	keys map[string]*entry
}

// entry is one key's bucket: its tokens at base, then the counts since, each
// list in slot order.
type entry struct {
	// tokens is the bucket's level at base (UnixNano) once the counts of
	// every slot before base were taken out; below zero when the instances
	// together admitted more than it held.
	tokens float64
	base   int64
	// view is every instance's counts after base as of the last sync, plus
	// this instance's own since: what decisions are made from.
	view []count
	// pending is what this instance admitted since it last sent its counts.
	pending []count
}

type count struct{ slot, hits int64 }

// New limits each key to rate decisions a second, in bursts of twice as
// many (at least one).
func New(rate float64) *Limiter {
	return &Limiter{rate: rate / float64(time.Second), burst: max(float64(int64(2*rate)), 1), keys: map[string]*entry{}}
}

// RetryAfter is how many whole seconds a refused key waits for its next
// token at most: one second at a rate of one a second or more, longer below.
func (l *Limiter) RetryAfter() int {
	return max(int(math.Ceil(1/(l.rate*float64(time.Second)))), 1)
}

// Burst is how many decisions a key may make at once.
func (l *Limiter) Burst() int64 { return int64(l.burst) }

// Allow admits one decision of key now; it never fails (the error is for
// Echo's rate limiter middleware, whose store this is).
func (l *Limiter) Allow(key string) (bool, error) { return l.AllowAt(key, time.Now()), nil }

// AllowAt admits one decision of key at now when the bucket, refilled to
// now and drained by every decision this instance knows of, holds a token.
// Each slot's decisions are taken at the slot's end (or now), which errs on
// the strict side.
func (l *Limiter) AllowAt(key string, now time.Time) bool {
	at := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e == nil {
		// Nothing known before the horizon: the bucket was full then.
		e = &entry{tokens: l.burst, base: at - int64(Horizon)}
		l.keys[key] = e
	}
	tokens, t := e.tokens, e.base
	for _, c := range e.view {
		tokens, t = l.take(tokens, t, min(end(c.slot), at), c.hits)
	}
	if tokens, _ = l.take(tokens, t, at, 0); tokens < 1 {
		return false
	}
	cur := at / int64(Slot)
	e.view = add(e.view, cur, 1)
	e.pending = add(e.pending, cur, 1)
	return true
}

// take refills a bucket holding tokens at t up to at (never past the burst)
// and takes hits out of it.
func (l *Limiter) take(tokens float64, t, at int64, hits int64) (float64, int64) {
	if at > t {
		tokens, t = min(l.burst, tokens+l.rate*float64(at-t)), at
	}
	return tokens - float64(hits), t
}

func end(slot int64) int64 { return (slot + 1) * int64(Slot) }

// Sync sends what this instance admitted since the last sync to shared and
// replaces its view of every key it counts with every instance's counts plus
// its own made meanwhile. Slots that leave the horizon go into the bucket
// for good; a key whose bucket is full again with nothing counted is
// forgotten. With shared nil (one instance) it only does that. When the
// store fails, the counts not sent are kept for the next sync.
func (l *Limiter) Sync(ctx context.Context, now time.Time, shared store.RateCounts) error {
	at := now.UnixNano()
	since := (at - int64(Horizon)) / int64(Slot)
	req := store.RateSync{Since: since, Forget: (at - int64(Horizon+forgetAfter)) / int64(Slot)}
	l.mu.Lock()
	for k, e := range l.keys {
		for _, c := range e.pending {
			if c.slot >= since {
				req.Add = append(req.Add, store.RateCount{Key: k, Slot: c.slot, Hits: c.hits})
			}
		}
		e.pending = nil
		n := 0
		for ; n < len(e.view) && e.view[n].slot < since; n++ {
			e.tokens, e.base = l.take(e.tokens, e.base, end(e.view[n].slot), e.view[n].hits)
		}
		e.view = e.view[n:]
		if full, _ := l.take(e.tokens, e.base, at, 0); len(e.view) == 0 && full >= l.burst {
			delete(l.keys, k)
			continue
		}
		req.Keys = append(req.Keys, k)
	}
	l.mu.Unlock()
	if shared == nil || len(req.Keys) == 0 {
		return nil
	}
	counts, err := shared.SyncRateCounts(ctx, req)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		for _, c := range req.Add {
			if e := l.keys[c.Key]; e != nil {
				e.pending = add(e.pending, c.Slot, c.Hits)
			}
		}
		return err
	}
	views := make(map[string][]count, len(req.Keys))
	for _, c := range counts {
		views[c.Key] = add(views[c.Key], c.Slot, c.Hits)
	}
	for _, k := range req.Keys {
		e := l.keys[k] // only Sync deletes keys, and it runs alone
		v := views[k]
		for _, c := range e.pending {
			v = add(v, c.slot, c.hits)
		}
		e.view = v
	}
	return nil
}

// Run syncs every SyncEvery until ctx ends. It says once when the store
// stops answering (each instance then decides alone) and once when it
// answers again; it never logs a key.
func (l *Limiter) Run(ctx context.Context, shared store.RateCounts, log *slog.Logger) {
	t := time.NewTicker(SyncEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sctx, cancel := context.WithTimeout(ctx, syncTimeout)
		err := l.Sync(sctx, time.Now(), shared)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			log.Warn("the visitor rate limit cannot share its counts: each instance limits alone until the database answers", "err", err)
			failing = true
		case err == nil && failing:
			log.Info("the visitor rate limit shares its counts again")
			failing = false
		}
	}
}

// add adds hits to slot in a list kept in slot order.
func add(cs []count, slot, hits int64) []count {
	i, found := slices.BinarySearchFunc(cs, slot, bySlot)
	if found {
		cs[i].hits += hits
		return cs
	}
	return slices.Insert(cs, i, count{slot, hits})
}

func bySlot(c count, slot int64) int { return cmp.Compare(c.slot, slot) }
