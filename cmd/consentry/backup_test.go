package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// A backup taken while the ledger grows is one consistent snapshot: its own
// ledger verifies, and it holds no more than the source.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.AddSnapshot(ctx, storetest.Snapshot("shop")); err != nil { // what publishing stores
		t.Fatal(err)
	}
	write := func(n int) {
		for i := range n {
			if err := st.AppendBatch(ctx, []*consent.Event{storetest.Event("shop", i), storetest.Event("shop", i+1)}); err != nil {
				t.Error(err)
				return
			}
		}
	}
	write(50)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				write(1)
			}
		}
	}()
	to := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	err = run(ctx, []string{"backup", "--db", "sqlite:" + path, "--to", to}, nil, &out, &out)
	close(stop)
	<-done
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`ledger intact: (\d+) events`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the backup was not verified:\n%s", out.String())
	}
	n, _ := strconv.Atoi(m[1])
	head, _, _ := st.Head(ctx)
	if n < 100 || int64(n) > head {
		t.Errorf("backup holds %d events; the source had 100 before and %d after", n, head)
	}
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, %v", fi.Mode(), err)
	}
	if err := run(ctx, []string{"backup", "--db", "sqlite:" + path, "--to", to}, nil, &out, &out); err == nil {
		t.Error("a second backup overwrote the first")
	}
}

// TestBackupSaysTheKeyFileIsNotInIt: the key file is not copied, and the
// backup says so, and where a copy of it goes, rather than name a key file
// beside the backup as if one had been written there.
func TestBackupSaysTheKeyFileIsNotInIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "consentry.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	keys := app.DefaultKeysFile("sqlite:" + path)
	if _, _, err := config.LoadOrCreateKeys(keys); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, "consentry-2026-12-01.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--db", "sqlite:" + path, "--to", to}, nil, &out, &out); err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"the key file is NOT in the backup: copy " + keys + " to " + filepath.Join(dir, "consentry-2026-12-01.keys") + " and keep it with the backup;\n",
		"a restored database needs its key file beside it, named after it (as consentry.keys beside consentry.db)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the backup does not say %q:\n%s", want, out.String())
		}
	}
	if fileExists(filepath.Join(dir, "consentry-2026-12-01.keys")) {
		t.Error("the backup wrote a key file")
	}
}

// TestBackupRefusesATargetItCannotCreate: a --to naming a file that
// exists, a directory or a file in a missing directory is refused before
// anything is copied, in words that say what to give instead.
func TestBackupRefusesATargetItCannotCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "consentry.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	existing := filepath.Join(dir, "old.db")
	if err := os.WriteFile(existing, []byte("an earlier backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ to, says string }{
		{existing, "--to: " + existing + " already exists: backup never overwrites a file; give a new name"},
		{dir, "--to: " + dir + " is a directory: name the file to create in it, such as " + filepath.Join(dir, "consentry-backup.db")},
		{filepath.Join(dir, "no", "b.db"), "--to: there is no directory " + filepath.Join(dir, "no") + ": create it first"},
	} {
		code, out, errOut := consentry(t, "backup", "--db", "sqlite:"+path, "--to", tc.to)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("--to %s: exit %d, stdout %q, stderr %q; want 1 and %q", tc.to, code, out, errOut, tc.says)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "an earlier backup" {
		t.Errorf("the existing file now holds %q", b)
	}
}
