package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kinds of names_pending rows.
const (
	kindAgent = 0
	kindPage  = 1
)

// pendNames records the user agents and pages numbered agents and pages as
// candidates for the sweep (names_pending), in tx, the transaction that
// erased or removed the events naming them: they are personal data (a
// browser's string, a page's address), and SweepNames deletes those no
// event names any more. It takes no lock an append waits for. A number
// already pending is recorded anew: its rows go and a new one comes (a
// higher id), because a sweep running now may have read the old row and
// seen these events name it, and deletes only the rows it read. So each
// number is pending once however many purge batches named it (before,
// about 1.2 rows an event of a purge). The old rows are locked in id order,
// as the sweep deletes them, so that two of these beside each other (an
// erasure during a purge) cannot deadlock; at worst both insert a row.
func pendNames(ctx context.Context, tx pgx.Tx, agents, pages []int64) error {
	if len(agents)+len(pages) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `WITH given (kind, name_id) AS (
			SELECT $1::smallint, a FROM (SELECT DISTINCT unnest($2::bigint[]) AS a) x
			UNION ALL SELECT $3::smallint, p FROM (SELECT DISTINCT unnest($4::bigint[]) AS p) y),
		old AS (SELECT n.id FROM names_pending n JOIN given g ON n.kind = g.kind AND n.name_id = g.name_id ORDER BY n.id FOR UPDATE OF n),
		gone AS (DELETE FROM names_pending WHERE id IN (SELECT id FROM old))
		INSERT INTO names_pending (kind, name_id) SELECT kind, name_id FROM given`, kindAgent, agents, kindPage, pages)
	return err
}

// sweepLockKey names the advisory lock a sweep holds for its length, so
// that of several instances one sweeps at a time (the others' sweeps wait,
// then find what it left).
const sweepLockKey = purgeLockKey + 2

// SweepNames deletes the user agents and pages that erasures and purges
// left named by no event, and returns how many (store.Sweep): one pass over
// the events that holds no lock a batch waits for, then one short
// transaction under the ledger head's row lock. It holds an advisory lock
// on a connection of its own for its length, so one instance sweeps at a
// time (a sweep beside another would be correct, only wasted).
func (s *Store) SweepNames(ctx context.Context) (int, error) { return s.sweeper.Sweep(ctx) }

// Sweeps counts this process's sweeps (store.SweepStats).
func (s *Store) Sweeps() store.SweepStats { return s.sweeper.Stats() }

// LogSweeps sends the background sweeps' failures to log.
func (s *Store) LogSweeps(log *slog.Logger) { s.sweeper.SetLog(log) }

// sweepNames is SweepNames, uncounted: the sweeper counts it.
func (s *Store) sweepNames(ctx context.Context) (int, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(sweepLockKey)); err != nil {
		return 0, err
	}
	n, err := store.Sweep(ctx, pgSweep{conn})
	if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(sweepLockKey)); uerr != nil {
		// The connection would keep the lock: it goes, and the lock with it.
		conn.Hijack().Close(context.Background())
		err = errors.Join(err, uerr)
	}
	return n, err
}

// pgSweep is store.NameSweep on one connection.
type pgSweep struct{ conn *pgxpool.Conn }

func (p pgSweep) Pending(ctx context.Context, limit int) ([]store.Candidate, error) {
	rows, err := p.conn.Query(ctx, "SELECT id, kind = $1, name_id, after_seq FROM names_pending ORDER BY id LIMIT $2", kindPage, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[store.Candidate])
}

// Head reads the committed head: a batch commits its events with it, and
// batches commit one at a time in seq order (the head's row lock).
func (p pgSweep) Head(ctx context.Context) (int64, error) {
	var seq int64
	err := p.conn.QueryRow(ctx, "SELECT seq FROM ledger_head WHERE id = 1").Scan(&seq)
	return seq, err
}

// namedQuery finds which of the user agents ($3) and pages ($4) the events
// with seq in ($1, $2] name: one range of the primary key, each number once.
const namedQuery = `SELECT COALESCE(array_agg(DISTINCT agent_id) FILTER (WHERE agent_id = ANY($3::bigint[])), '{}'),
	COALESCE(array_agg(DISTINCT page_id) FILTER (WHERE page_id = ANY($4::bigint[])), '{}')::bigint[]
	FROM events WHERE seq > $1 AND seq <= $2`

func (p pgSweep) Named(ctx context.Context, after, upto int64, agents, pages []int64) (na, np []int64, err error) {
	err = p.conn.QueryRow(ctx, namedQuery, after, upto, agents, pages).Scan(&na, &np)
	return na, np, err
}

// Remove takes the ledger head's row lock first, which every batch holds
// from before it inserts its events until it commits: what it reads after
// mark is then every event there is, and none can come until it commits.
// The removal counts itself in ledger_head.names_removed, which each batch
// reads under the same lock, so that no instance writes a number it cached
// of a row that is gone (Store.appendLocked).
func (p pgSweep) Remove(ctx context.Context, mark int64, rows, agents, pages []int64) (int, error) {
	tx, err := p.conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	if len(rows) > 0 {
		if _, err := tx.Exec(ctx, "DELETE FROM names_pending WHERE id = ANY($1)", rows); err != nil {
			return 0, err
		}
	}
	if len(agents)+len(pages) == 0 {
		return 0, tx.Commit(ctx)
	}
	var head int64
	if err := tx.QueryRow(ctx, "SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE").Scan(&head); err != nil {
		return 0, fmt.Errorf("ledger head: %w", err)
	}
	// Statements of their own after the lock: their snapshots see what the
	// batches that held it before committed.
	var na, np []int64
	if err := tx.QueryRow(ctx, namedQuery, mark, head, agents, pages).Scan(&na, &np); err != nil {
		return 0, err
	}
	var removed int
	err = tx.QueryRow(ctx, `WITH a AS (DELETE FROM agents WHERE id = ANY($1::bigint[]) RETURNING 1),
	p AS (DELETE FROM pages WHERE id = ANY($2::bigint[]) RETURNING 1)
	SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM p)`, store.Without(agents, na), store.Without(pages, np)).Scan(&removed)
	if err != nil {
		return 0, err
	}
	if removed > 0 {
		if _, err := tx.Exec(ctx, "UPDATE ledger_head SET names_removed = names_removed + 1 WHERE id = 1"); err != nil {
			return 0, err
		}
	}
	return removed, tx.Commit(ctx)
}
