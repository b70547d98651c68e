package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store/storetest"
)

// TestServePrintsWhereToLook is `make run` in small: serve --demo prints the
// demo's URL and the console's credentials, and both work.
func TestServePrintsWhereToLook(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	var out storetest.LockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", db}, nil, &out, io.Discard)
	}()
	demo := regexp.MustCompile(`Demo shop:\s+(http://127\.0\.0\.1:\d+/demo)`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m = demo.FindStringSubmatch(out.String())
	}
	if m == nil {
		t.Fatalf("no demo URL printed:\n%s", out.String())
	}
	if !regexp.MustCompile(`sign in as admin@demo\.example with password \S{12,}`).MatchString(out.String()) {
		t.Errorf("no console credentials printed:\n%s", out.String())
	}
	// The way to set another password names this database: without --db,
	// `user passwd` opens (and creates) ./consentry.db and finds no such user.
	if !strings.Contains(out.String(), "consentry user passwd --db "+db+" --email admin@demo.example") {
		t.Errorf("the password hint does not name the database %s:\n%s", db, out.String())
	}
	res, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `data-site="demo"`) {
		t.Errorf("demo page: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}

	// Started again, it names the same command, as this binary was started
	// (selfCommand).
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var again storetest.LockedBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", db}, nil, &again, io.Discard)
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(again.String(), "Press Ctrl+C") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
	}
	if !strings.Contains(again.String(), "forgot it? "+selfCommand(os.Args[0])+" user passwd --db "+db+" --email admin@demo.example") {
		t.Errorf("second start's password hint:\n%s", again.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("second serve ended with %v", err)
	}
}

// The password hints name the binary as it was started, or go run for a
// binary go run built (make run): its temporary file is gone once it stops.
func TestSelfCommand(t *testing.T) {
	for arg0, want := range map[string]string{
		"/tmp/go-build2207539/b001/exe/consentry": "go run ./cmd/consentry",
		"bin/consentry":           "bin/consentry",
		"consentry":               "consentry",
		"/opt/my tools/consentry": "'/opt/my tools/consentry'",
	} {
		if got := selfCommand(arg0); got != want {
			t.Errorf("selfCommand(%q) = %q, want %q", arg0, got, want)
		}
	}
}

// TestServeWithoutUserSaysHowToAddOne: serve without --demo on a new
// database, which has no console user, prints the command that creates
// the first, naming this database; that command works, and the next start
// no longer prints it. It printed the sign-in URL only.
func TestServeWithoutUserSaysHowToAddOne(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	start := func() string {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out storetest.LockedBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, nil, &out, io.Discard)
		}()
		for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "Press Ctrl+C") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve ended with %v:\n%s", err, out.String())
		}
		return out.String()
	}
	cmd := selfCommand(os.Args[0]) + " user add --db " + db + " --email YOU@EXAMPLE.COM --role admin"
	out := start()
	if !strings.Contains(out, "nobody can sign in yet: create the first user (it reads the password from standard input)\n               "+cmd+"\n") {
		t.Fatalf("no way to the first user printed:\n%s", out)
	}
	args := strings.Fields(strings.TrimPrefix(cmd, selfCommand(os.Args[0])+" "))
	var said bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader("a long enough password\n"), &said, &said); err != nil || said.String() != "added admin you@example.com\n" {
		t.Fatalf("the printed command: %v %s", err, said.String())
	}
	if out := start(); strings.Contains(out, "user add") || strings.Contains(out, "nobody can sign in") {
		t.Errorf("with a user, serve still says how to add the first:\n%s", out)
	}
}
