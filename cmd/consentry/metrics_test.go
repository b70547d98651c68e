package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMetricsOnTheirOwnListener: with CONSENTRY_METRICS_ADDR (the twin of
// --metrics-addr) /metrics answers there, and the public listener says 404.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Setenv("CONSENTRY_METRICS_ADDR", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "c.db")}, nil, &out, io.Discard)
	}()
	printed := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)[\s\S]*Metrics:\s+(http://127\.0\.0\.1:\d+/metrics)`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m = printed.FindStringSubmatch(out.String())
	}
	if m == nil {
		t.Fatalf("no metrics URL printed:\n%s", out.String())
	}
	get := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := get(m[2]); status != 200 || !strings.Contains(body, "consentry_writer_queue_length") ||
		!strings.Contains(body, "\nconsentry_writer_batch_reruns_total 0\n") {
		t.Errorf("metrics listener: %d %.200s", status, body)
	}
	if status, _ := get(m[1] + "/metrics"); status != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", status)
	}
	if status, _ := get(m[1] + "/healthz"); status != 200 {
		t.Errorf("public /healthz: %d", status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}
}
