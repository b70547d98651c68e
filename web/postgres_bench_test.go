package web_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/pgtest"
)

// onPostgres runs an instance on the database url with the cluster's keys;
// only the first one seeds the demo.
func onPostgres(url string, keys config.Keys, demo bool) func(*app.Options) {
	return func(o *app.Options) {
		o.DB, o.Demo, o.TokenKeys, o.SessionKeys = url, demo, keys.Token, keys.Session
	}
}

// BenchmarkConsentPostHTTPPostgres is BenchmarkConsentPostHTTP with the
// ledger on PostgreSQL (CONSENTRY_TEST_POSTGRES_URL), Instances=1, and with
// two instances on one database, Instances=2, the load split between them.
func BenchmarkConsentPostHTTPPostgres(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(map[int]string{1: "Instances=1", 2: "Instances=2"}[n], func(b *testing.B) {
			url, keys := pgtest.URL(b), config.NewKeys()
			var bases []string
			for i := range n {
				srv := httptest.NewServer(newApp(b, 0, onPostgres(url, keys, i == 0)).Server)
				defer srv.Close()
				bases = append(bases, srv.URL)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
			const workers = 128
			var (
				next  atomic.Int64
				mu    sync.Mutex
				lats  []time.Duration
				wg    sync.WaitGroup
				fails atomic.Int64
			)
			b.ResetTimer()
			start := time.Now()
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var mine []time.Duration
					for next.Add(1) <= int64(b.N) {
						lat, ok := postOnce(client, bases[w%n])
						if !ok {
							fails.Add(1)
						}
						mine = append(mine, lat)
					}
					mu.Lock()
					lats = append(lats, mine...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			report(b, time.Since(start), fails.Load(), lats)
		})
	}
}
