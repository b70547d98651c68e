package main

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestFirstUserCommandPastesOnPostgres: serve on a PostgreSQL database with
// no console user prints a command that creates the first one, which a
// shell runs as printed, and never the URL's password: with the URL read
// from CONSENTRY_DB_FILE the command names that file; from CONSENTRY_DB,
// it reads that variable; given to --db, it reads CONSENTRY_DB too and
// says to set it. The command printed --db 'postgres://user:xxxxx@…',
// which could not be pasted: it signed in as the password xxxxx.
func TestFirstUserCommandPastesOnPostgres(t *testing.T) {
	pgtest.URL(t) // skips without PostgreSQL, before the keys are made
	var keys bytes.Buffer
	if err := run(context.Background(), []string{"keys", "generate"}, nil, &keys, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Fields(keys.String()) {
		name, value, _ := strings.Cut(line, "=")
		t.Setenv(name, value)
	}
	for _, from := range []string{"--db", "CONSENTRY_DB", "CONSENTRY_DB_FILE"} {
		t.Run(from, func(t *testing.T) {
			db := pgtest.URL(t)
			u, err := url.Parse(db)
			if err != nil {
				t.Fatal(err)
			}
			secret, ok := u.User.Password()
			if !ok || secret == "" {
				t.Skip("the test database's URL has no password")
			}
			args := []string{"serve", "--addr", "127.0.0.1:0"}
			switch from {
			case "--db":
				args = append(args, "--db", db)
			case "CONSENTRY_DB":
				t.Setenv("CONSENTRY_DB", db)
			case "CONSENTRY_DB_FILE":
				file := filepath.Join(t.TempDir(), "db url")
				os.WriteFile(file, []byte(db+"\n"), 0o600)
				t.Setenv("CONSENTRY_DB_FILE", file)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var out storetest.LockedBuffer
			done := make(chan error, 1)
			go func() { done <- run(ctx, args, nil, &out, io.Discard) }()
			// A busy machine (migrations on a fresh schema) may take a while.
			for deadline := time.Now().Add(90 * time.Second); !strings.Contains(out.String(), "Press Ctrl+C") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			}
			started := strings.Contains(out.String(), "Press Ctrl+C")
			cancel()
			if err := <-done; err != nil || !started {
				t.Fatalf("serve ended with %v, started %t:\n%s", err, started, out.String())
			}
			said := out.String()
			if strings.Contains(said, ":"+secret+"@") || strings.Contains(said, ":"+url.QueryEscape(secret)+"@") {
				t.Errorf("serve printed the database's password:\n%s", said)
			}
			m := regexp.MustCompile(`(?m)^ +(\S.* user add .*--email YOU@EXAMPLE\.COM --role admin)$`).FindStringSubmatch(said)
			if m == nil {
				t.Fatalf("no command for the first user:\n%s", said)
			}
			line := strings.Replace(m[1], "YOU@EXAMPLE.COM", "dpo@shop.example", 1)
			// The test binary runs as consentry (TestMain), not through go run.
			line = strings.Replace(line, selfCommand(os.Args[0]), shellQuote(os.Args[0]), 1)
			if from == "--db" {
				if !strings.Contains(said, "with CONSENTRY_DB set to the URL given to --db") {
					t.Errorf("serve given --db does not say to set CONSENTRY_DB:\n%s", said)
				}
				t.Setenv("CONSENTRY_DB", db) // as it says
			}
			bash, err := exec.LookPath("bash")
			if err != nil {
				t.Skip("no bash")
			}
			cmd := exec.Command(bash, "--norc", "-c", line)
			cmd.Env = append(os.Environ(), "CONSENTRY_TEST_MAIN=1")
			cmd.Stdin = strings.NewReader("a long enough password\n")
			if got, err := cmd.CombinedOutput(); err != nil || string(got) != "added admin dpo@shop.example\n" {
				t.Fatalf("the printed command %s: %v\n%s", line, err, got)
			}
		})
	}
}
