package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// signedHeadOf signs the database's current head as the integrity page
// does, with key, and writes the file beside it.
func signedHeadOf(t *testing.T, path string, key ed25519.PrivateKey) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seq, hash, err := st.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	texts, err := ledger.CheckTexts(context.Background(), st, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, digest := texts.Head()
	h := ledger.SignedHead{Head: fmt.Sprintf("%d:%x:%d:%x", seq, hash, n, digest), ExportedAt: time.Now().UTC().Truncate(time.Second),
		Instance: "consent.shop.example", Sites: []string{"shop"}, ExportedBy: "dpo@shop.example"}
	b, err := h.Sign(key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "head.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func verifyArgs(path string, more ...string) []string {
	return append([]string{"verify", "--db", "sqlite:" + path}, more...)
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, nil, &out, &out)
	return out.String(), err
}

// TestVerifySignedHead: a head signed with the deployment's key passes
// verify --signed-head while the ledger holds it unchanged, and the check
// is audited; a file edited after signing, one signed with a key the
// deployment does not hold (unless --public-key trusts it), and a ledger
// rewritten since all fail. keys public prints the key the file carries.
func TestVerifySignedHead(t *testing.T) {
	path, _ := ledgerOf(t, 6)
	// The key file serve keeps beside the database, with its signing key.
	keys, changed, err := config.LoadOrCreateKeys(app.DefaultKeysFile(path))
	if err != nil || changed != config.KeysCreated {
		t.Fatal(changed, err)
	}
	file := signedHeadOf(t, path, keys.SigningKey())

	out, err := runCLI(t, verifyArgs(path, "--signed-head", file)...)
	if err != nil || !strings.Contains(out, "signed head: signature good; exported") || !strings.Contains(out, "is in the ledger unchanged") {
		t.Fatalf("verify --signed-head: %v\n%s", err, out)
	}
	_, _, e := trace(t, path)
	if e.Actor != "cli" || !strings.Contains(e.Detail, "; signed head 6:") || !strings.Contains(e.Detail, "by dpo@shop.example) unchanged") {
		t.Errorf("audited as %+v", e)
	}
	out, err = runCLI(t, "keys", "public", "--db", "sqlite:"+path)
	if pub := base64.StdEncoding.EncodeToString(keys.SigningPublic()[0]); err != nil || out != "ed25519 "+pub+" (signs)\n" {
		t.Errorf("keys public: %v %q, want the key %s", err, out, pub)
	}

	// Edited after signing.
	b, _ := os.ReadFile(file)
	edited := filepath.Join(t.TempDir(), "edited.json")
	os.WriteFile(edited, bytes.Replace(b, []byte("exported-by: dpo@"), []byte("exported-by: eve@"), 1), 0o644)
	if out, err := runCLI(t, verifyArgs(path, "--signed-head", edited)...); err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "signature does not match") {
		t.Errorf("an edited file: %v (exit %d)\n%s", err, exitCode(err), out)
	}

	// Signed with someone else's key: refused unless trusted by name.
	pub, other, _ := ed25519.GenerateKey(rand.Reader)
	foreign := signedHeadOf(t, path, other)
	if _, err := runCLI(t, verifyArgs(path, "--signed-head", foreign)...); err == nil || !strings.Contains(err.Error(), "not this deployment's signing key") {
		t.Errorf("a foreign key: %v", err)
	}
	if out, err := runCLI(t, verifyArgs(path, "--signed-head", foreign, "--public-key", base64.StdEncoding.EncodeToString(pub))...); err != nil {
		t.Errorf("a foreign key trusted with --public-key: %v\n%s", err, out)
	}

	// The ledger rewritten after the head was signed, every hash recomputed
	// so the chain alone still verifies: the signed head catches it.
	rewrite(t, path, 3)
	if out, err := runCLI(t, verifyArgs(path)...); err != nil {
		t.Fatalf("the rewritten chain should verify on its own: %v\n%s", err, out)
	}
	if out, err := runCLI(t, verifyArgs(path, "--signed-head", file)...); err == nil || exitCode(err) != 1 || !strings.Contains(out, "TAMPERED") {
		t.Errorf("a rewritten ledger passed the signed head: %v\n%s", err, out)
	}
	if _, err := runCLI(t, verifyArgs(path, "--signed-head", file, "--head", "1:00")...); exitCode(err) != 2 {
		t.Errorf("--head with --signed-head: %v", err)
	}
	// A file that is not there: the flag that named it is said, as sites
	// apply -f says its own.
	missing := filepath.Join(t.TempDir(), "missing.json")
	if _, err := runCLI(t, verifyArgs(path, "--signed-head", missing)...); err == nil || exitCode(err) != 1 ||
		err.Error() != "--signed-head: open "+missing+": no such file or directory" {
		t.Errorf("a missing file: %v (exit %d)", err, exitCode(err))
	}
}

// rewrite changes the event at seq and stores it and every later event
// with their hashes recomputed, as someone able to write the database
// could: the chain alone still verifies.
func rewrite(t *testing.T, path string, seq int) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var all []*consent.Event
	st.Walk(context.Background(), 0, func(e *consent.Event) error { all = append(all, e); return nil })
	st.Close()
	all[seq-1].Granted = []string{"analytics", "marketing", "necessary"}
	prev := all[seq-2].Hash
	for _, e := range all[seq-1:] {
		ledger.Seal(e, prev)
		prev = e.Hash
		if e == all[seq-1] {
			tamper(t, path, rechoose(e.Seq, "granted", "'"+strings.Join(e.Granted, ",")+"'"))
		}
		tamper(t, path, "UPDATE events SET hash = ? WHERE seq = ?", e.Hash[:], e.Seq)
	}
	tamper(t, path, "UPDATE ledger_head SET hash = ?", prev[:])
}
