package web_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/pgtest"
)

// TestRateLimitAcrossInstancesPostgres: two instances on one PostgreSQL
// database, one client sending decisions through both alternately, far
// faster than the limit, for a few seconds. Together they admit what one
// instance would (rate × time + burst), plus what one admits before it sees
// the other's counts: a burst when the client first reaches both, and the
// tokens of a sync interval or so. With each instance's limit in its own
// memory (as before) the client got about twice that.
func TestRateLimitAcrossInstancesPostgres(t *testing.T) {
	const (
		rate  = 20
		burst = 2 * rate
		run   = 5 * time.Second
	)
	url, keys := pgtest.URL(t), config.NewKeys()
	servers := make([]*httptest.Server, 2)
	for i := range servers {
		servers[i] = httptest.NewServer(newApp(t, rate, onPostgres(url, keys, i == 0)).Server)
		t.Cleanup(servers[i].Close)
	}
	var admitted, refused [2]int
	began := time.Now()
	for i := 0; time.Since(began) < run; i++ {
		time.Sleep(time.Millisecond) // still 50 times the limit, and the machine is shared
		n := i % 2
		res, err := http.Post(servers[n].URL+consents, "text/plain", strings.NewReader(`{"action":"reject_all","revision":1}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusCreated:
			admitted[n]++
		case http.StatusTooManyRequests:
			refused[n]++
			if res.Header.Get("Retry-After") != "1" {
				t.Fatalf("429 with Retry-After %q, want 1", res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	took := time.Since(began).Seconds()
	total := admitted[0] + admitted[1]
	// One sync interval is 250 ms (ratelimit.SyncEvery); allow a second's
	// tokens (rate), for a machine busy enough to delay a sync.
	bound := int(math.Ceil(rate*took)) + burst + burst + rate
	t.Logf("in %.1fs at %d/s (burst %d): admitted %v, refused %v; %d in all, bound %d, each instance alone would allow %d",
		took, rate, burst, admitted, refused, total, bound, 2*(int(rate*took)+burst))
	if refused[0] == 0 || refused[1] == 0 {
		t.Fatalf("an instance refused nothing (refused %v): the client did not exceed the limit there", refused)
	}
	if total > bound {
		t.Errorf("two instances admitted %d decisions of one client in %.1fs at %d/s, burst %d; want at most %d (the limit is per instance)",
			total, took, rate, burst, bound)
	}
}

// The limit counts networks, as the ledger stores addresses: two addresses
// in one /24 share it, and another /24 has its own.
func TestRateLimitPerNetwork(t *testing.T) {
	a := newApp(t, 1, func(o *app.Options) { // 1/s, burst 2; do's requests come from the proxy
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("203.0.113.77/32")}
	})
	post := func(ip string) int {
		return do(a, req{"POST", consents, `{"action":"reject_all","revision":1}`, map[string]string{"X-Forwarded-For": ip}}).Code
	}
	codes := []int{post("198.51.100.1"), post("198.51.100.2"), post("198.51.100.3"), post("192.0.2.1")}
	if codes[0] != http.StatusCreated || codes[1] != http.StatusCreated || codes[2] != http.StatusTooManyRequests || codes[3] != http.StatusCreated {
		t.Errorf("three addresses of one /24, then another network: %v, want 201 201 429 201", codes)
	}
}
