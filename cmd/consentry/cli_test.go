package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/store/sqlite"
)

// consentry runs the command as a process (this test binary, as TestMain
// lets it) and returns its exit code and output streams.
func consentry(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CONSENTRY_TEST_MAIN=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), o.String(), e.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

// TestHelpExitsZeroWithOwnFlags: -h on every command, the top level and
// each group exits 0 and prints to standard output; a command's -h lists
// its own flags and no other command's.
func TestHelpExitsZeroWithOwnFlags(t *testing.T) {
	all := map[string]bool{}
	for i := range commands {
		for _, f := range flagsOf(flagSetOf(&commands[i])) {
			all[f.Name] = true
		}
	}
	for i := range commands {
		c := &commands[i]
		t.Run(c.name, func(t *testing.T) {
			args := append(strings.Fields(c.name), "-h")
			code, out, errOut := consentry(t, args...)
			if code != 0 || errOut != "" || !strings.HasPrefix(out, "Usage: consentry "+c.name) {
				t.Fatalf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
			}
			own := map[string]bool{}
			for _, f := range flagsOf(flagSetOf(c)) {
				own[f.Name] = true
				if !strings.Contains(out, "  "+dashed(f.Name)+" ") {
					t.Errorf("its flag %s is not listed:\n%s", dashed(f.Name), out)
				}
			}
			for name := range all {
				if !own[name] && strings.Contains(out, "  "+dashed(name)+" ") {
					t.Errorf("lists %s, another command's flag:\n%s", dashed(name), out)
				}
			}
		})
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"user", "-h"}, {"sites", "--help"}} {
		if code, out, _ := consentry(t, args...); code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%q: exit %d, stdout %q", args, code, out)
		}
	}
}

// The bug this replaced: sites export and sites apply shared one flag set.
func TestSitesExportHelpHasNoApplyFlags(t *testing.T) {
	_, out, _ := consentry(t, "sites", "export", "-h")
	if strings.Contains(out, "dry-run") || strings.Contains(out, "  -f ") {
		t.Errorf("sites export -h lists apply's flags:\n%s", out)
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"user"}, {"sites"}, {"serve", "--bogus"}, {"sites", "export"},
		{"verify", "extra"}, {"completion", "fish"}, {"user", "add"}} {
		code, out, errOut := consentry(t, args...)
		if code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and a message", args, code, out, errOut)
		}
	}
}

// TestBadFlagValueExitsTwo: a flag's value the command cannot take is bad
// usage (exit 2), named by its flag, whichever command it is; they exited 1
// but for purge's. user add refuses the role before it makes a database.
func TestBadFlagValueExitsTwo(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"user", "add", "--db", db, "--email", "dpo@shop.example", "--role", "boss"}, `consentry: usage: --role: "boss" is not a role: use admin or viewer`},
		{[]string{"export", "--db", db, "--format", "xml"}, `consentry: usage: --format: "xml" is not an export format: use csv or ndjson`},
		{[]string{"export", "--db", db, "--from", "2026-13-01"}, "consentry: usage: --from: "},
		{[]string{"export", "--db", db, "--gpc", "2"}, "consentry: usage: --gpc: must be 1 or 0"},
		{[]string{"export", "--db", db, "--from", "2026-12-05", "--to", "2026-12-01"}, "consentry: usage: --to: must not be before --from\n"},
		{[]string{"export", "--db", db, "--site", "Shop!"}, `consentry: usage: --site: "Shop!" is not a site ID`},
		{[]string{"export", "--db", db, "--denied", "Ads!"}, `consentry: usage: --denied: "Ads!" is not a category key`},
		{[]string{"purge", "--db", db, "--older-than", "10x"}, `consentry: usage: --older-than: "10x" is not a period`},
	} {
		code, out, errOut := consentry(t, c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, c.say) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.say)
		}
	}
	if _, err := os.Stat(strings.TrimPrefix(db, "sqlite:")); err == nil {
		t.Error("a refused command made the database")
	}
}

// TestTopLevelUsageListsEveryCommand: user passwd and version were missing.
func TestTopLevelUsageListsEveryCommand(t *testing.T) {
	_, out, _ := consentry(t, "-h")
	for _, c := range commands {
		if !strings.Contains(out, "  consentry "+c.name) {
			t.Errorf("usage misses %q:\n%s", c.name, out)
		}
	}
}

// TestEveryFlagHasItsOwnHelp: no flag without help, none sharing another's
// words within a command.
func TestEveryFlagHasItsOwnHelp(t *testing.T) {
	for i := range commands {
		seen := map[string]string{}
		for _, f := range flagsOf(flagSetOf(&commands[i])) {
			_, help := flag.UnquoteUsage(f)
			if len(help) < 10 {
				t.Errorf("%s %s: help %q says too little", commands[i].name, dashed(f.Name), help)
			}
			if other, ok := seen[help]; ok {
				t.Errorf("%s: %s and %s share the help %q", commands[i].name, dashed(f.Name), dashed(other), help)
			}
			seen[help] = f.Name
		}
	}
}

func TestExportUnknownSiteFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path) // a deployment without that site
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db := "sqlite:" + path
	code, out, errOut := consentry(t, "export", "--site", "nope", "--db", db)
	if code != 1 || out != "" || !strings.Contains(errOut, `unknown site "nope"`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and unknown site", code, out, errOut)
	}
	code, _, errOut = consentry(t, "sites", "export", "nope", "--db", db)
	if code != 1 || !strings.Contains(errOut, `unknown site "nope"`) {
		t.Errorf("sites export: exit %d, stderr %q", code, errOut)
	}
}

// TestUnknownSubcommandIsNamed: a group given a word it does not know
// names the word ("unknown command \"keys genrate\""), rather than say the
// group needs a subcommand as if none had been given; given none, it says so.
func TestUnknownSubcommandIsNamed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"keys", "genrate"}, `unknown command "keys genrate"`},
		{[]string{"user", "remove"}, `unknown command "user remove"`},
		{[]string{"sites", "list"}, `unknown command "sites list"`},
		{[]string{"keys"}, "consentry keys needs a subcommand"},
		{[]string{"user", "--db", "sqlite:x.db"}, "consentry user needs a subcommand"},
	} {
		code, out, errOut := consentry(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.says)
		}
	}
}

// TestMigrateStoreSaysWhichFlagIsWrong: migrate-store names the flag it
// cannot use and what to give, before it connects anywhere: a SQLite --to
// is pointed at backup.
func TestMigrateStoreSaysWhichFlagIsWrong(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--from", "sqlite:c.db"}, "usage: migrate-store needs --from sqlite:PATH and --to postgres://…"},
		{[]string{"--from", "c.db", "--to", "postgres://consentry@127.0.0.1:1/c"}, "usage: --from: migrate-store copies a SQLite deployment: give sqlite:PATH"},
		{[]string{"--from", "sqlite:c.db", "--to", "sqlite:copy.db"}, "usage: --to: migrate-store copies into an empty PostgreSQL database: give postgres://USER:PASSWORD@HOST/DB (a copy of a SQLite database in another file is consentry backup --to FILE)"},
	} {
		code, out, errOut := consentry(t, append([]string{"migrate-store"}, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.says)
		}
	}
}

// A command that reads a deployment refuses a SQLite path naming no file
// rather than create an empty database and report on it: a mistyped path
// must not verify as intact, back up as verified nor purge nothing and pass.
func TestMissingDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"verify", "--db", db},
		{"purge", "--older-than", "400d", "--dry-run", "--db", db},
		{"backup", "--to", filepath.Join(dir, "b.db"), "--db", db},
		{"export", "--site", "shop", "--db", db},
		{"sites", "export", "shop", "--db", db},
		{"user", "passwd", "--email", "dpo@shop.example", "--db", db},
	} {
		code, out, errOut := consentry(t, args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "there is no SQLite database at "+filepath.Join(dir, "typo.db")) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and no database there", args[0], code, out, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%s created %v", args[0], entries)
		}
	}
}

// The key commands read a key file named after a SQLite --db: a mistyped
// PostgreSQL URL is refused as such, its password not printed as a path.
func TestKeysRefuseUnknownScheme(t *testing.T) {
	for _, args := range [][]string{
		{"keys", "export", "--db", "postgress://consentry:s3cret@127.0.0.1/consentry"},
		{"keys", "public", "--db", "postgress://consentry:s3cret@127.0.0.1/consentry"},
	} {
		code, out, errOut := consentry(t, args...)
		if code == 0 || out != "" || strings.Contains(errOut, "s3cret") || !strings.Contains(errOut, "postgress://… is neither sqlite:PATH nor postgres://…") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a refusal without the password", args[1], code, out, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := consentry(t, "version"); code != 0 || !strings.HasPrefix(out, "consentry ") {
		t.Errorf("exit %d, %q", code, out)
	}
}

// complete runs the bash completion script for a command line whose last
// word is being typed, and returns the candidates.
func complete(t *testing.T, script string, line ...string) []string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	words := append([]string{"consentry"}, line...)
	var q []string
	for _, w := range words {
		q = append(q, "'"+w+"'")
	}
	prog := script + "\nCOMP_WORDS=(" + strings.Join(q, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
		"\n_consentry\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command(bash, "--norc", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"completion", "bash"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	script := out.String()
	for _, tc := range []struct {
		line []string
		want []string
	}{
		{[]string{""}, []string{"backup", "catalog", "completion", "export", "help", "keys", "migrate-store", "purge", "serve", "sites", "user", "verify", "version"}},
		{[]string{"purge", "--"}, []string{"--batch", "--db", "--dry-run", "--force", "--older-than", "--site", "--vacuum"}},
		{[]string{"catalog", ""}, []string{"list", "show"}},
		{[]string{"keys", ""}, []string{"export", "generate", "public"}},
		{[]string{"us"}, []string{"user"}},
		{[]string{"user", ""}, []string{"add", "passwd"}},
		{[]string{"sites", "export", "-"}, []string{"--db"}},
		{[]string{"sites", "apply", "--db", "x", "-"}, []string{"--db", "--discard-draft", "--dry-run", "--editorial", "--editorial-despite-material", "-f"}},
		{[]string{"user", "passwd", "--"}, []string{"--db", "--email"}},
		{[]string{"serve", "--demo", "--tr"}, []string{"--trusted-proxies"}},
		{[]string{"completion", ""}, []string{"bash", "zsh"}},
	} {
		got := complete(t, script, tc.line...)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: got %q, want %q among them", tc.line, got, w)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want exactly %q", tc.line, got, tc.want)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"completion", "zsh"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	script := out.String()
	if !strings.HasPrefix(script, "#compdef consentry\n") {
		t.Error("not a zsh completion file")
	}
	for _, want := range []string{`("user passwd")`, `'--email:the email address of the user whose password to set (required)'`, `'passwd:set a console user'\''s password`, `'--metrics-addr:serve /metrics on this address instead of --addr (for example 127.0.0.1\:9090)`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %s", want)
		}
	}
	if zsh, err := exec.LookPath("zsh"); err == nil {
		if out, err := exec.Command(zsh, "-n", "-c", script).CombinedOutput(); err != nil {
			t.Errorf("zsh -n: %v %s", err, out)
		}
	}
}
