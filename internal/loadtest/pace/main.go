// Command pace posts consent decisions at a fixed rate (open loop: a slow
// answer does not slow the sender, unlike wrk's closed loop) and prints the
// latency percentiles, for the DESIGN.md target "p99 ≤ 10 ms at 5k/s".
// make loadtest runs it against the real binary.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// body is a decision; each post adds its own request_id, a UUID version 7
// as the snippet makes it.
const body = `{"action":"custom","categories":{"analytics":true,"marketing":false},"revision":1,"lang":"en","page":"https://shop.example/basket","source":"banner","request_id":"`

func main() {
	url := flag.String("url", "", "the consent endpoint, e.g. http://127.0.0.1:8080/api/v1/sites/demo/consents")
	rate := flag.Int("rate", 5000, "requests per second")
	dur := flag.Duration("d", 5*time.Second, "how long to send")
	flag.Parse()
	if *url == "" || *rate < 1 {
		flag.Usage()
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	n := int(dur.Seconds() * float64(*rate))
	lats := make([]time.Duration, n)
	var (
		wg    sync.WaitGroup
		fails atomic.Int64
	)
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(*rate))); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := body + uuid.Must(uuid.NewV7()).String() + `"}`
			t0 := time.Now()
			res, err := client.Post(*url, "text/plain", strings.NewReader(b))
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			lats[i] = time.Since(t0)
			if err != nil || res.StatusCode != http.StatusCreated {
				fails.Add(1)
			}
		}()
	}
	sent := time.Since(start)
	wg.Wait()
	slices.Sort(lats)
	pct := func(p int) string { return lats[min(n-1, n*p/100)].Round(10 * time.Microsecond).String() }
	fmt.Printf("paced %d posts in %s (%.0f/s offered): p50 %s p90 %s p99 %s max %s, %d not 201\n",
		n, sent.Round(time.Millisecond), float64(n)/sent.Seconds(), pct(50), pct(90), pct(99), lats[n-1].Round(10*time.Microsecond), fails.Load())
	if fails.Load() > 0 {
		os.Exit(1)
	}
}
