package main

import (
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The server under ingest load is SIGKILLed at a random moment, then
// started again on the same database: every consent it acknowledged (201)
// is there and the ledger verifies. CONSENTRY_CRASH_ROUNDS sets the number
// of rounds (make crashtest: 100).
func TestCrashSafety(t *testing.T) {
	rounds := 3
	if v := os.Getenv("CONSENTRY_CRASH_ROUNDS"); v != "" {
		var err error
		if rounds, err = strconv.Atoi(v); err != nil || rounds < 1 {
			t.Fatalf("CONSENTRY_CRASH_ROUNDS=%q: want a number of rounds", v)
		}
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	var totalAcked, totalLost int
	var stored int64
	for round := 1; round <= rounds; round++ {
		p := startProc(t, db)
		var ok acked
		var codes sync.Map
		stop := make(chan struct{})
		wg := load(p.url, 8, stop, &ok, &codes)
		for deadline := time.Now().Add(30 * time.Second); len(ok.all()) < 10 && time.Now().Before(deadline); {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(rand.N(300 * time.Millisecond))
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
		close(stop)
		wg.Wait()
		ids := ok.all()
		if len(ids) == 0 {
			t.Fatalf("round %d: nothing was acknowledged before the kill:\n%s", round, p.out)
		}
		lost, n := missing(t, db, ids)
		totalAcked += len(ids)
		totalLost += lost
		stored = n
		if lost > 0 {
			t.Errorf("round %d: %d of %d acknowledged consents lost", round, lost, len(ids))
		}
		verifies(t, db)
		if testing.Verbose() {
			t.Logf("round %d: %d acknowledged, %d lost; answers %s", round, len(ids), lost, codeCounts(&codes))
		}
	}
	t.Logf("%d rounds of SIGKILL under load: %d consents acknowledged, %d lost; %d stored (%d committed without their answer reaching the client)",
		rounds, totalAcked, totalLost, stored, stored-int64(totalAcked))
}

// On a filesystem that fills up, consents are refused with 503 and
// Retry-After (never 500), /readyz says 503, nothing acknowledged is lost,
// and once space returns the server recovers by itself: /readyz 200 without
// any consent traffic, then 201s, with no restart. The test mounts a small
// tmpfs, so it needs root; outside CI it skips when it cannot mount.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "consentry-diskfull", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	db := "sqlite:" + filepath.Join(dir, "c.db")
	p := startProc(t, db)
	client := &http.Client{Timeout: 30 * time.Second}
	post := func() (int, string, string) {
		res, err := client.Post(p.url+"/api/v1/sites/demo/consents", "text/plain",
			strings.NewReader(`{"action":"reject_all","revision":1,"lang":"en"}`))
		if err != nil {
			t.Fatalf("post: %v\n%s", err, p.out)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Retry-After"), string(b)
	}
	ready := func() int {
		res, err := client.Get(p.url + "/readyz")
		if err != nil {
			t.Fatalf("readyz: %v", err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	var ids []string
	eventID := func(body string) string {
		_, rest, _ := strings.Cut(body, `"event_id":"`)
		id, _, _ := strings.Cut(rest, `"`)
		return id
	}
	for range 50 {
		if code, _, body := post(); code != http.StatusCreated {
			t.Fatalf("before filling the disk: %d %s", code, body)
		} else {
			ids = append(ids, eventID(body))
		}
	}

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	seen := map[int]int{}
	var retryAfter string
	for range 2000 {
		code, ra, body := post()
		seen[code]++
		switch code {
		case http.StatusCreated:
			ids = append(ids, eventID(body))
			continue
		case http.StatusServiceUnavailable:
			if ra == "" {
				t.Fatalf("503 without Retry-After: %s", body)
			}
			retryAfter = ra
		default:
			t.Fatalf("disk full: status %d: %s\n%s", code, body, p.out)
		}
		if seen[http.StatusServiceUnavailable] >= 20 {
			break
		}
	}
	if seen[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("the disk filled up but no consent was refused: %v", seen)
	}
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz %d while the disk is full", code)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for ready() != http.StatusOK {
		if time.Since(start) > time.Minute {
			t.Fatalf("readyz did not come back once space returned:\n%s", p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(start)
	for range 20 {
		code, _, body := post()
		if code != http.StatusCreated {
			t.Fatalf("after space returned: %d %s", code, body)
		}
		ids = append(ids, eventID(body))
	}
	t.Logf("disk full: answers %v, Retry-After %s; readyz back to 200 %s after space returned, with no consent traffic",
		seen, retryAfter, recovered.Round(10*time.Millisecond))

	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(t, 60*time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.out)
	}
	lost, _ := missing(t, db, parseIDs(t, ids))
	if lost > 0 {
		t.Errorf("%d of %d acknowledged consents lost", lost, len(ids))
	}
	verifies(t, db)
}

// fill writes path until the filesystem has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for size := len(chunk); size > 0; size /= 2 {
		for {
			if _, err := f.Write(chunk[:size]); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}

func parseIDs(t *testing.T, ss []string) []uuid.UUID {
	t.Helper()
	out := make([]uuid.UUID, len(ss))
	for i, s := range ss {
		id, err := uuid.Parse(s)
		if err != nil {
			t.Fatalf("event_id %q: %v", s, err)
		}
		out[i] = id
	}
	return out
}
