package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/consentry/consentry/internal/store"
)

// names collects the user agent and page numbers that erased or purged
// events named: the rows that may now be named by no event.
type names struct{ agents, pages []int64 }

// add notes an event's agent and page numbers (NULL is none).
func (n *names) add(agent, page sql.NullInt64) {
	if agent.Valid {
		n.agents = append(n.agents, agent.Int64)
	}
	if page.Valid {
		n.pages = append(n.pages, page.Int64)
	}
}

// readNames reads the agent and page numbers of rows (closing them) and
// counts the rows.
func readNames(rows *sql.Rows, err error) (n names, count int, _ error) {
	if err != nil {
		return n, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var agent, page sql.NullInt64
		if err := rows.Scan(&agent, &page); err != nil {
			return n, count, err
		}
		n.add(agent, page)
		count++
	}
	return n, count, rows.Err()
}

// Kinds of names_pending rows.
const (
	kindAgent = 0
	kindPage  = 1
)

// pendNames records n's user agents and pages as candidates for the sweep
// (names_pending), in tx, the transaction that erased or removed the events
// naming them: they are personal data (a browser's string, a page's
// address), and SweepNames deletes those no event names any more. A
// number already pending is recorded anew: its rows go and a new one comes
// (AUTOINCREMENT: a higher id), because a sweep running now may have read
// the old row and seen these events name it, and deletes only the rows it
// read. So each number is pending once however many purge batches named it
// (before, about 1.2 rows an event of a purge).
func pendNames(ctx context.Context, tx *sql.Tx, n names) error {
	if len(n.agents)+len(n.pages) == 0 {
		return nil
	}
	agents, err := jsonIDs(n.agents)
	if err != nil {
		return err
	}
	pages, err := jsonIDs(n.pages)
	if err != nil {
		return err
	}
	// Probes of names_pending_name (a row value IN would scan the table).
	if _, err := tx.ExecContext(ctx, `DELETE FROM names_pending WHERE kind = ?1 AND name_id IN (SELECT value FROM json_each(?2))
		OR kind = ?3 AND name_id IN (SELECT value FROM json_each(?4))`, kindAgent, agents, kindPage, pages); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO names_pending (kind, name_id)
		SELECT ?1, value FROM json_each(?2) UNION ALL SELECT ?3, value FROM json_each(?4)`, kindAgent, agents, kindPage, pages)
	return err
}

// jsonIDs is ids, sorted and without repeats, as a JSON array (json_each
// reads it).
func jsonIDs(ids []int64) (string, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if ids == nil {
		return "[]", nil
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// SweepNames deletes the user agents and pages that erasures and purges
// left named by no event, and returns how many (store.Sweep): one pass over
// the events through the read pool, then short writes. One sweep of this
// process runs at a time; one of another process beside it (a `consentry
// purge`) is safe, only wasted. When there was anything to sweep it then
// empties the write-ahead log (clearLog).
func (s *Store) SweepNames(ctx context.Context) (int, error) { return s.sweeper.Sweep(ctx) }

// Sweeps counts this process's sweeps (store.SweepStats).
func (s *Store) Sweeps() store.SweepStats { return s.sweeper.Stats() }

// LogSweeps sends the background sweeps' failures to log.
func (s *Store) LogSweeps(log *slog.Logger) { s.sweeper.SetLog(log) }

// sweepNames is SweepNames, uncounted: the sweeper counts it.
func (s *Store) sweepNames(ctx context.Context) (int, error) {
	s.sweepMu.Lock()
	defer s.sweepMu.Unlock()
	l := &liteSweep{s: s}
	n, err := store.Sweep(ctx, l)
	if err == nil && l.found {
		err = s.clearLog(ctx)
	}
	return n, err
}

// clearLog copies the write-ahead log into the file and truncates it
// (wal_checkpoint(TRUNCATE)). Until then the file keeps the pages as they
// were before the erasure and the sweep overwrote what they deleted with
// zeros, and the log keeps older copies of pages, an erased visitor's
// address, user agent and page among them, until later writes reuse its
// space. The checkpoint holds SQLite's write lock while it waits for
// readers still on an older snapshot, so it runs on a connection of its
// own that waits at most logWait: an append waits no longer than that and
// the copy, and behind a long read (an export) it gives up, leaving the
// log to the next sweep and to later writes.
func (s *Store) clearLog(ctx context.Context) error {
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(s.path)+fmt.Sprintf("?_pragma=busy_timeout(%d)", logWait.Milliseconds()))
	if err != nil {
		return err
	}
	defer db.Close()
	var busy, frames, copied int
	return db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied)
}

// logWait is how long clearLog waits for readers.
const logWait = 100 * time.Millisecond

// liteSweep is store.NameSweep on a SQLite file; found is set once it read
// any candidate.
type liteSweep struct {
	s     *Store
	found bool
}

func (l *liteSweep) Pending(ctx context.Context, limit int) ([]store.Candidate, error) {
	r, err := l.s.r.QueryContext(ctx, "SELECT id, kind = ?, name_id, after_seq FROM names_pending ORDER BY id LIMIT ?", kindPage, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []store.Candidate
	for r.Next() {
		var c store.Candidate
		if err := r.Scan(&c.ID, &c.Page, &c.Name, &c.After); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	l.found = l.found || len(out) > 0
	return out, r.Err()
}

func (l *liteSweep) Head(ctx context.Context) (int64, error) {
	var seq int64
	err := l.s.r.QueryRowContext(ctx, "SELECT seq FROM ledger_head WHERE id = 1").Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

func (l *liteSweep) Named(ctx context.Context, after, upto int64, agents, pages []int64) ([]int64, []int64, error) {
	return named(ctx, l.s.r.QueryRowContext, after, upto, agents, pages)
}

// namedQuery finds which of the user agents (?3) and pages (?4) the events
// with seq in (?1, ?2] name: one range of the table, each number once.
const namedQuery = `SELECT json_group_array(DISTINCT agent_id) FILTER (WHERE agent_id IN (SELECT value FROM json_each(?3))),
	json_group_array(DISTINCT page_id) FILTER (WHERE page_id IN (SELECT value FROM json_each(?4)))
	FROM events WHERE seq > ?1 AND seq <= ?2`

// named runs namedQuery through query (a pool's or a transaction's).
func named(ctx context.Context, query func(context.Context, string, ...any) *sql.Row, after, upto int64, agents, pages []int64) (na, np []int64, err error) {
	a, err := jsonIDs(agents)
	if err != nil {
		return nil, nil, err
	}
	p, err := jsonIDs(pages)
	if err != nil {
		return nil, nil, err
	}
	var ja, jp string
	if err := query(ctx, namedQuery, after, upto, a, p).Scan(&ja, &jp); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal([]byte(ja), &na); err != nil {
		return nil, nil, err
	}
	return na, np, json.Unmarshal([]byte(jp), &np)
}

// Remove holds SQLite's write lock (BEGIN IMMEDIATE) from before it reads
// the events after mark until it commits, so no batch commits between.
func (l *liteSweep) Remove(ctx context.Context, mark int64, rows, agents, pages []int64) (int, error) {
	tx, err := l.s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var na, np []int64
	if len(agents)+len(pages) > 0 {
		if na, np, err = named(ctx, tx.QueryRowContext, mark, 1<<62, agents, pages); err != nil {
			return 0, err
		}
	}
	removed := int64(0)
	for _, d := range []struct {
		table    string
		ids, not []int64
	}{{"agents", agents, na}, {"pages", pages, np}} {
		ids := store.Without(d.ids, d.not)
		if len(ids) == 0 {
			continue
		}
		list, err := jsonIDs(ids)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+d.table+" WHERE id IN (SELECT value FROM json_each(?))", list)
		if err != nil {
			return 0, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		removed += k
	}
	if len(rows) > 0 {
		list, err := jsonIDs(rows)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM names_pending WHERE id IN (SELECT value FROM json_each(?))", list); err != nil {
			return 0, err
		}
	}
	if removed > 0 {
		// Every writer reads this with the head under the write lock, and
		// forgets the numbers it cached (a freed number may be given to
		// the next new string).
		if _, err := tx.ExecContext(ctx, "UPDATE ledger_head SET names_removed = names_removed + 1 WHERE id = 1"); err != nil {
			return 0, err
		}
	}
	return int(removed), tx.Commit()
}
