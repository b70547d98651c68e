// Package postgres is the Store for deployments that outgrow one machine:
// any number of Consentry instances share one PostgreSQL database. Every
// instance's ledger writer appends to the same chain, one batch at a time,
// holding the ledger head's row lock for the length of its transaction.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sync"

	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// mu serializes this instance's AppendBatch calls and guards the cache;
	// other instances are kept in order by the ledger head's row lock.
	mu sync.Mutex
	// agents and urls (pages) are the strings stored once, with the numbers of
	// those seen cached; choices caches the numbers of choices (never
	// deleted). A user agent or page is deleted once no event names it
	// (SweepNames), on any instance.
	agents, urls *dictionary
	choices      map[store.Choice]int64
	// namesRemoved is ledger_head.names_removed when agents and urls were
	// last found valid (-1: not read yet), the count of removals of their
	// rows: a batch that finds another under the head's lock empties them
	// and tries again.
	namesRemoved int64
	// sweeper runs SweepNames in the background.
	sweeper *store.Sweeper
	// Rerunner counts the batches run again for a recorded request ID.
	store.Rerunner
}

// Open connects to the database url names (postgres://…) and brings its
// schema up to date. Migrations run under a PostgreSQL advisory lock, so
// instances starting together apply each migration once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, cfg.ConnConfig); err != nil {
		return nil, fmt.Errorf("postgres %s: %w", cfg.ConnConfig.Host, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool, choices: map[store.Choice]int64{}, namesRemoved: -1,
		agents: &dictionary{table: "agents", column: "ua", kind: kindAgent, ids: map[string]int64{}, pending: map[string]candidate{}},
		urls:   &dictionary{table: "pages", column: "url", kind: kindPage, ids: map[string]int64{}, pending: map[string]candidate{}}}
	s.sweeper = store.StartSweeper(s.sweepNames)
	return s, nil
}

func migrate(ctx context.Context, cfg *pgx.ConnConfig) error {
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// The tables go in the first schema of the search_path that exists;
	// with none, goose's first query would fail naming its own table.
	var schema *string
	var path string
	if err := db.QueryRowContext(ctx, "SELECT current_schema(), current_setting('search_path')").Scan(&schema, &path); err != nil {
		return err
	}
	if schema == nil {
		return fmt.Errorf("no schema to keep the tables in: the search_path (%s) names none that exists; create it (CREATE SCHEMA …) or leave search_path out", path)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLock(*schema)))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// migrationLock is the advisory lock that instances starting together take
// to migrate schema one at a time. It is the schema's own: goose's default
// is one number for the whole database, so deployments (or tests) in other
// schemas of it waited on each other's migrations, which wait in turn for
// every older transaction of the database when they build an index
// CONCURRENTLY, until goose gave up ("failed to acquire lock", a CI run).
func migrationLock(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("consentry migrations\x00" + schema))
	return int64(h.Sum64())
}

// Close stops the background sweep and closes the pool.
func (s *Store) Close() error {
	s.sweeper.Close()
	s.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// isUnique reports whether err is a unique violation, by its SQLSTATE.
func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
