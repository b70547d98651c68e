package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Keys are the secrets a deployment signs with, newest first in each list so
// that older keys keep verifying during a rotation.
type Keys struct {
	Token   [][]byte `json:"token"`
	Session [][]byte `json:"session"` // pairs: hash key, block key
	// Signing are Ed25519 private key seeds (32 bytes): the first signs what
	// Consentry vouches for outside itself, such as the ledger's head. Key
	// files and configurations made before it existed have none; see
	// LoadOrCreateKeys.
	Signing [][]byte `json:"signing,omitempty"`
}

// SigningKey is the Ed25519 key that signs, or nil when none is configured.
func (k Keys) SigningKey() ed25519.PrivateKey {
	if len(k.Signing) == 0 {
		return nil
	}
	return ed25519.NewKeyFromSeed(k.Signing[0])
}

// SigningPublic are the public halves of every signing key, newest first:
// what a signature made with any of them is checked against.
func (k Keys) SigningPublic() []ed25519.PublicKey {
	out := make([]ed25519.PublicKey, len(k.Signing))
	for i, seed := range k.Signing {
		out[i] = ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	}
	return out
}

// CheckSigning fails on a signing key that is not an Ed25519 seed.
func CheckSigning(keys [][]byte) error {
	for i, k := range keys {
		if len(k) != ed25519.SeedSize {
			return fmt.Errorf("signing key %d has %d bytes; an Ed25519 seed has %d (consentry keys generate makes one)", i+1, len(k), ed25519.SeedSize)
		}
	}
	return nil
}

// ParseKeyList reads comma-separated base64 keys.
func ParseKeyList(s string) ([][]byte, error) {
	var out [][]byte
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(part)
		if err != nil {
			return nil, fmt.Errorf("key %d is not base64: %w", len(out)+1, err)
		}
		out = append(out, k)
	}
	return out, nil
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// NewKeys makes a fresh random key set: one token key, one session pair
// and one signing key.
func NewKeys() Keys {
	return Keys{Token: [][]byte{random(32)}, Session: [][]byte{random(32), random(32)}, Signing: [][]byte{random(ed25519.SeedSize)}}
}

// Env is the key set as the environment lines that configure it, the way
// `consentry keys generate` prints it for a cluster's secret store.
func (k Keys) Env() string {
	list := func(keys [][]byte) string {
		out := make([]string, len(keys))
		for i, key := range keys {
			out[i] = base64.StdEncoding.EncodeToString(key)
		}
		return strings.Join(out, ",")
	}
	out := EnvName("token-keys") + "=" + list(k.Token) + "\n" + EnvName("session-keys") + "=" + list(k.Session) + "\n"
	if len(k.Signing) > 0 {
		out += EnvName("signing-keys") + "=" + list(k.Signing) + "\n"
	}
	return out
}

// LoadKeys reads the key file at path.
func LoadKeys(path string) (Keys, error) {
	var k Keys
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Keys{}, fmt.Errorf("there is no key file at %s: serve makes one beside a SQLite database on its first start (DB.keys); "+
			"name the deployment's with --keys-file FILE, or make a new set with consentry keys generate (a new set does not verify what the old one signed)", path)
	}
	if err != nil {
		return Keys{}, fmt.Errorf("key file: %w", err)
	}
	if err := json.Unmarshal(b, &k); err != nil || len(k.Token) == 0 || len(k.Session) == 0 || len(k.Session)%2 != 0 {
		return Keys{}, fmt.Errorf("key file %s: not a Consentry key file", path)
	}
	if err := CheckSigning(k.Signing); err != nil {
		return Keys{}, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// What LoadOrCreateKeys did besides reading.
const (
	KeysRead         = ""
	KeysCreated      = "created"
	KeysSigningAdded = "added a signing key"
)

// LoadOrCreateKeys reads the key file at path, creating it with fresh random
// keys (mode 0600) when it does not exist yet. A key file from before
// signing keys existed gets one added, the rest unchanged, so a deployment
// keeps starting and its tokens and sessions keep working. changed says
// which happened (KeysRead, KeysCreated, KeysSigningAdded). Keys are never
// made anew at start-up otherwise: that would log every visitor out on
// each restart and make instances disagree.
func LoadOrCreateKeys(path string) (k Keys, changed string, err error) {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		k, err := LoadKeys(path)
		if err != nil || len(k.Signing) > 0 {
			return k, KeysRead, err
		}
		k.Signing = [][]byte{random(ed25519.SeedSize)}
		if err := replaceKeyFile(path, k); err != nil {
			return Keys{}, KeysRead, err
		}
		return k, KeysSigningAdded, nil
	}
	k = NewKeys()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Keys{}, KeysRead, fmt.Errorf("key file: %w", err)
	}
	if err := writeKeys(f, k); err != nil {
		return Keys{}, KeysRead, err
	}
	return k, KeysCreated, nil
}

func writeKeys(f *os.File, k Keys) error {
	b, _ := json.MarshalIndent(k, "", "  ")
	_, err := f.Write(append(b, '\n'))
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	return nil
}

// replaceKeyFile rewrites a key file all at once: the new one is written
// and synced beside it, then renamed over it, so a crash leaves the old
// file or the new, never half of one.
func replaceKeyFile(path string, k Keys) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if err := writeKeys(tmp, k); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
