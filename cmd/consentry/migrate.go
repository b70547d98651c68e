package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/store/copystore"
)

// migrateStoreFlags copies a SQLite deployment into an empty PostgreSQL
// database, ledger included, then verifies the ledger on the target.
func migrateStoreFlags(fs *flag.FlagSet) runner {
	from := fs.String("from", "", "the SQLite database to copy, sqlite:PATH")
	to := fs.String("to", "", "the empty PostgreSQL database to copy into, postgres://…")
	return func(ctx context.Context, e *cmdEnv) error {
		switch {
		case *from == "" || *to == "":
			return fmt.Errorf("%w: migrate-store needs --from sqlite:PATH and --to postgres://…", errUsage)
		case !strings.HasPrefix(*from, "sqlite:"):
			return fmt.Errorf("%w: --from: migrate-store copies a SQLite deployment: give sqlite:PATH", errUsage)
		case !app.IsPostgres(*to):
			return fmt.Errorf("%w: --to: migrate-store copies into an empty PostgreSQL database: give postgres://USER:PASSWORD@HOST/DB (a copy of a SQLite database in another file is consentry backup --to FILE)", errUsage)
		}
		// Opening a SQLite path creates the file: a mistyped --from would
		// copy an empty deployment and call it done.
		if _, err := os.Stat(strings.TrimPrefix(*from, "sqlite:")); err != nil {
			return fmt.Errorf("migrate-store: --from: no SQLite database there: %w", err)
		}
		err := copystore.Copy(ctx, strings.TrimPrefix(*from, "sqlite:"), *to, func(table string, rows int64, done bool) {
			more := "…"
			if done {
				more = ""
			}
			fmt.Fprintf(e.stdout, "  %-12s %d rows%s\n", table, rows, more)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "copied %s into %s; verifying the ledger there…\n", *from, app.Redacted(*to))
		if err := e.run(ctx, "verify", "--db", *to); err != nil {
			return err
		}
		// New keys would void every token, session and signed head the
		// SQLite deployment issued.
		_, err = fmt.Fprintf(e.stdout, "\nGive every instance on PostgreSQL this deployment's keys, not new ones, so that the tokens and heads it signed go on verifying:\n"+
			"  consentry keys export --db %s > consentry.env   (add --keys-file FILE if its key file is not beside the database)\n", shellQuote(*from))
		return err
	}
}

// shellQuote quotes s for a shell command line when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
