package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
)

// BeginPurge records a purge about to start, with the ledger head now.
func (s *Store) BeginPurge(ctx context.Context, p *store.Purge) error {
	below, err := s.firstAt(ctx, p.Cutoff)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var hash []byte
	switch err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&p.HeadSeq, &hash); {
	case errors.Is(err, sql.ErrNoRows):
		p.HeadSeq, p.HeadHash = 0, [32]byte{}
	case err != nil:
		return err
	default:
		p.HeadHash = [32]byte(hash)
	}
	p.Below = min(below, p.HeadSeq+1)
	p.Started = time.Now().UTC().Truncate(time.Microsecond)
	err = tx.QueryRowContext(ctx, `INSERT INTO purges (started_at, actor, site_id, cutoff, below_seq, head_seq, head_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, micros(p.Started), p.Actor, p.Site, micros(p.Cutoff), p.Below,
		p.HeadSeq, p.HeadHash[:]).Scan(&p.ID)
	if err != nil {
		return err
	}
	return tx.Commit()
}

// PurgeBatch removes the oldest events p covers, up to limit. The events
// are read first through the read pool, which never holds up the writer;
// only recording their runs and deleting them takes SQLite's one write
// lock, in one short transaction, so the ledger writer waits for at most
// that. Should the events have changed in between (a purge from another
// process at the same time), the delete finds fewer and the batch is
// rolled back whole.
func (s *Store) PurgeBatch(ctx context.Context, p *store.Purge, limit int) (int, error) {
	cond, args := purgeWhere(*p, p.Below)
	var batch []*consent.Event
	err := s.query(ctx, func(e *consent.Event) error { batch = append(batch, e); return nil },
		"SELECT "+eventColumns+" WHERE "+cond+" ORDER BY e.seq LIMIT ?", append(args, limit)...)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := store.RecordRuns(batch, p.ID, liteRuns{ctx, tx}); err != nil {
		return 0, err
	}
	first, last := batch[0], batch[len(batch)-1]
	cond, args = purgeWhere(*p, last.Seq+1)
	// The removed events' user agent and page numbers come back: the sweep
	// deletes those no remaining event names (the purge's caller runs it,
	// SweepNames).
	named, n, err := readNames(tx.QueryContext(ctx, "DELETE FROM events AS e WHERE e.seq >= ? AND "+cond+" RETURNING agent_id, page_id",
		append([]any{first.Seq}, args...)...))
	if err != nil {
		return 0, err
	}
	if n != len(batch) {
		return 0, fmt.Errorf("purge: %d of the %d events read were still there to remove (another purge at the same time?); nothing removed", n, len(batch))
	}
	if err := pendNames(ctx, tx, named); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM requests WHERE seq BETWEEN ? AND ?
		AND NOT EXISTS (SELECT 1 FROM events WHERE events.seq = requests.seq)`, first.Seq, last.Seq); err != nil {
		return 0, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	res, err := tx.ExecContext(ctx, `UPDATE purges SET count = count + ?, first_seq = COALESCE(first_seq, ?),
		last_seq = ?, last_hash = ?, finished_at = ? WHERE id = ? AND done = 0`,
		len(batch), first.Seq, last.Seq, last.Hash[:], micros(now), p.ID)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, errors.Join(err, store.PurgeEnded(p.ID))
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	p.Count += int64(len(batch))
	if p.First == 0 {
		p.First = first.Seq
	}
	p.Last, p.LastHash, p.Finished = last.Seq, last.Hash, now
	return len(batch), nil
}

// liteRuns is store.Runs in one SQLite transaction.
type liteRuns struct {
	ctx context.Context
	tx  *sql.Tx
}

func (r liteRuns) Hash(seq int64) ([32]byte, bool, error) {
	var h []byte
	err := r.tx.QueryRowContext(r.ctx, "SELECT hash FROM events WHERE seq = ?", seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, false, nil
	}
	return [32]byte(h), err == nil, err
}

func (r liteRuns) gap(query string, seq int64) (*ledger.Gap, error) {
	var (
		g             ledger.Gap
		before, after []byte
	)
	err := r.tx.QueryRowContext(r.ctx, "SELECT first_seq, last_seq, before_hash, after_hash, purge_id FROM purged WHERE "+query, seq).
		Scan(&g.First, &g.Last, &before, &after, &g.Purge)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	g.Before, g.After = [32]byte(before), [32]byte(after)
	return &g, nil
}

func (r liteRuns) Ending(seq int64) (*ledger.Gap, error)   { return r.gap("last_seq = ?", seq) }
func (r liteRuns) Starting(seq int64) (*ledger.Gap, error) { return r.gap("first_seq = ?", seq) }

func (r liteRuns) Replace(remove []int64, g ledger.Gap) error {
	for _, first := range remove {
		if _, err := r.tx.ExecContext(r.ctx, "DELETE FROM purged WHERE first_seq = ?", first); err != nil {
			return err
		}
	}
	_, err := r.tx.ExecContext(r.ctx, "INSERT INTO purged (first_seq, last_seq, before_hash, after_hash, purge_id) VALUES (?, ?, ?, ?, ?)",
		g.First, g.Last, g.Before[:], g.After[:], g.Purge)
	return err
}

// PurgeCount says how many events a purge at cutoff would remove.
func (s *Store) PurgeCount(ctx context.Context, p store.Purge) (int64, error) {
	below, err := s.firstAt(ctx, p.Cutoff)
	if err != nil {
		return 0, err
	}
	cond, args := purgeWhere(p, below)
	var n int64
	err = s.r.QueryRowContext(ctx, "SELECT count(*) FROM events AS e WHERE "+cond, args...).Scan(&n)
	return n, err
}

// purgeWhere is the condition on events (named e) that p removes, for
// seqs below below.
func purgeWhere(p store.Purge, below int64) (string, []any) {
	cond, args := "e.seq < ?", []any{below}
	if p.Site != "" {
		cond, args = cond+" AND e.site_id = ?", append(args, p.Site)
	}
	if !p.Expired.IsZero() {
		cond, args = cond+" AND e.expires < ?", append(args, micros(p.Expired))
	}
	if p.Last > 0 { // what came before was removed or kept already: no rescan
		cond, args = cond+" AND e.seq > ?", append(args, p.Last)
	}
	return cond, args
}

// Purges returns the newest purge records.
func (s *Store) Purges(ctx context.Context, limit int) ([]store.Purge, error) {
	var out []store.Purge
	err := s.purges(ctx, s.r, func(p store.Purge) error { out = append(out, p); return nil },
		"SELECT "+purgeColumns+" FROM purges ORDER BY id DESC LIMIT ?", limit)
	return out, err
}

// EndPurge marks a purge done, and interrupted if it stopped early, and
// returns its record as it ended.
func (s *Store) EndPurge(ctx context.Context, id int64, interrupted bool) (store.Purge, error) {
	var p store.Purge
	err := s.purges(ctx, s.w, func(r store.Purge) error { p = r; return nil },
		"UPDATE purges SET interrupted = CASE done WHEN 0 THEN ? ELSE interrupted END, done = 1 WHERE id = ? RETURNING "+purgeColumns,
		interrupted, id)
	if err == nil && p.ID == 0 {
		err = fmt.Errorf("purge #%d: no such record", id)
	}
	return p, err
}

// DonePurges streams every purge marked done, oldest first.
func (s *Store) DonePurges(ctx context.Context, fn func(store.Purge) error) error {
	return s.purges(ctx, s.r, fn, "SELECT "+purgeColumns+" FROM purges WHERE done = 1 ORDER BY id")
}

// UnfinishedPurges returns the purges not marked done, oldest first.
func (s *Store) UnfinishedPurges(ctx context.Context) ([]store.Purge, error) {
	var out []store.Purge
	err := s.purges(ctx, s.r, func(p store.Purge) error { out = append(out, p); return nil },
		"SELECT "+purgeColumns+" FROM purges WHERE done = 0 ORDER BY id")
	return out, err
}

// purgeColumns are the columns of a purge record, as purges scans them.
const purgeColumns = `id, started_at, finished_at, actor, site_id, cutoff, below_seq, head_seq,
	head_hash, count, first_seq, last_seq, last_hash, done, interrupted`

// purges calls fn for each purge record query returns (purgeColumns), run
// on db.
func (s *Store) purges(ctx context.Context, db *sql.DB, fn func(store.Purge) error, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p                     store.Purge
			started, cutoff       int64
			finished, first, last sql.NullInt64
			headHash, lastHash    []byte
		)
		if err := rows.Scan(&p.ID, &started, &finished, &p.Actor, &p.Site, &cutoff, &p.Below, &p.HeadSeq,
			&headHash, &p.Count, &first, &last, &lastHash, &p.Done, &p.Interrupted); err != nil {
			return err
		}
		p.Started, p.Cutoff, p.HeadHash = fromMicros(started), fromMicros(cutoff), [32]byte(headHash)
		if finished.Valid {
			p.Finished = fromMicros(finished.Int64)
		}
		p.First, p.Last = first.Int64, last.Int64
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
	err := s.purges(ctx, s.r, func(r store.Purge) error { p = r; return nil },
		"SELECT "+purgeColumns+" FROM purges WHERE count > 0 ORDER BY cutoff DESC, id DESC LIMIT 1")
	if err == nil && p.ID == 0 {
		err = consent.Errorf(consent.ENotFound, "no purge has removed an event")
	}
	return p, err
}

// PurgedTotal is how many events every purge so far removed.
func (s *Store) PurgedTotal(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT COALESCE(SUM(count), 0) FROM purges").Scan(&n)
	return n, err
}

// Gaps returns purged runs that end after seq, in order.
func (s *Store) Gaps(ctx context.Context, after int64, limit int) ([]ledger.Gap, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT first_seq, last_seq, before_hash, after_hash, purge_id FROM purged
		WHERE last_seq > ? ORDER BY last_seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Gap
	for rows.Next() {
		var (
			g            ledger.Gap
			before, hash []byte
		)
		if err := rows.Scan(&g.First, &g.Last, &before, &hash, &g.Purge); err != nil {
			return nil, err
		}
		if len(before) != 32 || len(hash) != 32 {
			return nil, fmt.Errorf("purged run #%d to #%d: a hash is not 32 bytes", g.First, g.Last)
		}
		g.Before, g.After = [32]byte(before), [32]byte(hash)
		out = append(out, g)
	}
	return out, rows.Err()
}

// PurgeLock takes the purge lock, if it is free: an exclusive flock(2) on
// the file beside the database (PATH.purge-lock), so a `consentry purge`
// and a server's scheduled purge on the same file exclude each other. The
// kernel drops it when its holder's process ends, however it ends, so a
// purge killed mid-way leaves no lock behind, and whoever holds the lock
// knows that a purge record not done is no longer running.
func (s *Store) PurgeLock(context.Context) (func(), bool, error) {
	f, err := os.OpenFile(s.path+".purge-lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("purge lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("purge lock: %w", err)
	}
	return func() { f.Close() }, true, nil
}

// Reclaim gives up to pages free pages back to the file system, in one
// short write (PRAGMA incremental_vacuum), and returns how many free pages
// are left; left is 0 when the file is not in incremental auto-vacuum mode
// (a database created before it was the default: see Vacuum), where freed
// pages are reused by new events instead.
func (s *Store) Reclaim(ctx context.Context, pages int) (left int64, err error) {
	var mode int
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return 0, err
	}
	if mode != 2 {
		return 0, nil
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", pages)); err != nil {
		return 0, err
	}
	err = s.w.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&left)
	return left, err
}

// Vacuum rewrites the whole file compacted and switches it to incremental
// auto-vacuum, so that later purges give space back in small steps. It
// holds SQLite's write lock for as long as it runs (the ledger writer
// waits, and answers 503 after its batch deadline): run it once, at a
// quiet time, on a database created before incremental auto-vacuum.
func (s *Store) Vacuum(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, "VACUUM")
	return err
}

// AutoVacuum names the file's auto-vacuum mode: none, full or incremental.
func (s *Store) AutoVacuum(ctx context.Context) (string, error) {
	var mode int
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return "", err
	}
	return [...]string{"none", "full", "incremental"}[mode%3], nil
}

// Checkpoint copies the write-ahead log into the database file, where
// Reclaim's truncation then takes effect, without waiting on readers.
func (s *Store) Checkpoint(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	return err
}

// FileSize is the size of the database file (the write-ahead log beside
// it is reused rather than shrunk, so it is left out).
func (s *Store) FileSize() (int64, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
