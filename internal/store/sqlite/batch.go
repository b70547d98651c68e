package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// The ledger writer's statements are prepared once, on the writer's
// connection, and reused by every batch: preparing them again per batch cost
// more than running them. A batch's events, request IDs and rollup rows go
// in multi-row statements rather than one statement a row: each statement run
// costs a round through database/sql and the driver (arguments converted,
// bound, the program reset) on top of SQLite's own work. Each kind of
// statement is prepared for the row counts batches have had, so that a batch
// usually takes one statement of each kind.

// chunkSizes are the row counts a multi-row statement is always prepared for;
// a count with no statement of its own yet is cut into them, largest first,
// so that it takes at most a handful of statements.
var chunkSizes = [...]int{32, 16, 8, 4, 2, 1}

// maxExact is the largest row count a statement is prepared for on its own;
// a longer list is cut into statements of this many rows and the rest.
const maxExact = 64

// multiRow is one statement prepared for each row count a batch has needed
// (up to maxExact), chunkSizes from the start.
type multiRow struct {
	perRow int // arguments a row
	text   func(rows int) string
	stmts  [maxExact + 1]*sql.Stmt // by row count
	// missing are row counts a batch was cut into chunks for: prepared after
	// its transaction (the writer's one connection is the transaction's
	// until then), for the batches after it.
	missing map[int]bool
}

func prepareMultiRow(ctx context.Context, db *sql.DB, perRow int, text func(rows int) string) (*multiRow, error) {
	m := &multiRow{perRow: perRow, text: text, missing: map[int]bool{}}
	for _, n := range chunkSizes {
		if err := m.prepare(ctx, db, n); err != nil {
			m.close()
			return nil, err
		}
	}
	return m, nil
}

func (m *multiRow) prepare(ctx context.Context, db *sql.DB, rows int) error {
	st, err := db.PrepareContext(ctx, m.text(rows))
	if err != nil {
		return err
	}
	m.stmts[rows] = st
	return nil
}

// prepareMissing prepares the row counts batches were cut into chunks for.
func (m *multiRow) prepareMissing(ctx context.Context, db *sql.DB) error {
	for n := range m.missing {
		if err := m.prepare(ctx, db, n); err != nil {
			return err
		}
		delete(m.missing, n)
	}
	return nil
}

// exec runs the statement over args, perRow arguments a row: in one
// statement when one is prepared for their row count, else in as few chunks
// as chunkSizes allow.
func (m *multiRow) exec(ctx context.Context, tx *sql.Tx, args []any) error {
	return m.run(len(args)/m.perRow, func(st *sql.Stmt, from, rows int) error {
		_, err := tx.StmtContext(ctx, st).ExecContext(ctx, args[from*m.perRow:(from+rows)*m.perRow]...)
		return err
	})
}

// run calls do for consecutive runs of rows, each with the statement
// prepared for its row count: one run of up to maxExact rows when that count
// has its statement, else chunks of chunkSizes, and the count is noted to be
// prepared after the transaction.
func (m *multiRow) run(rows int, do func(st *sql.Stmt, from, rows int) error) error {
	for from := 0; from < rows; {
		n := min(rows-from, maxExact)
		if m.stmts[n] != nil {
			if err := do(m.stmts[n], from, n); err != nil {
				return err
			}
			from += n
			continue
		}
		m.missing[n] = true
		for end := from + n; from < end; {
			i := 0
			for chunkSizes[i] > end-from {
				i++
			}
			if err := do(m.stmts[chunkSizes[i]], from, chunkSizes[i]); err != nil {
				return err
			}
			from += chunkSizes[i]
		}
	}
	return nil
}

func (m *multiRow) close() {
	for _, st := range m.stmts {
		if st != nil {
			st.Close()
		}
	}
}

// values is "VALUES (?,…,?),(?,…,?)…": rows rows of cols placeholders.
func values(rows, cols int) string {
	row := "(?" + strings.Repeat(",?", cols-1) + ")"
	return "VALUES " + row + strings.Repeat(","+row, rows-1)
}

// writeStmts are the statements every batch runs.
type writeStmts struct {
	head, setHead *sql.Stmt
	// recorded looks request IDs up, a list of them a statement.
	recorded, events, requests, rollup *multiRow
}

const (
	eventInsertColumns = `seq, id, consent_id, site_id, choice_id, flags, time, expires, ip, agent_id, page_id,
	pii_salt, pii_digest, hash`
	eventInsertArgs = 14
)

func prepareWriteStmts(ctx context.Context, db *sql.DB) (_ *writeStmts, err error) {
	w := &writeStmts{}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	prep := func(dst **sql.Stmt, text string) {
		if err == nil {
			*dst, err = db.PrepareContext(ctx, text)
		}
	}
	prep(&w.head, "SELECT seq, hash, time, names_removed FROM ledger_head WHERE id = 1")
	prep(&w.setHead, `INSERT INTO ledger_head (id, seq, hash, time) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time = excluded.time`)
	if err != nil {
		return nil, err
	}
	if w.recorded, err = prepareMultiRow(ctx, db, 1, func(n int) string {
		return "SELECT id, seq FROM requests WHERE id IN (?" + strings.Repeat(",?", n-1) + ")"
	}); err != nil {
		return nil, err
	}
	if w.events, err = prepareMultiRow(ctx, db, eventInsertArgs, func(n int) string {
		return "INSERT INTO events (" + eventInsertColumns + ") " + values(n, eventInsertArgs)
	}); err != nil {
		return nil, err
	}
	if w.requests, err = prepareMultiRow(ctx, db, 2, func(n int) string {
		return "INSERT INTO requests (seq, id) " + values(n, 2)
	}); err != nil {
		return nil, err
	}
	if w.rollup, err = prepareMultiRow(ctx, db, 5, func(n int) string {
		return "INSERT INTO daily (site_id, day, dim, key, n) " + values(n, 5) +
			" ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = n + excluded.n"
	}); err != nil {
		return nil, err
	}
	return w, nil
}

// prepareMissing prepares, after a batch, the row counts it was cut into
// chunks for.
func (w *writeStmts) prepareMissing(ctx context.Context, db *sql.DB) error {
	for _, m := range w.multiRows() {
		if err := m.prepareMissing(ctx, db); err != nil {
			return err
		}
	}
	return nil
}

func (w *writeStmts) multiRows() []*multiRow {
	return []*multiRow{w.recorded, w.events, w.requests, w.rollup}
}

func (w *writeStmts) close() {
	for _, st := range []*sql.Stmt{w.head, w.setHead} {
		if st != nil {
			st.Close()
		}
	}
	for _, m := range w.multiRows() {
		if m != nil {
			m.close()
		}
	}
}
