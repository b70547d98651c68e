// Package copystore moves a deployment from SQLite to PostgreSQL: every
// table, the ledger included, row for row, so the ledger verifies on the
// target exactly as it did on the source. Both schemas come from the same
// numbered migrations (a test keeps them paired); the copy is driven by the
// target's own catalogue, so it names every column it copies.
package copystore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/jackc/pgx/v5"
)

// Order is every table a store holds, parents before the tables that refer
// to them. A table the migrations add must be named here: Copy refuses a
// schema with a table it does not know, rather than leave it behind.
var Order = []string{"sites", "revisions", "snapshots", "agents", "choices", "pages", "events", "names_pending", "purges", "purged", "requests", "days", "daily",
	"ledger_head", "verified", "users", "sessions", "throttle", "audit", "dsr_requests", "refusals"}

// Transient are the tables only PostgreSQL has, holding seconds of state
// that no instance on SQLite shares (the visitor rate limit's counts): there
// is nothing to copy into them.
var Transient = []string{"rate_counts"}

// Progress is told how many rows of a table are copied so far.
type Progress func(table string, rows int64, done bool)

// Copy copies the SQLite database at path into the empty PostgreSQL
// database url names, in one transaction on each side: the source is read
// as one snapshot (the server may keep running on it), and the target shows
// nothing until everything is in.
func Copy(ctx context.Context, path, pgURL string, progress Progress) error {
	// Opening each store brings its schema up to date.
	lite, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	lite.Close()
	pg, err := postgres.Open(ctx, pgURL)
	if err != nil {
		return err
	}
	pg.Close()

	src, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer src.Close()
	rtx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer rtx.Rollback()

	dst, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return err
	}
	defer dst.Close(context.Background())
	wtx, err := dst.Begin(ctx)
	if err != nil {
		return err
	}
	defer wtx.Rollback(context.Background())

	tables, err := targetTables(ctx, wtx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if !slices.Contains(Order, t) && !slices.Contains(Transient, t) {
			return fmt.Errorf("migrate-store: table %q is not in copystore.Order or Transient; name it there", t)
		}
	}
	var n int64
	if err := wtx.QueryRow(ctx, "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM sites) + (SELECT count(*) FROM users)").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("migrate-store: the target already holds sites, users or events; copy into an empty database")
	}
	// The target's migrations seed the ledger head; the source's replaces it.
	// A SQLite store writes its head with its first event, so one that never
	// recorded any has none: the target then keeps its seed, without which
	// it could append nothing.
	var heads int
	if err := rtx.QueryRowContext(ctx, "SELECT count(*) FROM ledger_head").Scan(&heads); err != nil {
		return err
	}
	if heads > 0 {
		if _, err := wtx.Exec(ctx, "DELETE FROM ledger_head"); err != nil {
			return err
		}
	}
	for _, t := range Order {
		if !slices.Contains(tables, t) {
			continue
		}
		if err := copyTable(ctx, rtx, wtx, t, progress); err != nil {
			return fmt.Errorf("migrate-store: %s: %w", t, err)
		}
	}
	return wtx.Commit(ctx)
}

func targetTables(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

type column struct{ name, typ, identity string }

func copyTable(ctx context.Context, rtx *sql.Tx, wtx pgx.Tx, table string, progress Progress) error {
	rows, err := wtx.Query(ctx, `SELECT column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return err
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		return c, r.Scan(&c.name, &c.typ, &c.identity)
	})
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = `"` + n + `"`
	}
	src, err := rtx.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+table)
	if err != nil {
		return err
	}
	defer src.Close()
	in := &source{rows: src, cols: cols, vals: make([]any, len(cols)), table: table, progress: progress}
	if _, err := wtx.CopyFrom(ctx, pgx.Identifier{table}, names, in); err != nil {
		return err
	}
	if progress != nil {
		progress(table, in.n, true)
	}
	for _, c := range cols {
		if c.identity == "YES" {
			_, err := wtx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(max("%s"), 0) + 1, false) FROM %s`,
				table, c.name, c.name, table))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// source streams one SQLite table into COPY, converting each value to the
// target column's type, in constant memory.
type source struct {
	rows     *sql.Rows
	cols     []column
	vals     []any
	table    string
	n        int64
	progress Progress
}

func (s *source) Next() bool {
	if !s.rows.Next() {
		return false
	}
	s.n++
	if s.progress != nil && s.n%100000 == 0 {
		s.progress(s.table, s.n, false)
	}
	return true
}

func (s *source) Values() ([]any, error) {
	ptrs := make([]any, len(s.vals))
	for i := range s.vals {
		ptrs[i] = &s.vals[i]
	}
	if err := s.rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make([]any, len(s.vals))
	for i, v := range s.vals {
		c, err := convert(v, s.cols[i].typ)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", s.cols[i].name, err)
		}
		out[i] = c
	}
	return out, nil
}

func (s *source) Err() error { return s.rows.Err() }

// convert turns a value as SQLite returns it into one for a PostgreSQL
// column of type typ.
func convert(v any, typ string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		switch typ {
		case "uuid":
			if len(x) != 16 {
				return nil, fmt.Errorf("a uuid of %d bytes", len(x))
			}
			return [16]byte(x), nil
		case "text":
			return string(x), nil
		}
		return slices.Clone(x), nil
	case string:
		if typ == "bytea" {
			return []byte(x), nil
		}
	}
	return v, nil
}
