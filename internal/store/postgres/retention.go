package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// purgeLockKey names the advisory lock every purge holds for its length,
// so that one runs at a time (see PurgeLock); batchLockKey the one each
// purge batch holds for its transaction, so that batches of two purges
// never interleave. Two keys: a session holding the first must still be
// able to take the second from another connection.
const (
	purgeLockKey = 0x636f6e7370757267 // "conspurg"
	batchLockKey = purgeLockKey + 1
)

// BeginPurge records a purge about to start, with the ledger head now.
func (s *Store) BeginPurge(ctx context.Context, p *store.Purge) error {
	below, err := s.firstAt(ctx, p.Cutoff)
	if err != nil {
		return err
	}
	var hash []byte
	if err := s.pool.QueryRow(ctx, "SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&p.HeadSeq, &hash); err != nil {
		return err
	}
	p.HeadHash = [32]byte(hash)
	p.Below = min(below, p.HeadSeq+1)
	p.Started = time.Now().UTC().Truncate(time.Microsecond)
	return s.pool.QueryRow(ctx, `INSERT INTO purges (started_at, actor, site_id, cutoff, below_seq, head_seq, head_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, micros(p.Started), p.Actor, p.Site, micros(p.Cutoff), p.Below,
		p.HeadSeq, p.HeadHash[:]).Scan(&p.ID)
}

// PurgeBatch removes the oldest events p covers, up to limit, in one
// transaction. It takes the purge advisory lock for the transaction, so
// batches of purges run from two instances at once never interleave. It
// touches only old rows, so appends at the head never wait for it.
func (s *Store) PurgeBatch(ctx context.Context, p *store.Purge, limit int) (n int, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(batchLockKey)); err != nil {
		return 0, err
	}
	cond, args := purgeWhere(*p, p.Below)
	rows, err := tx.Query(ctx, "SELECT "+eventColumns+" WHERE "+cond+fmt.Sprintf(" ORDER BY e.seq LIMIT $%d", len(args)+1), append(args, limit)...)
	if err != nil {
		return 0, err
	}
	batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*consent.Event, error) { return scanEvent(r) })
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	if err := store.RecordRuns(batch, p.ID, pgRuns{ctx, tx}); err != nil {
		return 0, err
	}
	first, last := batch[0], batch[len(batch)-1]
	cond, args = purgeWhere(*p, last.Seq+1)
	// The removed events' user agent and page numbers come back: the sweep
	// deletes those no remaining event names (the purge's caller runs it,
	// SweepNames).
	var agents, pages []int64
	if err = tx.QueryRow(ctx, "WITH gone AS (DELETE FROM events AS e WHERE "+cond+fmt.Sprintf(" AND e.seq >= $%d", len(args)+1)+
		" RETURNING e.agent_id, e.page_id) SELECT COALESCE(array_agg(DISTINCT agent_id) FILTER (WHERE agent_id IS NOT NULL), '{}'),"+
		" COALESCE(array_agg(DISTINCT page_id) FILTER (WHERE page_id IS NOT NULL), '{}') FROM gone",
		append(args, first.Seq)...).Scan(&agents, &pages); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM requests r WHERE r.seq BETWEEN $1 AND $2
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = r.seq)`, first.Seq, last.Seq); err != nil {
		return 0, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	tag, err := tx.Exec(ctx, `UPDATE purges SET count = count + $1, first_seq = COALESCE(first_seq, $2),
		last_seq = $3, last_hash = $4, finished_at = $5 WHERE id = $6 AND done = 0`,
		len(batch), first.Seq, last.Seq, last.Hash[:], micros(now), p.ID)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() != 1 {
		return 0, store.PurgeEnded(p.ID)
	}
	if err := pendNames(ctx, tx, agents, pages); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	p.Count += int64(len(batch))
	if p.First == 0 {
		p.First = first.Seq
	}
	p.Last, p.LastHash, p.Finished = last.Seq, last.Hash, now
	return len(batch), nil
}

// pgRuns is store.Runs in one PostgreSQL transaction.
type pgRuns struct {
	ctx context.Context
	tx  pgx.Tx
}

func (r pgRuns) Hash(seq int64) ([32]byte, bool, error) {
	var h []byte
	err := r.tx.QueryRow(r.ctx, "SELECT hash FROM events WHERE seq = $1", seq).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return [32]byte{}, false, nil
	}
	return [32]byte(h), err == nil, err
}

func (r pgRuns) gap(query string, seq int64) (*ledger.Gap, error) {
	g, err := scanGap(r.tx.QueryRow(r.ctx, "SELECT first_seq, last_seq, before_hash, after_hash, purge_id FROM purged WHERE "+query, seq))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &g, err
}

func (r pgRuns) Ending(seq int64) (*ledger.Gap, error)   { return r.gap("last_seq = $1", seq) }
func (r pgRuns) Starting(seq int64) (*ledger.Gap, error) { return r.gap("first_seq = $1", seq) }

func (r pgRuns) Replace(remove []int64, g ledger.Gap) error {
	if len(remove) > 0 {
		if _, err := r.tx.Exec(r.ctx, "DELETE FROM purged WHERE first_seq = ANY($1)", remove); err != nil {
			return err
		}
	}
	_, err := r.tx.Exec(r.ctx, "INSERT INTO purged (first_seq, last_seq, before_hash, after_hash, purge_id) VALUES ($1, $2, $3, $4, $5)",
		g.First, g.Last, g.Before[:], g.After[:], g.Purge)
	return err
}

func scanGap(row pgx.Row) (ledger.Gap, error) {
	var (
		g             ledger.Gap
		before, after []byte
	)
	if err := row.Scan(&g.First, &g.Last, &before, &after, &g.Purge); err != nil {
		return g, err
	}
	if len(before) != 32 || len(after) != 32 {
		return g, fmt.Errorf("purged run #%d to #%d: a hash is not 32 bytes", g.First, g.Last)
	}
	g.Before, g.After = [32]byte(before), [32]byte(after)
	return g, nil
}

// PurgeCount says how many events a purge at cutoff would remove.
func (s *Store) PurgeCount(ctx context.Context, p store.Purge) (int64, error) {
	below, err := s.firstAt(ctx, p.Cutoff)
	if err != nil {
		return 0, err
	}
	cond, args := purgeWhere(p, below)
	var n int64
	err = s.pool.QueryRow(ctx, "SELECT count(*) FROM events AS e WHERE "+cond, args...).Scan(&n)
	return n, err
}

// purgeWhere is the condition on events (named e) that p removes, for
// seqs below below, with its arguments from $1 on.
func purgeWhere(p store.Purge, below int64) (string, []any) {
	cond, args := "e.seq < $1", []any{below}
	if p.Site != "" {
		args = append(args, p.Site)
		cond += fmt.Sprintf(" AND e.site_id = $%d", len(args))
	}
	if !p.Expired.IsZero() {
		args = append(args, micros(p.Expired))
		cond += fmt.Sprintf(" AND e.expires < $%d", len(args))
	}
	if p.Last > 0 { // what came before was removed or kept already: no rescan
		args = append(args, p.Last)
		cond += fmt.Sprintf(" AND e.seq > $%d", len(args))
	}
	return cond, args
}

// Purges returns the newest purge records.
func (s *Store) Purges(ctx context.Context, limit int) ([]store.Purge, error) {
	var out []store.Purge
	err := s.purges(ctx, func(p store.Purge) error { out = append(out, p); return nil },
		"SELECT "+purgeColumns+" FROM purges ORDER BY id DESC LIMIT $1", limit)
	return out, err
}

// EndPurge marks a purge done, and interrupted if it stopped early, and
// returns its record as it ended. The update waits for a batch of the purge
// still in flight (its process killed as it committed: the commit lands
// after the kill), so the record returned counts that batch too.
func (s *Store) EndPurge(ctx context.Context, id int64, interrupted bool) (store.Purge, error) {
	var flag int32
	if interrupted {
		flag = 1
	}
	var p store.Purge
	err := s.purges(ctx, func(r store.Purge) error { p = r; return nil },
		"UPDATE purges SET interrupted = CASE done WHEN 0 THEN $1 ELSE interrupted END, done = 1 WHERE id = $2 RETURNING "+purgeColumns,
		flag, id)
	if err == nil && p.ID == 0 {
		err = fmt.Errorf("purge #%d: no such record", id)
	}
	return p, err
}

// DonePurges streams every purge marked done, oldest first.
func (s *Store) DonePurges(ctx context.Context, fn func(store.Purge) error) error {
	return s.purges(ctx, fn, "SELECT "+purgeColumns+" FROM purges WHERE done = 1 ORDER BY id")
}

// UnfinishedPurges returns the purges not marked done, oldest first.
func (s *Store) UnfinishedPurges(ctx context.Context) ([]store.Purge, error) {
	var out []store.Purge
	err := s.purges(ctx, func(p store.Purge) error { out = append(out, p); return nil },
		"SELECT "+purgeColumns+" FROM purges WHERE done = 0 ORDER BY id")
	return out, err
}

// purgeColumns are the columns of a purge record, as purges scans them.
const purgeColumns = `id, started_at, finished_at, actor, site_id, cutoff, below_seq, head_seq,
	head_hash, count, first_seq, last_seq, last_hash, done, interrupted`

// purges calls fn for each purge record query returns (purgeColumns).
func (s *Store) purges(ctx context.Context, fn func(store.Purge) error, query string, args ...any) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p                     store.Purge
			started, cutoff       int64
			finished, first, last *int64
			headHash, lastHash    []byte
			done, interrupted     int32
		)
		if err := rows.Scan(&p.ID, &started, &finished, &p.Actor, &p.Site, &cutoff, &p.Below, &p.HeadSeq,
			&headHash, &p.Count, &first, &last, &lastHash, &done, &interrupted); err != nil {
			return err
		}
		p.Done, p.Interrupted = done == 1, interrupted == 1
		p.Started, p.Cutoff, p.HeadHash = fromMicros(started), fromMicros(cutoff), [32]byte(headHash)
		if finished != nil {
			p.Finished = fromMicros(*finished)
		}
		if first != nil && last != nil {
			p.First, p.Last = *first, *last
		}
		if lastHash != nil {
			p.LastHash = [32]byte(lastHash)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// NewestCutoff returns the purge that removed events with the latest
// cutoff; ENotFound when none removed any. The purges table has a row
// for each purge that removed something, at most one an hour a site: a
// scan.
func (s *Store) NewestCutoff(ctx context.Context) (store.Purge, error) {
	var p store.Purge
	err := s.purges(ctx, func(r store.Purge) error { p = r; return nil },
		"SELECT "+purgeColumns+" FROM purges WHERE count > 0 ORDER BY cutoff DESC, id DESC LIMIT 1")
	if err == nil && p.ID == 0 {
		err = consent.Errorf(consent.ENotFound, "no purge has removed an event")
	}
	return p, err
}

// PurgedTotal is how many events every purge so far removed.
func (s *Store) PurgedTotal(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, "SELECT COALESCE(SUM(count), 0)::bigint FROM purges").Scan(&n)
	return n, err
}

// Gaps returns purged runs that end after seq, in order.
func (s *Store) Gaps(ctx context.Context, after int64, limit int) ([]ledger.Gap, error) {
	rows, err := s.pool.Query(ctx, `SELECT first_seq, last_seq, before_hash, after_hash, purge_id FROM purged
		WHERE last_seq > $1 ORDER BY last_seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Gap, error) { return scanGap(r) })
}

// PurgeLock takes the purge advisory lock on a connection of its own, held
// until release: one purge at a time, the scheduled one on one instance.
// PostgreSQL drops it when that session ends, also when the process
// holding it was killed, so a purge record not done while the lock is
// free belongs to a purge that is no longer running.
func (s *Store) PurgeLock(ctx context.Context) (func(), bool, error) {
	conn, ok, err := s.purgeLock(ctx)
	if !ok {
		return nil, false, err
	}
	return func() { releasePurgeLock(conn) }, true, nil
}

// releasePurgeLock gives the lock back. Bounded: a database that stopped
// answering must not hold up the caller (a server shutting down waits for
// its scheduled purge). A connection that could not unlock is closed, never
// pooled with the lock on it; its session's end drops the lock.
func releasePurgeLock(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", int64(purgeLockKey)); err != nil {
		conn.Conn().Close(ctx)
	} else if _, err := conn.Exec(ctx, keepaliveReset); err != nil {
		conn.Conn().Close(ctx)
	}
	conn.Release()
}

// purgeLock is PurgeLock's connection, holding the lock when ok. Its
// session's TCP keepalives are short, so that the server notices within
// about a minute a client whose machine vanished without closing the
// connection (a kill closes it at once) and drops its lock, instead of
// after the kernel's default two hours of purges waiting.
func (s *Store) purgeLock(ctx context.Context) (*pgxpool.Conn, bool, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	if _, err := conn.Exec(ctx, keepaliveShort); err != nil {
		conn.Release()
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(purgeLockKey)).Scan(&ok); err != nil || !ok {
		if _, e := conn.Exec(ctx, keepaliveReset); e != nil {
			conn.Conn().Close(ctx)
		}
		conn.Release()
		return nil, false, err
	}
	return conn, true, nil
}

// The purge lock session's keepalives (idle 30 s, then 3 probes 10 s
// apart), and back to the server's defaults before the connection returns
// to the pool. They apply to TCP connections; a Unix socket has none.
const (
	keepaliveShort = "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3"
	keepaliveReset = "RESET tcp_keepalives_idle; RESET tcp_keepalives_interval; RESET tcp_keepalives_count"
)

// unlockTimeout bounds giving the purge lock back.
const unlockTimeout = 5 * time.Second
