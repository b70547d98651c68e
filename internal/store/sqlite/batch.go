package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// The ledger writer's statements are prepared once, on the writer's
// connection, and reused by every batch: preparing them again per batch cost
// more than running them. A batch's events, request IDs and rollup rows go
// in multi-row statements, a few per batch whatever its size, rather than
// one statement a row: each statement run costs a round through
// database/sql and the driver (arguments converted, bound, a watcher for the
// batch's deadline) on top of SQLite's own work.

// chunkSizes are the row counts a multi-row statement is prepared for; a
// batch of any size is cut into them, largest first, so that it takes at
// most a handful of statements and their text never depends on the batch.
var chunkSizes = [...]int{32, 16, 8, 4, 2, 1}

// multiRow is one statement prepared once for each of chunkSizes rows.
type multiRow struct {
	perRow int // arguments a row
	stmts  [len(chunkSizes)]*sql.Stmt
}

func prepareMultiRow(ctx context.Context, db *sql.DB, perRow int, text func(rows int) string) (*multiRow, error) {
	m := &multiRow{perRow: perRow}
	for i, n := range chunkSizes {
		st, err := db.PrepareContext(ctx, text(n))
		if err != nil {
			m.close()
			return nil, err
		}
		m.stmts[i] = st
	}
	return m, nil
}

// exec runs the statement over args, perRow arguments a row, in as few
// chunks as chunkSizes allow.
func (m *multiRow) exec(ctx context.Context, tx *sql.Tx, args []any) error {
	for len(args) > 0 {
		rows := len(args) / m.perRow
		i := 0
		for chunkSizes[i] > rows {
			i++
		}
		n := chunkSizes[i] * m.perRow
		if _, err := tx.StmtContext(ctx, m.stmts[i]).ExecContext(ctx, args[:n]...); err != nil {
			return err
		}
		args = args[n:]
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
	// recorded looks request IDs up, chunkSizes of them a statement: a
	// shorter list repeats an ID to fill the chunk.
	recorded                 [len(chunkSizes)]*sql.Stmt
	events, requests, rollup *multiRow
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
	prep(&w.head, "SELECT seq, hash, time FROM ledger_head WHERE id = 1")
	prep(&w.setHead, `INSERT INTO ledger_head (id, seq, hash, time) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time = excluded.time`)
	for i, n := range chunkSizes {
		prep(&w.recorded[i], "SELECT id, seq FROM requests WHERE id IN (?"+strings.Repeat(",?", n-1)+")")
	}
	if err != nil {
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

func (w *writeStmts) close() {
	for _, st := range append([]*sql.Stmt{w.head, w.setHead}, w.recorded[:]...) {
		if st != nil {
			st.Close()
		}
	}
	for _, m := range []*multiRow{w.events, w.requests, w.rollup} {
		if m != nil {
			m.close()
		}
	}
}
