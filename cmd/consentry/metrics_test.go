package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestMetricsOnTheirOwnListener: with CONSENTRY_METRICS_ADDR (the twin of
// --metrics-addr) /metrics answers there, and the public listener says 404.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Setenv("CONSENTRY_METRICS_ADDR", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out storetest.LockedBuffer
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
		!strings.Contains(body, "\nconsentry_writer_batch_reruns_total 0\n") || !strings.Contains(body, "\nconsentry_name_sweeps_failed_total 0\n") {
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

// TestFailedSweepShows: a background name sweep that fails is what an
// operator can see: a line in the server's log with the error's class and
// no string of the tables, and consentry_name_sweeps_failed_total on
// /metrics. The database's sweep cannot read its candidates (their table
// was renamed behind the server's back).
func TestFailedSweepShows(t *testing.T) {
	defer func(d time.Duration) { store.SweepDelay = d }(store.SweepDelay)
	store.SweepDelay = 50 * time.Millisecond
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("ALTER TABLE names_pending RENAME TO names_pending_away")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, log storetest.LockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + path}, nil, &out, &log)
	}()
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(log.String(), "name sweep failed") || !listening.MatchString(out.String()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no failed sweep logged:\n%s\n%s", out.String(), log.String())
		}
	}
	line := regexp.MustCompile(`level=ERROR msg="name sweep failed: user agents and pages that erasures and purges left stay stored until a sweep succeeds" ` +
		`error="sqlite code 1" removed=0 failures_in_a_row=1 next_try=5m0s\n`)
	if !line.MatchString(log.String()) {
		t.Errorf("the log says:\n%s", log.String())
	}
	url := listening.FindStringSubmatch(out.String())
	res, err := http.Get(url[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"\nconsentry_name_sweeps_failed_total 1\n", "\nconsentry_name_sweeps_total 1\n", "\nconsentry_names_removed_total 0\n"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics has no %q:\n%s", strings.TrimSpace(want), body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}
}
