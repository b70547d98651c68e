package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store"
)

// BenchmarkRefusedOriginFlood posts decisions from 64 goroutines, each
// from an origin never seen before (a hostile flood of made-up Origin
// headers), all refused (403), and reports refusals a second and the CPU
// each costs; then it flushes the counts and fails unless the store kept
// at most store.MaxRefusedOrigins origins for the site an hour.
func BenchmarkRefusedOriginFlood(b *testing.B) {
	a := newApp(b, 0)
	var n atomic.Int64
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("POST", consents, strings.NewReader(`{"action":"accept_all","revision":1}`))
			r.RemoteAddr = "203.0.113.9:1234"
			r.Header.Set("Origin", "https://"+strconv.FormatInt(n.Add(1), 36)+".flood.example")
			rec := httptest.NewRecorder()
			a.Server.ServeHTTP(rec, r)
			if rec.Code != http.StatusForbidden {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "refusals/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-us/op")
	b.StopTimer()
	if err := a.Server.FlushRefusals(context.Background()); err != nil {
		b.Fatal(err)
	}
	rows, err := a.Store.RefusedOrigins(context.Background(), "demo", 0)
	if err != nil {
		b.Fatal(err)
	}
	perHour := map[int64]int{}
	for _, r := range rows {
		if perHour[r.Hour]++; perHour[r.Hour] > store.MaxRefusedOrigins {
			b.Fatalf("after %d made-up origins the store keeps more than %d origins in hour %d", b.N, store.MaxRefusedOrigins, r.Hour)
		}
	}
}
