package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/google/uuid"
)

var (
	buildOnce sync.Once
	builtDir  string
	built     string
	buildErr  error
)

// binary builds the consentry command once per test run, so that the
// process tests run the very program an operator runs.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if builtDir, buildErr = os.MkdirTemp("", "consentry-bin-"); buildErr != nil {
			return
		}
		built = filepath.Join(builtDir, "consentry")
		out, err := exec.Command("go", "build", "-o", built, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

// removeBinary removes what binary built; TestMain calls it.
func removeBinary() {
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
}

// proc is one consentry serve process started from the built binary.
type proc struct {
	cmd    *exec.Cmd
	url    string
	out    *storetest.LockedBuffer
	exited chan struct{}
	err    error // once exited is closed
}

func startProc(t *testing.T, db string, args ...string) *proc {
	t.Helper()
	p := &proc{out: &storetest.LockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo", "--rate-limit", "0"}, args...)...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`listening on (http://\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.out.Write(append(sc.Bytes(), '\n'))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.exited })
	select {
	case p.url = <-found:
	case <-p.exited:
		t.Fatalf("the server ended at start: %v\n%s", p.err, p.out)
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start:\n%s", p.out)
	}
	return p
}

// wait waits at most limit for the process to end and returns its error.
func (p *proc) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(limit):
		t.Fatalf("the server did not end within %s:\n%s", limit, p.out)
		return nil
	}
}

// acked is the event IDs the server answered 201 for.
type acked struct {
	mu  sync.Mutex
	ids []uuid.UUID
}

func (a *acked) add(id uuid.UUID) { a.mu.Lock(); a.ids = append(a.ids, id); a.mu.Unlock() }

func (a *acked) all() []uuid.UUID {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]uuid.UUID(nil), a.ids...)
}

// load posts consents from workers goroutines until stop is closed and
// records every acknowledged one. Other answers (the server going away, a
// 503) are counted by status in codes ("error" for no answer).
func load(base string, workers int, stop <-chan struct{}, ok *acked, codes *sync.Map) *sync.WaitGroup {
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	count := func(k string) {
		n, _ := codes.LoadOrStore(k, new(int64))
		mu.Lock()
		*n.(*int64)++
		mu.Unlock()
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := client.Post(base+"/api/v1/sites/demo/consents", "text/plain",
					strings.NewReader(`{"action":"accept_all","revision":1,"lang":"en","request_id":"`+uuid.NewString()+`"}`))
				if err != nil {
					count("error")
					time.Sleep(5 * time.Millisecond)
					continue
				}
				var body struct {
					EventID string `json:"event_id"`
				}
				json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				count(fmt.Sprint(res.StatusCode))
				if res.StatusCode == http.StatusCreated {
					ok.add(uuid.MustParse(body.EventID))
				} else {
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	return &wg
}

var mu sync.Mutex // guards the counters in load's codes

func codeCounts(codes *sync.Map) string {
	mu.Lock()
	defer mu.Unlock()
	var parts []string
	codes.Range(func(k, v any) bool { parts = append(parts, fmt.Sprintf("%s×%d", k, *v.(*int64))); return true })
	return strings.Join(parts, " ")
}

// missing opens the database as the next start would and returns how many
// of ids are not in the ledger, and how many events it holds.
func missing(t *testing.T, db string, ids []uuid.UUID) (lost int, stored int64) {
	t.Helper()
	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range ids {
		if _, err := st.Event(context.Background(), id); err != nil {
			lost++
		}
	}
	stored, _, err = st.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return lost, stored
}

func verifies(t *testing.T, db string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"verify", "--db", db}, nil, &out, &out); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
}

// A failed start (the port is taken, the database cannot be opened) ends the
// process with status 1 and says why: no panic, no stack, nothing created.
// A port another program holds says how to choose another (a newcomer's
// make run on a machine already serving 8080 said only "address already in
// use").
func TestFailedStartIsOneLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	// Keys, so that an instance on PostgreSQL gets as far as its database.
	var keys bytes.Buffer
	if err := run(context.Background(), []string{"keys", "generate"}, nil, &keys, io.Discard); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), strings.Fields(keys.String())...)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"port in use": {[]string{"--addr", ln.Addr().String(), "--db", "sqlite:" + filepath.Join(dir, "c.db")},
			"consentry: listen " + ln.Addr().String() + ": address already in use: another program listens there; " +
				"choose another address with --addr HOST:PORT (make run ADDR=HOST:PORT)\n"},
		"bad address": {[]string{"--addr", "127.0.0.1:99999", "--db", "sqlite:" + filepath.Join(dir, "c.db")},
			"consentry: listen 127.0.0.1:99999: invalid port\n"},
		// The store fails to open after the listener is bound: the failed
		// start closes what it opened, and a store that did not open is
		// nothing to close (it once panicked there, hiding the reason).
		"no such directory": {[]string{"--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(dir, "missing", "c.db")},
			"consentry: "},
		"unknown scheme": {[]string{"--addr", "127.0.0.1:0", "--db", "postgress://consentry:s3cret@127.0.0.1:1/consentry"},
			"consentry: --db: postgress://… is neither sqlite:PATH nor postgres://…\n"},
		"sqlite: without a path": {[]string{"--addr", "127.0.0.1:0", "--db", "sqlite:"},
			"consentry: --db: sqlite: names no file; use sqlite:PATH\n"},
		"PostgreSQL unreachable": {[]string{"--addr", "127.0.0.1:0", "--db", "postgres://consentry:s3cret@127.0.0.1:1/consentry"},
			"consentry: "},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(binary(t), append([]string{"serve"}, tc.args...)...)
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr, cmd.Stdout = &stderr, io.Discard
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("exit: %v, want status 1", err)
			}
			got := stderr.String()
			exact := strings.HasSuffix(tc.want, "\n")
			if exact && got != tc.want || !strings.HasPrefix(got, tc.want) || strings.Contains(got, "panic") || strings.Contains(got, "s3cret") {
				t.Errorf("stderr:\n%s\nwant (without a panic or the password):\n%s", got, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "c.db")); err == nil {
				t.Error("a failed start created the database")
			}
		})
	}
}

// trickle opens a connection and sends head, then body, one byte a second,
// until the server hangs up or stop is closed.
func trickle(addr, head, body string, stop <-chan struct{}) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer conn.Close()
	if head != "" {
		conn.Write([]byte(head))
	}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
		}
		if _, err := conn.Write([]byte{body[i%len(body)]}); err != nil {
			return
		}
	}
}

// SIGTERM under load, with one client trickling its header and another its
// body a byte a second: the process drains the writer and exits 0 within a
// bounded time, and every consent it acknowledged is in the ledger.
func TestSIGTERMDrainsWithSlowClients(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	p := startProc(t, db)
	addr := strings.TrimPrefix(p.url, "http://")
	stop := make(chan struct{})
	defer close(stop)
	go trickle(addr, "", "POST /api/v1/sites/demo/consents HTTP/1.1\r\nHost: x\r\n", stop)
	go trickle(addr, "POST /api/v1/sites/demo/consents HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n", `{"action":"accept_all"}`, stop)
	var ok acked
	var codes sync.Map
	stopLoad := make(chan struct{})
	wg := load(p.url, 8, stopLoad, &ok, &codes)
	for len(ok.all()) < 200 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // both tricklers are mid-request
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	err := p.wait(t, 60*time.Second)
	took := time.Since(start)
	close(stopLoad)
	wg.Wait()
	if err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.out)
	}
	ids := ok.all()
	lost, stored := missing(t, db, ids)
	t.Logf("SIGTERM to exit 0 in %s with two trickling clients; %d acknowledged, %d lost, %d stored; answers %s",
		took.Round(10*time.Millisecond), len(ids), lost, stored, codeCounts(&codes))
	if lost > 0 {
		t.Errorf("%d of %d acknowledged consents are missing", lost, len(ids))
	}
	verifies(t, db)
}
