package main

import (
	"bufio"
	"context"
	"errors"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/jackc/pgx/v5"
)

// A `consentry purge` process SIGKILLed mid-way cannot mark its record
// done, so no head would ever cover it. What the kill leaves: the events
// of the batches that committed are gone, and the record counts exactly
// those (verify passes: the runs add up to it), not done; the purge lock
// died with the process. The next purge closes the record (done,
// interrupted, audited) before its own work, and a head recorded after it
// covers both records; the head fails when the closed record is changed.
func TestPurgeKilledIsClosed(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := t.TempDir() + "/c.db"
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		agedFill(t, st, 2000, 5)
		st.Close()
		killedPurge(t, "sqlite:"+path, "sqlite:"+path, nil)
		// The interrupted mark is pinned by the head too.
		out, err := runCmd(t, "verify", "--db", "sqlite:"+path)
		head := regexp.MustCompile(`head (\S+:2:[0-9a-f]{64}) `).FindStringSubmatch(out)
		if err != nil || head == nil {
			t.Fatalf("%v %q", err, out)
		}
		tamper(t, path, "UPDATE purges SET interrupted = 0 WHERE id = 1")
		out, err = runCmd(t, "verify", "--db", "sqlite:"+path, "--head", head[1])
		var b *ledger.Break
		if !errors.As(err, &b) || !strings.Contains(out, "TAMPERED: ledger broken at purge records 1 to 2") {
			t.Fatalf("the closed record unmarked: err %v, output %q", err, out)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		db := pgtest.URL(t)
		st, err := app.OpenStore(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		agedFill(t, st, 2000, 5)
		st.Close()
		// The killed process's sessions end when PostgreSQL notices, and a
		// COMMIT it sent just before may land after the kill: what the
		// kill leaves is there once they are gone.
		const name = "consentry-killed-purge"
		gone := func() {
			conn, err := pgx.Connect(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				var n int
				if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d sessions of the killed purge still open after 30 s", n)
				}
			}
		}
		killedPurge(t, db, db+"&application_name="+name, gone)
	})
}

// killedPurge runs a purge of the 2,000 old events of db in batches of
// one (through dbKilled, the same database), kills it after its first
// batches, and checks what is left and how the next purge closes it. gone,
// when set, waits until the database has seen the killed process go; it
// also says that the purge lock is the database's, which other tests may
// hold for a moment (PostgreSQL's advisory locks are not the schema's).
func killedPurge(t *testing.T, db, dbKilled string, gone func()) {
	t.Helper()
	ctx := context.Background()
	exclusive := gone == nil
	cmd := exec.Command(binary(t), "purge", "--db", dbKilled, "--older-than", "200d", "--batch", "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	removing := make(chan struct{}, 1)
	var lines []string
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.Contains(sc.Text(), "events removed") {
				select {
				case removing <- struct{}{}:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	select {
	case <-removing:
	case err := <-exited:
		t.Fatalf("the purge ended before it removed anything: %v %q", err, lines)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the purge removed nothing within a minute")
	}
	st, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if exclusive {
		if _, free, err := st.PurgeLock(ctx); err != nil || free {
			t.Errorf("the purge lock was free while the purge ran: %v, err %v", free, err)
		}
	}
	time.Sleep(rand.N(100 * time.Millisecond))
	cmd.Process.Signal(syscall.SIGKILL)
	if err := <-exited; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the purge was not killed: %v %q", err, lines)
	}
	if gone != nil {
		gone()
	}

	open, err := st.UnfinishedPurges(ctx)
	if err != nil || len(open) != 1 || open[0].Count == 0 || open[0].Count >= 2000 {
		t.Fatalf("after the kill: unfinished %+v, err %v; want the record, part done", open, err)
	}
	removed := open[0].Count
	t.Logf("killed after %d of 2,000 events were removed", removed)
	if got := eventsLeft(t, st); got != 2005-removed {
		t.Fatalf("%d events left, the record says %d removed of 2,005", got, removed)
	}
	release, err := lockWithin(t, st)
	if err != nil {
		t.Fatalf("the purge lock outlived the killed purge: %v", err)
	}
	release()
	out, err := runCmd(t, "verify", "--db", db)
	stopped := "purge #1 stopped before it ended (its process was killed?) after removing " + strconv.FormatInt(removed, 10) + " events"
	if err != nil || !strings.Contains(out, strconv.FormatInt(2005-removed, 10)+" events verified") ||
		!strings.Contains(out, strconv.FormatInt(removed, 10)+" purged events crossed") {
		t.Fatalf("verify after the kill: %v %q", err, out)
	}
	if exclusive && !strings.Contains(out, stopped) {
		t.Errorf("verify does not say the purge stopped: %q", out)
	}
	before := regexp.MustCompile(`head (\S+:0:0{64}) `).FindStringSubmatch(out)
	if before == nil {
		t.Fatalf("the head after the kill names a purge: %q", out)
	}

	out, err = runCmd(t, "purge", "--db", db, "--older-than", "200d")
	if err != nil || !strings.Contains(out, "closed purge #1, which stopped before it ended (its process was killed?) after removing "+
		strconv.FormatInt(removed, 10)+" events") || !strings.Contains(out, "purged "+strconv.FormatInt(2000-removed, 10)+" events of all sites") {
		t.Fatalf("the next purge: %v %q", err, out)
	}
	if open, err := st.UnfinishedPurges(ctx); err != nil || len(open) != 0 {
		t.Fatalf("unfinished after the next purge: %+v, err %v", open, err)
	}
	var done []store.Purge
	if err := st.DonePurges(ctx, func(p store.Purge) error { done = append(done, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || !done[0].Interrupted || done[0].Count != removed || done[1].Interrupted || done[1].Count != 2000-removed {
		t.Fatalf("done purges %+v", done)
	}
	out, err = runCmd(t, "verify", "--db", db)
	if err != nil || !strings.Contains(out, "5 events verified") || !strings.Contains(out, "2000 purged events crossed") ||
		strings.Contains(out, "stopped before it ended") || !regexp.MustCompile(`head \S+:2:[0-9a-f]{64} `).MatchString(out) {
		t.Fatalf("verify after the next purge: %v %q", err, out)
	}
	out, err = runCmd(t, "verify", "--db", db, "--head", before[1])
	if err != nil || !strings.Contains(out, "2 since, not covered by it:") ||
		!strings.Contains(out, "purge #1: "+strconv.FormatInt(removed, 10)+" events") || !strings.Contains(out, "stopped before it ended") {
		t.Fatalf("verify --head from before the next purge: %v %q", err, out)
	}
	trail, err := st.AuditLog(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var closed bool
	for _, a := range trail {
		closed = closed || a.Action == "purge" && strings.HasPrefix(a.Detail, "purge #1: ") && strings.HasSuffix(a.Detail, "stopped before it ended; closed by cli")
	}
	if !closed {
		t.Errorf("the closed purge is not audited: %+v", trail)
	}
}

// eventsLeft counts the events st holds.
func eventsLeft(t *testing.T, st store.Store) int64 {
	t.Helper()
	var n int64
	if err := st.Walk(context.Background(), 0, func(*consent.Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// lockWithin takes the purge lock, waiting at most half a minute.
func lockWithin(t *testing.T, st store.Store) (func(), error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return retention.Lock(ctx, st, nil)
}
