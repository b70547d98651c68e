// Package sqlite is the default Store: one SQLite file in WAL mode, written
// through one connection by the ledger writer, read through a separate pool.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"

	"github.com/consentry/consentry/internal/store"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite" // also registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on a SQLite file.
type Store struct {
	path string
	w, r *sql.DB
	// mu serializes AppendBatch and guards the cache below; SQLite has one
	// writer at a time anyway, this makes it explicit rather than implied by
	// the writer pool's single connection.
	mu sync.Mutex
	// agents and urls (pages) are the strings stored once, with the numbers of
	// those seen cached; choices caches the numbers of choices.
	agents, urls *dictionary
	choices      map[store.Choice]int64
	// namesRemoved is ledger_head.names_removed when agents and urls were
	// last found valid: the count of removals of their rows.
	namesRemoved int64
	// sweepMu keeps this process's SweepNames one at a time; sweeper runs
	// it in the background.
	sweepMu sync.Mutex
	sweeper *store.Sweeper
	// ws are the ledger writer's statements, prepared at its first batch.
	ws *writeStmts
	// Rerunner counts the batches run again for a recorded request ID (or one
	// two events of the batch share).
	store.Rerunner
	// args is the room for the writer's statement arguments, reused.
	args []any
}

// Open opens (creating if need be) the SQLite database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	// Commits sync with fdatasync(2), as SQLite's own build does on Linux:
	// as durable as fsync (the data and the size needed to read it back),
	// without also forcing the file's timestamps through the file system's
	// journal, which is much of what a commit waits for. The transpiled
	// library keeps fsync unless told; where there is no fdatasync it stays.
	if _, err := sqlite.Fdatasync(true); err != nil && !errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		return nil, fmt.Errorf("sqlite: fdatasync: %w", err)
	}
	// Pragmas go in the DSN so that every pooled connection gets them.
	dsn := func(extra string) string {
		return "file:" + url.PathEscape(path) + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)" + extra
	}
	// A new file is made in incremental auto-vacuum mode (the pragma must
	// come before its first table), so that space freed by a retention
	// purge can go back to the file system in small steps (Reclaim). Only
	// a new one: the pragma takes the write lock, so a command opening the
	// database beside a busy server (backup, verify, export) would wait
	// for its writer, which SQLite hands the lock back to in no order.
	//
	// The writer overwrites what it deletes with zeros where that costs no
	// more I/O (secure_delete FAST: within the pages it writes anyway), so
	// that an erased visitor's address, user agent and page are gone from
	// the file, not only from the tables. Pages a purge frees whole are not
	// rewritten: they keep their bytes until reused or given back (Reclaim).
	extra := "&_txlock=immediate&_pragma=temp_store(2)&_pragma=secure_delete(fast)"
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		extra += "&_pragma=auto_vacuum(2)"
	}
	w, err := sql.Open("sqlite", dsn(extra))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	s := &Store{path: path, w: w, r: r, choices: map[store.Choice]int64{}, namesRemoved: -1,
		agents: &dictionary{table: "agents", column: "ua", ids: map[string]int64{}},
		urls:   &dictionary{table: "pages", column: "url", ids: map[string]int64{}}}
	s.sweeper = store.StartSweeper(s.sweepNames)
	return s, nil
}

// Backup writes a consistent copy of the database to a new file while the
// server keeps running: VACUUM INTO reads one snapshot through a connection
// of its own (a read transaction, which in WAL mode never holds up the
// writer) and writes it compacted. The copy is readable by its owner only.
func (s *Store) Backup(ctx context.Context, to string) error {
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(s.path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		os.Remove(to)
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		os.Remove(to)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// createPrivate creates the database file readable and writable by its
// owner only (it holds personal data), unless it exists. SQLite gives the
// -wal and -shm files the database file's permissions.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	return f.Close()
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Close stops the background sweep and closes both pools.
func (s *Store) Close() error {
	s.sweeper.Close()
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}
