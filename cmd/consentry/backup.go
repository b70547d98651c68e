package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// backup copies a SQLite database while the server runs, then verifies the
// copy's ledger, so a backup is known good the moment it is made.
func backupFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	to := fs.String("to", "", "the backup file to create (it must not exist)")
	return func(ctx context.Context, e *cmdEnv) error {
		return backup(ctx, e, *db, *to)
	}
}

func backup(ctx context.Context, e *cmdEnv, db, to string) error {
	if to == "" {
		return fmt.Errorf("%w: backup needs --to FILE", errUsage)
	}
	if app.IsPostgres(db) {
		return errors.New("backup copies a SQLite database; back PostgreSQL up with its own tools (pg_dump, or your provider's snapshots and point-in-time recovery)")
	}
	if err := backupTarget(to); err != nil {
		return err
	}
	st, err := openExisting(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	lite, ok := st.(*sqlite.Store)
	if !ok {
		return fmt.Errorf("backup: %s is not a SQLite database", db)
	}
	if err := lite.Backup(ctx, to); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s; verifying it…\n", to)
	// The copy stays as copied: verifying it records nothing in it.
	if err := e.run(ctx, "verify", "--record=false", "--db", "sqlite:"+to); err != nil {
		return err
	}
	// The keys are not in the database: a copy restored without them
	// voids every token, console session and signed head it issued.
	if keys := app.DefaultKeysFile(db); fileExists(keys) {
		fmt.Fprintf(e.stdout, "the key file is NOT in the backup: copy %s to %s and keep it with the backup;\n"+
			"a restored database needs its key file beside it, named after it (as %s beside %s)\n",
			keys, app.DefaultKeysFile("sqlite:"+to), filepath.Base(keys), filepath.Base(strings.TrimPrefix(db, "sqlite:")))
	}
	return nil
}

// backupTarget refuses a --to that backup cannot create, saying what to
// give instead: the copy's own open would only say "file exists" of a
// directory, and "no such file or directory" of a missing parent.
func backupTarget(to string) error {
	if fi, err := os.Stat(to); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("--to: %s is a directory: name the file to create in it, such as %s", to, filepath.Join(to, "consentry-backup.db"))
		}
		return fmt.Errorf("--to: %s already exists: backup never overwrites a file; give a new name", to)
	}
	if dir := filepath.Dir(to); !fileExists(dir) {
		return fmt.Errorf("--to: there is no directory %s: create it first, or name a file in a directory that exists", dir)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
