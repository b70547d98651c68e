package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
)

// start is the made-up clock the tests step through: the limiter takes the
// time it is given, so nothing here waits or depends on speed.
var start = time.Unix(1_750_000_000, 0)

func ms(n int) time.Time { return start.Add(time.Duration(n) * time.Millisecond) }

func TestKeyIsTheNetwork(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.77": "203.0.113.0", "::ffff:203.0.113.77": "203.0.113.0",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1::", "not an address": "",
	} {
		if got := Key(ip); got != want {
			t.Errorf("Key(%q) = %q, want %q", ip, got, want)
		}
	}
}

// One instance: a burst at once, then a token a tenth of a second, and
// over a long flood no more than rate × time + burst (nor much less: taking
// a slot's decisions at its end makes it only a little strict).
func TestBucket(t *testing.T) {
	l := New(10) // burst 20
	if l.Burst() != 20 {
		t.Fatalf("burst %d, want 20", l.Burst())
	}
	for i := range 20 {
		if !l.AllowAt("k", ms(i)) {
			t.Fatalf("decision %d of the burst refused", i+1)
		}
	}
	if l.AllowAt("k", ms(20)) || l.AllowAt("k", ms(249)) {
		t.Error("a 21st decision at once was admitted")
	}
	if !l.AllowAt("other", ms(21)) {
		t.Error("another network was refused")
	}
	// The burst counts as made at the slot's end, 250 ms: the next token
	// is there at 350 ms.
	if l.AllowAt("k", ms(340)) || !l.AllowAt("k", ms(351)) || l.AllowAt("k", ms(352)) {
		t.Error("want one more decision a tenth of a second after the slot of the burst")
	}

	l = New(10)
	admitted := 0
	const seconds = 30
	for i := range seconds * 1000 {
		if l.AllowAt("k", ms(i)) {
			admitted++
		}
	}
	if max := 10*seconds + 20; admitted > max || admitted < max*95/100 {
		t.Errorf("a flood for %ds at 10/s, burst 20: %d admitted, want at most %d and not far below", seconds, admitted, max)
	}
}

// A rate below one a second still admits one decision, not none.
func TestSlowRate(t *testing.T) {
	l := New(0.2) // one in 5 s
	if !l.AllowAt("k", ms(0)) || l.AllowAt("k", ms(4000)) || !l.AllowAt("k", ms(5300)) || l.AllowAt("k", ms(5400)) {
		t.Error("at 0.2/s: want one decision per 5 s")
	}
	for rate, want := range map[float64]int{0.2: 5, 0.3: 4, 1: 1, 10: 1} {
		if got := New(rate).RetryAfter(); got != want {
			t.Errorf("at %g/s: Retry-After %d s, want %d", rate, got, want)
		}
	}
}

// Sync forgets a network once its counts have left the horizon and its
// bucket is full again.
func TestForgetsQuietNetworks(t *testing.T) {
	l := New(10)
	l.AllowAt("k", ms(0))
	if err := l.Sync(context.Background(), ms(1000), nil); err != nil || len(l.keys) != 1 {
		t.Fatalf("within the horizon: %d keys, err %v", len(l.keys), err)
	}
	if err := l.Sync(context.Background(), ms(2500), nil); err != nil || len(l.keys) != 0 {
		t.Fatalf("past the horizon, the bucket full again: %d keys, err %v; want it forgotten", len(l.keys), err)
	}
}

func openPG(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// flood sends one decision a millisecond for seconds, alternately to each
// limiter, each syncing every SyncEvery (at its own phase) with its store,
// and returns how many were admitted in all.
func flood(t *testing.T, seconds int, ls []*Limiter, shared []store.RateCounts) int {
	t.Helper()
	every := int(SyncEvery / time.Millisecond)
	admitted := 0
	for i := range seconds * 1000 {
		for n, l := range ls {
			if i%every == n*every/len(ls) {
				if err := l.Sync(context.Background(), ms(i), shared[n]); err != nil {
					t.Fatal(err)
				}
			}
		}
		if ls[i%len(ls)].AllowAt("203.0.113.0", ms(i)) {
			admitted++
		}
	}
	return admitted
}

// TestLimitHoldsAcrossInstances: two instances, each with its own store on
// one PostgreSQL database, one network flooding both alternately. Together
// they admit what one would (rate × time + burst), plus what one admits
// that the other cannot see yet: a burst before the first sync, and the
// tokens of one sync interval. Kept apart (each its own memory, as before),
// they admit twice as much.
func TestLimitHoldsAcrossInstances(t *testing.T) {
	const (
		rate    = 10
		burst   = 2 * rate
		seconds = 20
	)
	url := pgtest.URL(t)
	shared := []store.RateCounts{openPG(t, url), openPG(t, url)}
	bound := rate*seconds + burst + burst + int(rate*SyncEvery/time.Second)

	together := flood(t, seconds, []*Limiter{New(rate), New(rate)}, shared)
	if together > bound {
		t.Errorf("two instances sharing counts admitted %d in %ds at %d/s (burst %d), want at most %d", together, seconds, rate, burst, bound)
	}
	apart := flood(t, seconds, []*Limiter{New(rate), New(rate)}, []store.RateCounts{nil, nil})
	if apart <= bound {
		t.Errorf("two instances each on its own admitted %d, within the bound %d: the test cannot tell them apart", apart, bound)
	}
	t.Logf("admitted in %ds at %d/s, burst %d: %d by two instances sharing counts, %d apart; bound %d", seconds, rate, burst, together, apart, bound)
}

// A store that fails keeps nothing back: what an instance admitted reaches
// the others with the next sync that works.
func TestCountsSurviveAFailedSync(t *testing.T) {
	url := pgtest.URL(t)
	down, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	down.Close()
	up, other := openPG(t, url), openPG(t, url)

	a, b := New(10), New(10)
	for i := range 15 {
		a.AllowAt("k", ms(i))
	}
	if err := a.Sync(context.Background(), ms(100), down); err == nil {
		t.Fatal("a sync through a closed store did not fail")
	}
	if err := a.Sync(context.Background(), ms(200), up); err != nil {
		t.Fatal(err)
	}
	b.AllowAt("k", ms(210))
	if err := b.Sync(context.Background(), ms(250), other); err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for i := range 20 {
		if b.AllowAt("k", ms(300+i)) {
			admitted++
		}
	}
	if admitted != 4 {
		t.Errorf("after the other instance's 15 and its own 1, %d more admitted; want 4 (burst 20)", admitted)
	}
}
