package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/config"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// backup copies a SQLite database while the server runs, then verifies the
// copy's ledger, so a backup is known good the moment it is made.
func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	to := fs.String("to", "", "the backup file to create (it must not exist)")
	if err := config.Parse(fs, args, "db"); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("%w: backup needs --to FILE", errUsage)
	}
	if app.IsPostgres(*db) {
		return errors.New("backup copies a SQLite database; back PostgreSQL up with its own tools (pg_dump, or your provider's snapshots and point-in-time recovery)")
	}
	st, err := app.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	lite, ok := st.(*sqlite.Store)
	if !ok {
		return fmt.Errorf("backup: %s is not a SQLite database", *db)
	}
	if err := lite.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s; verifying it…\n", *to)
	return verify(ctx, []string{"--db", "sqlite:" + *to}, stdout)
}
