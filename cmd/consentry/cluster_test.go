package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// TestMain lets a test start this package's own binary as a real consentry
// process: with CONSENTRY_TEST_MAIN set it runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("CONSENTRY_TEST_MAIN") != "" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	removeBinary()
	os.Exit(code)
}

// instance is one consentry server process.
type instance struct {
	cmd *exec.Cmd
	url string
	out *storetest.LockedBuffer
}

func startInstance(t *testing.T, env []string, args ...string) *instance {
	t.Helper()
	in := &instance{out: &storetest.LockedBuffer{}}
	in.cmd = exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	in.cmd.Env = append(append(os.Environ(), "CONSENTRY_TEST_MAIN=1"), env...)
	stdout, err := in.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in.cmd.Stderr = in.out
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.cmd.Process.Kill(); in.cmd.Wait() })
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			in.out.Write(append(sc.Bytes(), '\n'))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case in.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("the instance did not start:\n%s", in.out.String())
	}
	return in
}

func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.cmd.Process.Signal(syscall.SIGTERM)
	if err := in.cmd.Wait(); err != nil {
		t.Errorf("instance ended with %v:\n%s", err, in.out.String())
	}
}

// Two server processes on one PostgreSQL database take 10,000 consents
// between them at once: the ledger is one chain that verifies, and changing
// any one row makes verify fail naming that event.
func TestTwoInstancesOneLedger(t *testing.T) {
	db := pgtest.URL(t)
	env := strings.Fields(config.NewKeys().Env())
	a := startInstance(t, env, "--db", db, "--demo", "--rate-limit", "0")
	b := startInstance(t, env, "--db", db, "--rate-limit", "0")

	const total, workers = 10000, 16
	var (
		next, failed atomic.Int64
		wg           sync.WaitGroup
		firstErr     atomic.Value
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := []*instance{a, b}[w%2].url
			for next.Add(1) <= total {
				res, err := client.Post(base+"/api/v1/sites/demo/consents", "application/json",
					strings.NewReader(`{"action":"accept_all","revision":1,"lang":"en"}`))
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d consents failed, the first with %v", n, firstErr.Load())
	}
	a.stop(t)
	b.stop(t)

	var out bytes.Buffer
	if err := run(context.Background(), []string{"verify", "--db", db}, nil, &out, &out); err != nil ||
		!strings.Contains(out.String(), fmt.Sprintf("ledger intact: %d events", total)) {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}

	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if tag, err := conn.Exec(context.Background(), `WITH c AS (INSERT INTO choices (revision, action, granted, source, lang, country, rule, texts_hash)
		SELECT revision, action, granted, source, lang, 'ZZ', rule, texts_hash FROM choices WHERE id = (SELECT choice_id FROM events WHERE seq = 4321)
		RETURNING id) UPDATE events SET choice_id = (SELECT id FROM c) WHERE seq = 4321`); err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("tamper: %v %v", tag, err)
	}
	out.Reset()
	err = run(context.Background(), []string{"verify", "--db", db}, nil, &out, &out)
	if err == nil || !strings.Contains(out.String(), "TAMPERED") || !strings.Contains(out.String(), "event #4321") {
		t.Fatalf("verify after changing event #4321: %v\n%s", err, out.String())
	}
}

// On PostgreSQL an instance never makes keys of its own: without configured
// keys it refuses to start and says how to make them.
func TestPostgresNeedsKeys(t *testing.T) {
	db := pgtest.URL(t)
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "consentry keys generate") || !strings.Contains(err.Error(), "consentry keys export --db sqlite:PATH") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve without keys: %v", err)
	}
	missing := t.TempDir() + "/cluster.keys"
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--keys-file", missing}, nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("serve made a key file of its own on PostgreSQL")
	}
	if _, statErr := os.Stat(missing); statErr == nil {
		t.Fatal("serve created the missing shared key file")
	}
	// Commands that need the signing key say where it comes from, a moved
	// deployment's own included, rather than only how to make a new one.
	err = run(context.Background(), []string{"keys", "public", "--db", db}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CONSENTRY_SIGNING_KEYS") || !strings.Contains(err.Error(), "consentry keys export") {
		t.Fatalf("keys public without keys: %v", err)
	}
}

// keys generate prints a key set that serve takes as it is.
func TestKeysGenerate(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "generate"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(out.String())
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "CONSENTRY_TOKEN_KEYS=") || !strings.HasPrefix(lines[1], "CONSENTRY_SESSION_KEYS=") ||
		!strings.HasPrefix(lines[2], "CONSENTRY_SIGNING_KEYS=") {
		t.Fatalf("output %q", out.String())
	}
	for _, line := range lines {
		name, value, _ := strings.Cut(line, "=")
		keys, err := config.ParseKeyList(value)
		if err != nil || len(keys) == 0 || len(keys[0]) != 32 {
			t.Errorf("%s: %d keys, err %v", name, len(keys), err)
		}
		t.Setenv(name, value)
	}
	var again bytes.Buffer
	run(context.Background(), []string{"keys", "generate"}, nil, &again, io.Discard)
	if again.String() == out.String() {
		t.Error("two runs printed the same keys")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var served storetest.LockedBuffer
	db := pgtest.URL(t) // here, not in the goroutine: a skip there would leave done empty
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, nil, &served, io.Discard)
	}()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(served.String(), "listening on") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
	}
	cancel()
	if err := <-done; err != nil || !strings.Contains(served.String(), "listening on") {
		t.Fatalf("serve with generated keys: %v\n%s", err, served.String())
	}
	if strings.Contains(served.String(), "consentry_test@") || !strings.Contains(served.String(), "xxxxx") {
		t.Errorf("the database password is printed: %s", served.String())
	}
}
