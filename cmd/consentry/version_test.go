package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeBuildStampsVersion: make build stamps the checkout's git describe
// into the binary, which consentry version prints back as it was stamped:
// where the go command records no VCS information (GOFLAGS=-buildvcs=false,
// as on this project's machines, where the binary said "consentry dev"), and
// where it does, without the recorded commit after it. Outside a checkout
// nothing is stamped and it says dev.
func TestMakeBuildStampsVersion(t *testing.T) {
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("this test needs %s under CI: %v", tool, err)
			}
			t.Skipf("no %s: %v", tool, err)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	describe, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output()
	if err != nil {
		t.Skipf("not a git checkout (a source archive?): %v", err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"checkout", []string{"GOFLAGS=-buildvcs=false"}, strings.TrimSpace(string(describe))},
		{"checkout-vcs", []string{"GOFLAGS=-buildvcs=true"}, strings.TrimSpace(string(describe))},
		{"no-checkout", []string{"GOFLAGS=-buildvcs=false", "GIT_DIR=" + filepath.Join(dir, "none")}, "dev"},
	} {
		bin := filepath.Join(dir, c.name)
		cmd := exec.Command("make", "-C", root, "build", "BIN="+bin)
		cmd.Env = append(makeEnv(), c.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: make build: %v\n%s", c.name, err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if got := string(out); err != nil || got != "consentry "+c.want+"\n" {
			t.Errorf("%s: consentry version: %q, %v; want %q", c.name, got, err, "consentry "+c.want+"\n")
		}
	}
}

// makeEnv is the test's environment for a make of its own, without the
// variables of a make the test may run under or its GOFLAGS: each case says
// whether the go command records VCS information.
func makeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GOFLAGS", "VERSION", "BIN":
			continue
		}
		env = append(env, kv)
	}
	return env
}
