package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
)

// commands is every subcommand. An entry is all a new subcommand needs: its
// -h, its line in the top-level usage and its shell completion follow from
// it, and a new flag is one line in the entry's flags function.
var commands = []command{
	{name: "serve", summary: "serve the snippet, the visitor API, the console and the demo",
		secrets: []string{"token-keys", "session-keys", "signing-keys"}, flags: serveFlags},
	{name: "verify", summary: "walk the consent ledger and every texts snapshot; exit 1 when tampered with",
		secrets: []string{"signing-keys"}, flags: verifyFlags},
	{name: "purge", summary: "remove events older than a period, batched, leaving the ledger verifiable",
		more: purgeMore, flags: purgeFlags},
	{name: "export", summary: "write consent events as CSV or NDJSON to standard output", flags: exportFlags},
	{name: "user add", summary: "add a console user (password read from standard input)", flags: userAddFlags},
	{name: "user passwd", summary: "set a console user's password (read from standard input)", flags: userPasswdFlags},
	{name: "sites export", args: "SITE", nargs: 1, summary: "print a site's configuration as YAML", flags: sitesExportFlags},
	{name: "sites apply", summary: "validate a site's YAML, show the diff, publish a revision", flags: sitesApplyFlags},
	{name: "keys generate", summary: "print a new key set for instances that share a database",
		more: `It prints environment lines (CONSENTRY_TOKEN_KEYS, CONSENTRY_SESSION_KEYS and
CONSENTRY_SIGNING_KEYS): give the same lines to every instance. To rotate, put the
new key first and keep the old ones after it, comma-separated, until the tokens and
sessions they signed have expired. A deployment set up before signing keys existed
adds only the CONSENTRY_SIGNING_KEYS line (the Ed25519 key that signs the ledger's
head on the integrity page). Example: consentry keys generate > consentry.env`, flags: keysGenerateFlags},
	{name: "keys export", summary: "print a deployment's own key set, as keys generate prints a new one",
		more: `Moving a SQLite deployment to PostgreSQL (migrate-store), give every instance the
SQLite deployment's keys, not new ones: the tokens, console sessions and signed heads
it issued then go on verifying. It reads the key file beside the SQLite database, or
--keys-file. Example: consentry keys export --db sqlite:./consentry.db > consentry.env`, flags: keysExportFlags},
	{name: "keys public", summary: "print the public half of the deployment's Ed25519 signing keys",
		more:    "A head signed on the integrity page carries its public key; it must be one of these.",
		secrets: []string{"signing-keys"}, flags: keysPublicFlags},
	{name: "catalog list", summary: "list the service catalog's known services, or those matching --search", flags: catalogListFlags},
	{name: "catalog show", args: "ID", nargs: 1, summary: "one catalog service: cookies, lifetimes, hosts, privacy link",
		more: "In a site's YAML, `catalog: ID` adds the service; any field set beside it overrides the catalog's.", flags: catalogShowFlags},
	{name: "backup", summary: "copy a SQLite database while it serves, then verify the copy", flags: backupFlags},
	{name: "migrate-store", summary: "copy a SQLite deployment, the ledger included, into an empty PostgreSQL database, then verify it there",
		secrets: []string{"to"}, flags: migrateStoreFlags},
	{name: "completion", args: "bash|zsh", nargs: 1, choices: []string{"bash", "zsh"},
		summary: "print the shell completion script (bash: source <(consentry completion bash))", flags: completionFlags},
	{name: "version", summary: "print the version and how it was built", flags: versionFlags},
}

// command is one subcommand.
type command struct {
	name    string   // "serve", or "GROUP SUB" such as "sites export"
	args    string   // the positional arguments in the synopsis, such as "SITE"
	nargs   int      // how many positional arguments it takes
	choices []string // the values its positional argument can take, for completion
	summary string
	more    string   // what -h says besides the summary and the flags
	secrets []string // flags that may also be read from the file CONSENTRY_<FLAG>_FILE names; --db always may
	// flags declares the command's flags on fs and returns what runs it
	// once they are parsed.
	flags func(fs *flag.FlagSet) runner
}

// runner runs a command whose flags are parsed.
type runner func(ctx context.Context, e *cmdEnv) error

// cmdEnv is what a command works with besides its flags.
type cmdEnv struct {
	args   []string // positional arguments
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	cmds   []command // the table, for completion and run (a reference to commands would be an initialization cycle)
}

const intro = "Consentry: a self-hosted cookie-consent manager.\n"

const envNote = `Every flag also reads CONSENTRY_<FLAG> from the environment (--db: CONSENTRY_DB);
the keys also CONSENTRY_<FLAG>_FILE, a file holding the value. Not the flags that say
what one run does (-f, --dry-run, --force, --discard-draft, --editorial,
--editorial-despite-material): those only from the command line.
`

// run dispatches the command line to its command.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return dispatch(ctx, commands, args, stdin, stdout, stderr)
}

// run runs another command with the same streams, as backup runs verify.
func (e *cmdEnv) run(ctx context.Context, args ...string) error {
	return dispatch(ctx, e.cmds, args, e.stdin, e.stdout, e.stderr)
}

func dispatch(ctx context.Context, commands []command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage(commands, ""))
		return errUsage
	}
	if isHelp(args[0]) || args[0] == "help" {
		fmt.Fprint(stdout, usage(commands, ""))
		return nil
	}
	c, rest := find(commands, args)
	if c == nil {
		if group := usage(commands, args[0]); group != "" { // "user" without add or passwd
			if len(args) > 1 && isHelp(args[1]) {
				fmt.Fprint(stdout, group)
				return nil
			}
			fmt.Fprint(stderr, group)
			if len(args) > 1 && !strings.HasPrefix(args[1], "-") { // "keys genrate": say which word is wrong
				return fmt.Errorf("%w: unknown command %q", errUsage, args[0]+" "+args[1])
			}
			return fmt.Errorf("%w: consentry %s needs a subcommand", errUsage, args[0])
		}
		fmt.Fprint(stderr, usage(commands, ""))
		return fmt.Errorf("%w: unknown command %q", errUsage, strings.Join(args[:1], " "))
	}
	fs := flag.NewFlagSet("consentry "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage is printed here, to stdout for -h
	runCmd := c.flags(fs)
	var pos []string
	for { // positional arguments may come before, between or after flags
		if err := fs.Parse(rest); errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, c.usage(fs))
			return nil
		} else if err != nil {
			fmt.Fprint(stderr, c.usage(fs))
			return badUsage(err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != c.nargs {
		fmt.Fprint(stderr, c.usage(fs))
		if c.nargs == 0 {
			return fmt.Errorf("%w: consentry %s takes no argument, got %q", errUsage, c.name, pos)
		}
		return fmt.Errorf("%w: consentry %s takes %s", errUsage, c.name, c.args)
	}
	secrets := append([]string{"db"}, c.secrets...)           // a PostgreSQL URL holds a password
	if err := config.Parse(fs, nil, secrets...); err != nil { // the environment twins
		return badUsage(err)
	}
	// --db is read one way for every command, before any of them acts on
	// it: serve made a key file named after a URL it could not open.
	if f := fs.Lookup("db"); f != nil {
		if err := app.CheckDB(f.Value.String()); err != nil {
			return err
		}
	}
	return runCmd(ctx, &cmdEnv{args: pos, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, nil)), cmds: commands})
}

func isHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

// find picks the command args name, the longest match first, and returns
// the arguments after its name.
func find(cmds []command, args []string) (*command, []string) {
	var best *command
	for i := range cmds {
		words := strings.Fields(cmds[i].name)
		if len(words) <= len(args) && strings.Join(args[:len(words)], " ") == cmds[i].name &&
			(best == nil || len(words) > len(strings.Fields(best.name))) {
			best = &cmds[i]
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, args[len(strings.Fields(best.name)):]
}

// usage is the top-level usage, or with group ("sites") that group's
// commands only; "" for a group that does not exist.
func usage(cmds []command, group string) string {
	var lines [][2]string
	width := 0
	for _, c := range cmds {
		if group != "" && !strings.HasPrefix(c.name, group+" ") {
			continue
		}
		syn := strings.TrimSpace("consentry " + c.name + " " + c.args)
		lines = append(lines, [2]string{syn, c.summary})
		width = max(width, len(syn))
	}
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(intro + "\nUsage:\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, l[0], l[1])
	}
	b.WriteString("\nRun 'consentry COMMAND -h' for a command's flags.\n" + envNote)
	return b.String()
}

// usage is the command's -h: its synopsis and its own flags, each with its
// help and environment twin.
func (c *command) usage(fs *flag.FlagSet) string {
	var b strings.Builder
	syn := "consentry " + c.name
	if hasFlags(fs) {
		syn += " [flags]"
	}
	fmt.Fprintf(&b, "Usage: %s\n\n%s%s.\n", strings.TrimSpace(syn+" "+c.args), strings.ToUpper(c.summary[:1]), c.summary[1:])
	if c.more != "" {
		b.WriteString("\n" + c.more + "\n")
	}
	if hasFlags(fs) {
		b.WriteString("\nFlags:\n")
	}
	for _, f := range flagsOf(fs) {
		kind, help := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  %s %s\n      %s", dashed(f.Name), kind, help)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		if !config.PerRun[f.Name] {
			fmt.Fprintf(&b, "\n      env %s", config.EnvName(f.Name))
		}
		for _, s := range append([]string{"db"}, c.secrets...) {
			if s == f.Name {
				fmt.Fprintf(&b, " or %s_FILE", config.EnvName(f.Name))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// dashed writes a flag as it is documented: -f, --dry-run.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func hasFlags(fs *flag.FlagSet) bool { return len(flagsOf(fs)) > 0 }

func flagsOf(fs *flag.FlagSet) []*flag.Flag {
	var out []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { out = append(out, f) })
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// flagSetOf declares a command's flags on a set of its own, for completion.
func flagSetOf(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	return fs
}
