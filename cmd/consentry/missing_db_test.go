package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOnlyServeCreatesTheDatabase: run from a directory holding no
// database, with the default --db, every command but serve refuses and
// says where it looked and how to name the deployment's database, leaving
// the directory empty. user add printed "added viewer" and sites apply
// published, each into a new ./consentry.db that no server reads.
func TestOnlyServeCreatesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	yml := filepath.Join(t.TempDir(), "shop.yaml")
	os.WriteFile(yml, []byte("id: shop\nname: Shop\n"), 0o600)
	want := "--db: there is no SQLite database at ./consentry.db (" + filepath.Join(dir, "consentry.db") +
		"); name the deployment's with --db sqlite:PATH or CONSENTRY_DB, as serve was given it (consentry serve creates one)"
	for _, args := range [][]string{
		{"user", "add", "--email", "z@z.example"},
		{"user", "add", "--email", "z@z.example", "--role", "admin"},
		{"user", "passwd", "--email", "z@z.example"},
		{"sites", "apply", "-f", yml},
		{"sites", "apply", "-f", yml, "--dry-run"},
		{"sites", "export", "shop"},
		{"verify"},
		{"export"},
		{"purge", "--older-than", "400d", "--force"},
		{"backup", "--to", filepath.Join(t.TempDir(), "b.db")},
	} {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader("long-enough-password\n")
		cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "CONSENTRY_DB") }), "CONSENTRY_TEST_MAIN=1")
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || o.Len() != 0 || !strings.Contains(e.String(), want) {
			t.Errorf("%q: %v, stdout %q, stderr %q; want exit 1 and %q", args, err, o.String(), e.String(), want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%q created %v", args, entries)
		}
	}
}

// TestEveryCommandReadsDBAlike: a --db naming neither SQLite nor
// PostgreSQL is refused by every command that takes one, in
// the same words, before anything is made. serve said "key file: open
// mysql:/x.keys: no such file or directory".
func TestEveryCommandReadsDBAlike(t *testing.T) {
	want := "consentry: --db: mysql://… is neither sqlite:PATH nor postgres://…\n"
	for _, c := range commands {
		if c.nargs > 0 || flagSetOf(&c).Lookup("db") == nil {
			continue
		}
		args := append(strings.Fields(c.name), "--db", "mysql://x")
		code, out, errOut := consentry(t, args...)
		if code != 1 || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1 and %q", args, code, out, errOut, want)
		}
	}
	if _, err := os.Stat("mysql:"); err == nil {
		t.Error("a key file's folder was made")
	}
}
