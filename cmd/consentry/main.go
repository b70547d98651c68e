// Command consentry is the Consentry server and its administration tools.
//
//	consentry serve  [--addr 127.0.0.1:8080] [--db sqlite:./consentry.db|postgres://…] [--demo]
//	consentry verify [--db sqlite:./consentry.db]
//	consentry export [--db …] [--site S] [--from DATE] [--to DATE] [--format csv|ndjson]
//	consentry user add --email E --role admin|viewer < password
//	consentry sites export SITE > site.yaml; consentry sites apply -f site.yaml
//	consentry keys generate > consentry.env
//	consentry backup [--db sqlite:./consentry.db] --to FILE
//
// Every flag also reads CONSENTRY_<FLAG>; secrets also CONSENTRY_<FLAG>_FILE.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // staff choose any IANA time zone, whatever the host has

	"github.com/consentry/consentry/internal/ledger"
)

const usage = `Consentry: a self-hosted cookie-consent manager.

Usage:
  consentry serve     serve the snippet, the visitor API, the console and the demo
  consentry verify    walk the consent ledger; exit 1 when it was tampered with
  consentry export    write consent events as CSV or NDJSON to standard output
  consentry user add  add a console user (password read from standard input)
  consentry sites export SITE   print a site's configuration as YAML
  consentry sites apply -f FILE validate YAML, show the diff, publish a revision
  consentry keys generate       print a new key set for instances that share a database
  consentry backup --to FILE    copy a SQLite database while it serves, then verify the copy

Run 'consentry COMMAND -h' for a command's flags. Every flag also reads
CONSENTRY_<FLAG> from the environment; the keys also CONSENTRY_<FLAG>_FILE.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "consentry:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is 1 for a broken ledger or a failure, 2 for bad usage.
func exitCode(err error) int {
	var b *ledger.Break
	if errors.As(err, &b) {
		return 1
	}
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, log)
	case "verify":
		return verify(ctx, args[1:], stdout)
	case "export":
		return exportCmd(ctx, args[1:], stdout, stderr)
	case "user":
		return user(ctx, args[1:], stdin, stdout)
	case "sites":
		return sites(ctx, args[1:], stdout)
	case "keys":
		return keysCmd(args[1:], stdout)
	case "backup":
		return backup(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}
