package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Keys are the secrets a deployment signs with, newest first in each list so
// that older keys keep verifying during a rotation.
type Keys struct {
	Token   [][]byte `json:"token"`
	Session [][]byte `json:"session"` // pairs: hash key, block key
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

// NewKeys makes a fresh random key set: one token key and one session pair.
func NewKeys() Keys {
	return Keys{Token: [][]byte{random(32)}, Session: [][]byte{random(32), random(32)}}
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
	return EnvName("token-keys") + "=" + list(k.Token) + "\n" + EnvName("session-keys") + "=" + list(k.Session) + "\n"
}

// LoadKeys reads the key file at path.
func LoadKeys(path string) (Keys, error) {
	var k Keys
	b, err := os.ReadFile(path)
	if err != nil {
		return Keys{}, fmt.Errorf("key file: %w", err)
	}
	if err := json.Unmarshal(b, &k); err != nil || len(k.Token) == 0 || len(k.Session) == 0 || len(k.Session)%2 != 0 {
		return Keys{}, fmt.Errorf("key file %s: not a Consentry key file", path)
	}
	return k, nil
}

// LoadOrCreateKeys reads the key file at path, creating it with fresh random
// keys (mode 0600) when it does not exist yet. created says which happened.
// Keys are never made anew at start-up otherwise: that would log every
// visitor out on each restart and make instances disagree.
func LoadOrCreateKeys(path string) (k Keys, created bool, err error) {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		k, err := LoadKeys(path)
		return k, false, err
	}
	k = NewKeys()
	b, _ := json.MarshalIndent(k, "", "  ")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Keys{}, false, fmt.Errorf("key file: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return Keys{}, false, fmt.Errorf("key file: %w", err)
	}
	return k, true, nil
}
