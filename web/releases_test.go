package web_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/static"
)

// firstRelease is the snippet build the embed page handed out before
// releases were kept: pages in the wild carry this URL and SRI value.
const (
	firstReleasePath = "/c.4f0a0ee839.js"
	firstReleaseSRI  = "sha384-WmuDjSGvLZRJatmpPLylbuF3E77Rt9Lm+TwpYUvPfAOIGEpaUNaEHVo1UFIPXXl8"
)

// TestSnippetReleaseFrozen fails when the running snippet build is not kept in
// static/releases, so a change to the snippet cannot land without freezing
// the build that embed pages will hand out. `make snippet-release` freezes it.
func TestSnippetReleaseFrozen(t *testing.T) {
	a := newApp(t, 0)
	path, integrity := a.Server.SnippetPath()
	name := strings.TrimPrefix(path, "/")
	body := do(a, req{"GET", "/c.js", "", nil}).Body.Bytes()
	if os.Getenv("CONSENTRY_FREEZE_SNIPPET") != "" {
		if err := os.WriteFile(filepath.Join("..", "static", "releases", name), body, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("froze static/releases/%s (%s)", name, integrity)
		return
	}
	frozen, err := static.Releases.ReadFile("releases/" + name)
	if err != nil || !bytes.Equal(frozen, body) {
		t.Fatalf("the running snippet build %s is not in static/releases: run `make snippet-release` and commit the file", name)
	}
}

// TestSnippetReleasesServed: every released build stays served at its
// versioned URL, byte for byte, with the SRI value handed out for it.
func TestSnippetReleasesServed(t *testing.T) {
	a := newApp(t, 0)
	files, err := static.Releases.ReadDir("releases")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range files {
		want, _ := static.Releases.ReadFile("releases/" + f.Name())
		rec := do(a, req{"GET", "/" + f.Name(), "", nil})
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("%s: %d, %d bytes, want the %d frozen bytes", f.Name(), rec.Code, rec.Body.Len(), len(want))
		}
		if "/"+f.Name() == firstReleasePath {
			found = true
			sum := sha512.Sum384(rec.Body.Bytes())
			if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != firstReleaseSRI {
				t.Errorf("%s: integrity %s, want %s", firstReleasePath, got, firstReleaseSRI)
			}
		}
	}
	if !found {
		t.Errorf("%s is no longer kept in static/releases", firstReleasePath)
	}
}
