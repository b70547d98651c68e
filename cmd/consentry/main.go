// Command consentry is the Consentry server and its administration tools.
// The subcommands and their flags are one table, commands (commands.go):
// `consentry -h` lists them, `consentry COMMAND -h` shows one command's own
// flags, and `consentry completion bash|zsh` completes them.
//
// Every flag that sets the deployment up also reads CONSENTRY_<FLAG>; secrets also CONSENTRY_<FLAG>_FILE.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	_ "time/tzdata" // staff choose any IANA time zone, whatever the host has

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "consentry:", err)
		stop()
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for bad usage, 1 for a broken ledger or any other failure.
// Help asked for with -h is no failure: run returns nil for it.
func exitCode(err error) int {
	var b *ledger.Break
	if errors.As(err, &b) {
		return 1
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

// badUsage is the usage error for what the command line gave that a command
// refuses. An input a domain error names, its field and any other its message
// names (consent.Error.Others), is named as the flag that gives it: the
// domain says "to: must not be before from", as the API and the console's
// forms call their inputs; here it is "--to: must not be before --from".
func badUsage(err error) error {
	var e *consent.Error
	if errors.As(err, &e) && e.Field != "" {
		return fmt.Errorf("%w: %s", errUsage, e.Named(func(input string) string { return "--" + input }))
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}

// openExisting opens the store of every command but serve, which alone
// creates a deployment's database. A SQLite path naming no file is
// refused: opening it would create an empty database, and a mistyped path
// (or the default, ./consentry.db, run from another directory) would then
// verify, back up or purge nothing and succeed, or take a user or a site
// that the deployment never sees.
func openExisting(ctx context.Context, db string) (store.Store, error) {
	if err := app.CheckDB(db); err != nil {
		return nil, err
	}
	if !app.IsPostgres(db) {
		path := strings.TrimPrefix(db, "sqlite:")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			where := path
			if abs, err := filepath.Abs(path); err == nil && abs != path {
				where += " (" + abs + ")"
			}
			return nil, fmt.Errorf("--db: there is no SQLite database at %s; name the deployment's with --db sqlite:PATH "+
				"or CONSENTRY_DB, as serve was given it (consentry serve creates one)", where)
		}
	}
	return app.OpenStore(ctx, db)
}
