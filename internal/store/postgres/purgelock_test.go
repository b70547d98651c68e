package postgres

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Giving the purge lock back never hangs on a database that stopped
// answering (a network partition; here its session's backend is stopped
// with SIGSTOP): a server shutting down waits for its scheduled purge's
// release. The connection is closed instead of pooled, so the lock is not
// left on a pooled session: it is free once the backend sees the session
// gone.
func TestPurgeLockReleaseUnanswered(t *testing.T) {
	ctx := context.Background()
	s, url := openTest(t)
	conn := takePurgeLock(t, s)
	release := func() { releasePurgeLock(conn) }
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var pid int
	if err := other.QueryRow(ctx, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = $1::bigint >> 32 AND objid::bigint = $1::bigint & 4294967295 AND objsubid = 1`, int64(purgeLockKey)).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		if errors.Is(err, syscall.EPERM) && os.Getenv("CI") == "" {
			t.Skipf("cannot stop PostgreSQL's backend %d (not its owner or root): %v", pid, err)
		}
		t.Fatal(err)
	}
	stopped := true
	cont := func() {
		if stopped {
			syscall.Kill(pid, syscall.SIGCONT)
			stopped = false
		}
	}
	defer cont()
	released := make(chan struct{})
	go func() { release(); close(released) }()
	select {
	case <-released:
	case <-time.After(2 * time.Minute):
		cont()
		<-released
		t.Fatal("release waited for a database that did not answer")
	}
	cont()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var held bool
		if err := other.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory')", pid).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session that held the purge lock still holds it 30 s after its release: it went back to the pool")
		}
	}
}

// The purge lock's session has short TCP keepalives while it holds the
// lock (a holder whose machine vanished loses it within about a minute, not
// two hours), and the connection goes back to the pool with the server's
// defaults.
func TestPurgeLockKeepalives(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var defaults string
	if err := s.pool.QueryRow(ctx, "SHOW tcp_keepalives_idle").Scan(&defaults); err != nil {
		t.Fatal(err)
	}
	conn := takePurgeLock(t, s)
	var idle, interval, count string
	if err := conn.QueryRow(ctx, "SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'), current_setting('tcp_keepalives_count')").Scan(&idle, &interval, &count); err != nil {
		t.Fatal(err)
	}
	pid := conn.Conn().PgConn().PID()
	releasePurgeLock(conn)
	if idle != "30" || interval != "10" || count != "3" {
		t.Errorf("the lock's session keepalives: idle %s, interval %s, count %s; want 30, 10, 3 (a TCP connection)", idle, interval, count)
	}
	// Back in the pool with the defaults: take every idle connection and
	// look at the one that held the lock.
	held := s.pool.AcquireAllIdle(ctx)
	defer func() {
		for _, c := range held {
			c.Release()
		}
	}()
	for _, c := range held {
		if c.Conn().PgConn().PID() != pid {
			continue
		}
		var now string
		if err := c.QueryRow(ctx, "SHOW tcp_keepalives_idle").Scan(&now); err != nil {
			t.Fatal(err)
		}
		if now != defaults {
			t.Errorf("the connection went back to the pool with keepalive idle %s, not the default %s", now, defaults)
		}
		return
	}
	t.Error("the lock's connection is not back in the pool")
}

// takePurgeLock takes the purge lock, waiting up to 30 s: the lock is the
// database's, and another package's test may hold it.
func takePurgeLock(t *testing.T, s *Store) *pgxpool.Conn {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		conn, ok, err := s.purgeLock(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return conn
		}
		if time.Now().After(deadline) {
			t.Fatal("the purge lock stayed taken for 30 s")
		}
	}
}
