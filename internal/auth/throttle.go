package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttle limits sign-in attempts per account and per IP address, so that
// guessing passwords is slow from one address and for one account from many.
type Throttle struct {
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	every    time.Duration
	burst    int
}

// NewThrottle allows burst attempts per key, then one per every.
func NewThrottle(every time.Duration, burst int) *Throttle {
	return &Throttle{limiters: map[string]*rate.Limiter{}, every: every, burst: burst}
}

// Allow reports whether an attempt for this account from this IP may go
// ahead, using up one attempt of each.
func (t *Throttle) Allow(email, ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.limiters) > 100000 { // bounded memory under a spray of addresses
		t.limiters = map[string]*rate.Limiter{}
	}
	ok := true
	for _, k := range []string{"e:" + email, "i:" + ip} {
		l := t.limiters[k]
		if l == nil {
			l = rate.NewLimiter(rate.Every(t.every), t.burst)
			t.limiters[k] = l
		}
		ok = l.Allow() && ok
	}
	return ok
}
