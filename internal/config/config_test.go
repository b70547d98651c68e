package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/config"
)

func TestEnvTwins(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	t.Setenv("CONSENTRY_ADDR", "0.0.0.0:9000")
	t.Setenv("CONSENTRY_DB", "sqlite:/from/env.db")
	t.Setenv("CONSENTRY_TOKEN_KEYS_FILE", secret)
	t.Setenv("CONSENTRY_PLAIN_FILE", secret) // not a secret flag: ignored
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	db := fs.String("db", "sqlite:./consentry.db", "")
	keys := fs.String("token-keys", "", "")
	plain := fs.String("plain", "default", "")
	if err := config.Parse(fs, []string{"--db", "sqlite:/from/flag.db"}, "token-keys"); err != nil {
		t.Fatal(err)
	}
	if *addr != "0.0.0.0:9000" || *db != "sqlite:/from/flag.db" || *keys != "s3cret" || *plain != "default" {
		t.Errorf("addr %q db %q keys %q plain %q", *addr, *db, *keys, *plain)
	}
}

func TestBadEnvValueNamesVariable(t *testing.T) {
	t.Setenv("CONSENTRY_RATE_LIMIT", "lots")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Float64("rate-limit", 10, "")
	if err := config.Parse(fs, nil); err == nil || err.Error()[:20] != "CONSENTRY_RATE_LIMIT" {
		t.Fatalf("err = %v", err)
	}
}

func TestKeysCreatedOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.keys")
	k1, changed, err := config.LoadOrCreateKeys(path)
	if err != nil || changed != config.KeysCreated || len(k1.Token) != 1 || len(k1.Token[0]) != 32 || len(k1.Signing) != 1 || len(k1.Signing[0]) != 32 {
		t.Fatalf("first load: %v %v %v", k1, changed, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	k2, changed, err := config.LoadOrCreateKeys(path)
	if err != nil || changed != config.KeysRead || string(k2.Token[0]) != string(k1.Token[0]) || string(k2.Signing[0]) != string(k1.Signing[0]) {
		t.Fatal("keys changed on the second start")
	}
	os.WriteFile(path, []byte("{}"), 0o600)
	if _, _, err := config.LoadOrCreateKeys(path); err == nil {
		t.Error("an empty key file was accepted")
	}
}

func TestParseKeyList(t *testing.T) {
	keys, err := config.ParseKeyList(" QUFBQQ== , QkJCQg==")
	if err != nil || len(keys) != 2 || string(keys[1]) != "BBBB" {
		t.Fatalf("%q %v", keys, err)
	}
	if _, err := config.ParseKeyList("not base64!"); err == nil {
		t.Error("bad base64 accepted")
	}
}

// TestKeyFileGainsSigningKey: a key file written before signing keys
// existed gets one at the next start, its other keys and its mode kept; a
// signing key that is not an Ed25519 seed is refused.
func TestKeyFileGainsSigningKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.keys")
	old := `{"token": ["` + strings.Repeat("A", 43) + `="], "session": ["` + strings.Repeat("B", 43) + `=", "` + strings.Repeat("C", 43) + `="]}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	k, changed, err := config.LoadOrCreateKeys(path)
	if err != nil || changed != config.KeysSigningAdded || len(k.Signing) != 1 || k.SigningKey() == nil {
		t.Fatalf("old key file: %v %q %v", k, changed, err)
	}
	again, changed, err := config.LoadOrCreateKeys(path)
	if err != nil || changed != config.KeysRead || string(again.Token[0]) != string(k.Token[0]) || string(again.Session[1]) != string(k.Session[1]) ||
		string(again.Signing[0]) != string(k.Signing[0]) {
		t.Fatalf("after adding: %v %q %v", again, changed, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after adding the signing key", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if !strings.Contains(config.NewKeys().Env(), "CONSENTRY_SIGNING_KEYS=") {
		t.Error("keys generate does not print a signing key")
	}
	if err := config.CheckSigning([][]byte{[]byte("short")}); err == nil {
		t.Error("a 5-byte signing key was accepted")
	}
}
