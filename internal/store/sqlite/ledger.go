package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// AppendBatch writes events in one transaction and commits it durably: it
// reads the ledger head inside the transaction (BEGIN IMMEDIATE holds
// SQLite's write lock from the start), seals the batch to it, inserts the
// events, their day starts and rollup, and writes the new head.
//
// A batch's request IDs are almost never recorded already (only a client's
// retry repeats one), so the batch first inserts them as if none were: the
// unique index on requests.id looks each up anyway as it inserts it, and a
// separate lookup of the whole list beforehand was a statement, a temporary
// index and a probe an ID more for every batch. When one was recorded, or
// two events of the batch share one (the insert fails on that index), the
// transaction is rolled back, nothing of it written, and the batch runs
// again looking its IDs up first, so that a retry is answered with the event
// recorded first; so do the store.LookupsAfterRerun batches after it.
func (s *Store) AppendBatch(ctx context.Context, events []*consent.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.appendBatch(ctx, events, !s.Lookup())
	if errors.Is(err, store.ErrRecorded) {
		s.Again()
		err = s.appendBatch(ctx, events, false)
	}
	return err
}

// appendBatch is AppendBatch once; optimistic inserts the batch's request IDs
// without looking them up first, and fails with store.ErrRecorded, having
// written nothing, when one was recorded.
func (s *Store) appendBatch(ctx context.Context, events []*consent.Event, optimistic bool) (err error) {
	if s.ws == nil {
		// Prepared before the transaction: preparing on s.w needs its one
		// connection, which the transaction would hold.
		if s.ws, err = prepareWriteStmts(ctx, s.w); err != nil {
			return err
		}
	}
	ws := s.ws
	// Each statement's arguments go in one list, s.args, reused in turn (a
	// batch's arguments are many); however the batch ends, the list keeps
	// none of its values (IPs, salts) for longer.
	defer func() { clear(s.args[:cap(s.args)]) }()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// The batch's deadline holds through the transaction, which database/sql
	// rolls back once ctx is done (between statements); the statements
	// themselves run without it, because the driver watches a context that
	// can end with a goroutine and a progress handler for every statement,
	// about a dozen a batch.
	deadline := ctx
	ctx = context.WithoutCancel(ctx)
	defer func() {
		if err != nil && deadline.Err() != nil {
			err = fmt.Errorf("%w: %w", deadline.Err(), err)
		}
		if err != nil {
			tx.Rollback()
			// The caches may name rows the rollback removed.
			s.agents.ids, s.urls.ids, s.choices = map[string]int64{}, map[string]int64{}, map[store.Choice]int64{}
		}
	}()
	var (
		head       ledger.Head
		prev       []byte
		headMicros int64
		removed    int64
	)
	switch err = tx.StmtContext(ctx, ws.head).QueryRowContext(ctx).Scan(&head.Seq, &prev, &headMicros, &removed); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		head.Hash, head.Time = [32]byte(prev), fromMicros(headMicros)
	}
	if removed != s.namesRemoved {
		// User agents or pages were removed since the caches were filled
		// (an erasure or a purge, maybe by another process): a cached
		// number may name a removed row, or one SQLite has given to another
		// string since.
		s.agents.ids, s.urls.ids, s.namesRemoved = map[string]int64{}, map[string]int64{}, removed
	}
	// Inserted first, with the seq each event gets when none is a repeat: a
	// request ID that was recorded, or one that two events of the batch
	// share, fails the insert on the unique index before anything else of
	// the batch is written, and the batch runs again the other way, which
	// finds and answers the repeats.
	resolve := noRepeats
	if optimistic {
		reqs := s.args[:0]
		for i, e := range events {
			if e.RequestID != uuid.Nil {
				reqs = append(reqs, head.Seq+int64(i)+1, e.RequestID[:])
			}
		}
		err = ws.requests.exec(ctx, tx, reqs)
		s.args = reqs[:0]
		if err != nil {
			if isUniqueIndex(err) {
				return store.ErrRecorded
			}
			return err
		}
	} else {
		recorded, err := recordedRequests(ctx, tx, ws, ledger.RequestIDs(events))
		if err != nil {
			return err
		}
		events, resolve = ledger.Repeats(events, recorded)
	}
	head, days := ledger.SealBatch(head, events)
	rows := s.args[:0]
	var reqs []any
	for _, e := range events {
		agent, err := s.nameID(ctx, tx, s.agents, e.Personal.UserAgent)
		if err != nil {
			return err
		}
		page, err := s.nameID(ctx, tx, s.urls, e.Personal.Page)
		if err != nil {
			return err
		}
		choice, err := s.choiceID(ctx, tx, store.ChoiceOf(e))
		if err != nil {
			return err
		}
		rows = append(rows, e.Seq, e.ID[:], e.ConsentID[:], e.Site, choice, int64(store.RowFlags(e)),
			micros(e.Time), micros(e.Expires), e.Personal.IP, agent, page,
			e.PIISalt, e.PIIDigest[:], e.Hash[:])
		if e.RequestID != uuid.Nil && !optimistic {
			reqs = append(reqs, e.Seq, e.RequestID[:])
		}
	}
	err = ws.events.exec(ctx, tx, rows)
	s.args = rows[:0]
	if err != nil {
		return err
	}
	if err = ws.requests.exec(ctx, tx, reqs); err != nil {
		return err
	}
	for _, d := range days {
		if _, err = tx.ExecContext(ctx, "INSERT OR IGNORE INTO days (day, first_seq) VALUES (?, ?)", d.Day, d.Seq); err != nil {
			return err
		}
	}
	counts := consent.Rollup(events)
	rollup := s.args[:0]
	for _, c := range counts {
		rollup = append(rollup, c.Site, c.Day, c.Dim, c.Key, c.N)
	}
	err = ws.rollup.exec(ctx, tx, rollup)
	s.args = rollup[:0]
	if err != nil {
		return err
	}
	if _, err = tx.StmtContext(ctx, ws.setHead).ExecContext(ctx, head.Seq, head.Hash[:], micros(head.Time)); err != nil {
		return err
	}
	if err = resolve(func(seq int64) (*consent.Event, error) {
		return scanEvent(tx.QueryRowContext(ctx, "SELECT "+eventColumns+" WHERE e.seq = ?", seq))
	}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	// Row counts this batch had no statement for are prepared now, once the
	// transaction no longer holds the connection; a failure here leaves them
	// to the next batch, which is committed all the same.
	ws.prepareMissing(ctx, s.w)
	return nil
}

// noRepeats is the resolve of a batch that has no repeats.
func noRepeats(func(seq int64) (*consent.Event, error)) error { return nil }

// recordedRequests maps those of ids recorded already to their event's seq.
func recordedRequests(ctx context.Context, tx *sql.Tx, ws *writeStmts, ids []uuid.UUID) (map[uuid.UUID]int64, error) {
	var out map[uuid.UUID]int64
	args := make([]any, len(ids))
	for i := range ids {
		args[i] = ids[i][:]
	}
	err := ws.recorded.run(len(ids), func(st *sql.Stmt, from, n int) error {
		rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, args[from:from+n]...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out, err = store.ScanRecorded(rows, out)
		return err
	})
	return out, err
}

// PruneRequests forgets the request IDs of events before t: the days table
// finds the first seq at t, and the deletes are ranges of the primary key,
// a few thousand rows a transaction, so ingest never waits long for the
// write lock.
func (s *Store) PruneRequests(ctx context.Context, before time.Time) (int, error) {
	seq, err := s.firstAt(ctx, before)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		res, err := s.w.ExecContext(ctx, "DELETE FROM requests WHERE seq IN (SELECT seq FROM requests WHERE seq < ? ORDER BY seq LIMIT 5000)", seq)
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		total += int(n)
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// dictionaryCache bounds each dictionary's cache: 100,000 strings (a few
// MB) hold a large shop's pages, so the writer rarely asks the database.
const dictionaryCache = 100000

// dictionary is a table of strings that repeat across events (user agents,
// pages), each stored once, and the numbers of those seen lately.
type dictionary struct {
	table, column string
	ids           map[string]int64
}

// nameID returns the number of v in d, storing it when it is new; nil (NULL)
// for "". The number is an argument as database/sql passes it to the driver,
// an int64 in an any, so that it goes through no conversion.
func (s *Store) nameID(ctx context.Context, tx *sql.Tx, d *dictionary, v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	if id, ok := d.ids[v]; ok {
		return id, nil
	}
	// Most strings missing from the cache are stored already: a probe
	// finds them without writing.
	var id int64
	err := tx.QueryRowContext(ctx, fmt.Sprintf("SELECT id FROM %s WHERE %s = ?", d.table, d.column), v).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (?) RETURNING id", d.table, d.column), v).Scan(&id)
	}
	if err != nil {
		return nil, err
	}
	if len(d.ids) >= dictionaryCache {
		d.ids = map[string]int64{}
	}
	d.ids[v] = id
	return id, nil
}

// choiceID returns the number of choice c, storing it when it is new.
func (s *Store) choiceID(ctx context.Context, tx *sql.Tx, c store.Choice) (int64, error) {
	if id, ok := s.choices[c]; ok {
		return id, nil
	}
	return s.newChoice(ctx, tx, c)
}

// newChoice is choiceID for a choice not in the cache. It is apart so that
// c, which the statement's arguments take to the heap, goes there only for
// a new choice, not for every event of every batch.
func (s *Store) newChoice(ctx context.Context, tx *sql.Tx, c store.Choice) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO choices (revision, action, granted, source, lang, country, rule, texts_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (texts_hash, revision, action, granted, source, lang, country, rule) DO UPDATE SET rule = excluded.rule
		RETURNING id`, c.Revision, string(c.Action), c.Granted, string(c.Source), c.Lang, c.Country, c.Rule, c.TextsHash[:]).Scan(&id)
	if err != nil {
		return 0, err
	}
	if len(s.choices) > 10000 {
		s.choices = map[store.Choice]int64{}
	}
	s.choices[c] = id
	return id, nil
}

// eventColumns reads an event with its choice, user agent and page. The
// joins are LEFT JOINs so that SQLite keeps events as the outer loop, in seq
// order.
const eventColumns = `e.seq, e.id, e.consent_id, e.site_id, c.revision, c.action, c.granted, c.source, c.lang,
	c.country, c.rule, e.flags, c.texts_hash, e.time, e.expires, e.ip, a.ua, p.url, e.pii_salt, e.pii_digest,
	e.erased_at, e.erase_reason, e.hash FROM events e LEFT JOIN choices c ON c.id = e.choice_id
	LEFT JOIN agents a ON a.id = e.agent_id LEFT JOIN pages p ON p.id = e.page_id`

func scanEvent(row interface{ Scan(...any) error }) (*consent.Event, error) {
	var (
		e                            consent.Event
		id, cid, texts, digest, hash []byte
		action, granted, source      string
		fl                           int
		t, exp                       int64
		ip, ua, page, reason         sql.NullString
		erasedAt                     sql.NullInt64
	)
	err := row.Scan(&e.Seq, &id, &cid, &e.Site, &e.Revision, &action, &granted, &source, &e.Lang,
		&e.Country, &e.Rule, &fl, &texts, &t, &exp, &ip, &ua, &page, &e.PIISalt, &digest,
		&erasedAt, &reason, &hash)
	if err != nil {
		return nil, err
	}
	e.ID, e.ConsentID = uuid.UUID(id), uuid.UUID(cid)
	e.Action, e.Source = consent.Action(action), consent.Source(source)
	if granted != "" {
		e.Granted = strings.Split(granted, ",")
	}
	e.GPC, e.DNT = fl&1 != 0, fl&2 != 0
	e.TextsHash, e.PIIDigest, e.Hash = [32]byte(texts), [32]byte(digest), [32]byte(hash)
	e.Time, e.Expires = fromMicros(t), fromMicros(exp)
	e.Personal = consent.Personal{IP: ip.String, UserAgent: ua.String, Page: page.String}
	if erasedAt.Valid {
		e.Erased = &consent.Erasure{At: fromMicros(erasedAt.Int64), Reason: reason.String}
	}
	return &e, nil
}

func (s *Store) query(ctx context.Context, fn func(*consent.Event) error, query string, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Event returns one event by ID.
func (s *Store) Event(ctx context.Context, id uuid.UUID) (*consent.Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, "SELECT "+eventColumns+" WHERE e.id = ?", id[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no event %s", id).Say("e_no_such_event", map[string]any{"ID": id.String()})
	}
	return e, err
}

// EventsByConsent returns every event of one consent ID, oldest first.
func (s *Store) EventsByConsent(ctx context.Context, cid uuid.UUID) ([]*consent.Event, error) {
	var out []*consent.Event
	err := s.query(ctx, func(e *consent.Event) error { out = append(out, e); return nil },
		byConsent+" ORDER BY 1", cid[:])
	return out, err
}

// byConsent selects the events of one consent ID (?1): the event whose ID it
// is, when that event is its own consent's (a new visitor's first decision),
// by events_id, and the others by events_consent, which holds only events
// whose consent ID is not their own ID (migration 00012). Both are probes.
const byConsent = "SELECT " + eventColumns + " WHERE e.id = ?1 AND e.consent_id = ?1 UNION ALL SELECT " +
	eventColumns + " WHERE e.consent_id = ?1 AND e.consent_id <> e.id"

// LastEvent returns the newest event of one consent ID: two probes (see
// byConsent), the index entries holding seq (the rowid) after the ID.
func (s *Store) LastEvent(ctx context.Context, cid uuid.UUID) (*consent.Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, byConsent+" ORDER BY 1 DESC LIMIT 1", cid[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no events for consent ID %s", cid)
	}
	return e, err
}

// gpcOptOut is the condition of the partial indexes events_gpc_optout and
// events_gpc_optout_site (migration 00021), written as they are, so that
// the planner knows they hold every row it is true of.
const gpcOptOut = "(e.flags & 4) <> 0"

// where turns a log query into SQL conditions. A date range becomes a seq
// range (times never go backwards along the ledger), so that paging by seq
// stays an index range scan however long the log.
func (s *Store) where(ctx context.Context, q consent.LogQuery) (string, []any, error) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if q.Site != "" {
		add("e.site_id = ?", q.Site)
	}
	for _, bound := range []struct {
		t    time.Time
		cond string
	}{{q.From, "e.seq >= ?"}, {q.To, "e.seq < ?"}} {
		if bound.t.IsZero() {
			continue
		}
		seq, err := s.firstAt(ctx, bound.t)
		if err != nil {
			return "", nil, err
		}
		add(bound.cond, seq)
	}
	if q.GPC != nil {
		add("(e.flags & 1) = ?", map[bool]int{true: 1, false: 0}[*q.GPC])
	}
	// What was chosen is looked up among the few choices once, then each
	// event's choice number is checked against that set.
	var (
		choice     []string
		choiceArgs []any
	)
	byChoice := func(cond string, a any) { choice, choiceArgs = append(choice, cond), append(choiceArgs, a) }
	// The action filter is by outcome (consent.Outcome): the GPC signal's
	// opt-outs through their own partial index (store.FlagGPCOptOut), an
	// action without them, whatever action they were stored with.
	switch q.Action {
	case "":
	case consent.GPCOptOut:
		add(gpcOptOut)
	default:
		byChoice("action = ?", string(q.Action))
		byChoice("source <> ?", string(consent.SourceGPC))
	}
	if q.Source != "" {
		byChoice("source = ?", string(q.Source))
	}
	if q.Country != "" {
		byChoice("country = ?", q.Country)
	}
	if q.Lang != "" {
		byChoice("lang = ?", q.Lang)
	}
	if q.Granted != "" {
		byChoice("instr(',' || granted || ',', ?) > 0", ","+q.Granted+",")
	}
	if q.Denied != "" {
		byChoice("instr(',' || granted || ',', ?) = 0", ","+q.Denied+",")
	}
	if len(choice) > 0 {
		add("e.choice_id IN (SELECT id FROM choices WHERE "+strings.Join(choice, " AND ")+")", choiceArgs...)
	}
	if len(conds) == 0 {
		return "1", nil, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

// firstAt returns the seq of the first event at or after t (one past the
// newest when there is none): the days table narrows it to one day, a binary
// search over that day's seqs finds it in a few primary-key probes.
func (s *Store) firstAt(ctx context.Context, t time.Time) (int64, error) {
	const none = int64(1) << 62
	dayStart := func(d int64) (int64, int64, error) {
		var seq, day int64
		err := s.r.QueryRowContext(ctx, "SELECT first_seq, day FROM days WHERE day >= ? ORDER BY day LIMIT 1", d).Scan(&seq, &day)
		if errors.Is(err, sql.ErrNoRows) {
			return none, 0, nil
		}
		return seq, day, err
	}
	lo, day, err := dayStart(consent.Day(t))
	if err != nil || lo == none || day > consent.Day(t) {
		return lo, err
	}
	hi, _, err := dayStart(day + 1)
	if err != nil {
		return 0, err
	}
	// Every event in [lo, hi) is on t's day; find the first at or after t.
	for lo < hi {
		mid := lo + (hi-lo)/2
		var seq, at int64
		err := s.r.QueryRowContext(ctx, "SELECT seq, time FROM events WHERE seq >= ? ORDER BY seq LIMIT 1", mid).Scan(&seq, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			hi = mid
		case err != nil:
			return 0, err
		case at >= micros(t):
			hi = mid
		default:
			lo = seq + 1
		}
	}
	return lo, nil
}

// Log returns one page of the log, newest first, by keyset on seq.
func (s *Store) Log(ctx context.Context, q consent.LogQuery) ([]*consent.Event, error) {
	query, args, err := s.logPage(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []*consent.Event
	err = s.query(ctx, func(e *consent.Event) error { out = append(out, e); return nil }, query, args...)
	return out, err
}

// logPage is the query of one page of the log and its arguments.
func (s *Store) logPage(ctx context.Context, q consent.LogQuery) (string, []any, error) {
	where, args, err := s.where(ctx, q)
	if err != nil {
		return "", nil, err
	}
	if q.Before > 0 {
		where += " AND e.seq < ?"
		args = append(args, q.Before)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	return "SELECT " + eventColumns + " WHERE " + where + " ORDER BY e.seq DESC LIMIT ?", append(args, q.Limit), nil
}

// Export streams matching events oldest first, a page at a time, so that
// neither memory nor a read transaction grows with the log.
func (s *Store) Export(ctx context.Context, q consent.LogQuery, fn func(*consent.Event) error) error {
	where, args, err := s.where(ctx, q)
	if err != nil {
		return err
	}
	return s.pages(ctx, 0, fn, where, args...)
}

// Walk streams every event after seq in ledger order.
func (s *Store) Walk(ctx context.Context, after int64, fn func(*consent.Event) error) error {
	return s.pages(ctx, after, fn, "1")
}

func (s *Store) pages(ctx context.Context, after int64, fn func(*consent.Event) error, where string, args ...any) error {
	for {
		n := 0
		err := s.query(ctx, func(e *consent.Event) error {
			n++
			after = e.Seq
			return fn(e)
		}, "SELECT "+eventColumns+" WHERE e.seq > ? AND "+where+" ORDER BY e.seq LIMIT 5000", append([]any{after}, args...)...)
		if err != nil || n == 0 {
			return err
		}
	}
}

// Hash returns the ledger hash of the event at seq.
func (s *Store) Hash(ctx context.Context, seq int64) ([32]byte, error) {
	if seq == 0 {
		return [32]byte{}, nil
	}
	var h []byte
	err := s.r.QueryRowContext(ctx, "SELECT hash FROM events WHERE seq = ?", seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, consent.Errorf(consent.ENotFound, "no event #%d", seq)
	}
	return [32]byte(h), err
}

// Head returns the newest link of the ledger.
func (s *Store) Head(ctx context.Context) (int64, [32]byte, error) {
	var (
		seq  int64
		hash []byte
	)
	err := s.r.QueryRowContext(ctx, "SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, [32]byte{}, nil
	}
	if err != nil {
		return 0, [32]byte{}, err
	}
	return seq, [32]byte(hash), nil
}

// Texts returns the body of one stored texts snapshot.
func (s *Store) Texts(ctx context.Context, hash [32]byte) ([]byte, error) {
	var body []byte
	err := s.r.QueryRowContext(ctx, "SELECT body FROM snapshots WHERE hash = ?", hash[:]).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no texts snapshot %x", hash)
	}
	return body, err
}

// eraseConsent erases the personal fields of a consent ID's events (?3),
// found as byConsent finds them.
const eraseConsent = `UPDATE events SET ip = NULL, agent_id = NULL, page_id = NULL, pii_salt = NULL,
	erased_at = ?1, erase_reason = ?2 WHERE ` + erasable

// erasedNames reads the user agent and page numbers of the events
// eraseConsent erases, with its arguments (only ?3 is read).
const erasedNames = `SELECT agent_id, page_id FROM events WHERE ` + erasable

// erasable finds the events of consent ID ?3 not erased yet.
const erasable = `erased_at IS NULL AND seq IN (SELECT seq FROM events WHERE id = ?3 AND consent_id = ?3
	UNION ALL SELECT seq FROM events WHERE consent_id = ?3 AND consent_id <> id)`

// Erase removes the personal fields of a consent ID's events, and records
// the user agents and pages they named for the sweep, which deletes those
// no other event names (SweepNames, in the background SweepDelay later).
// The ledger still verifies: it chains over their salted digest, which
// stays.
func (s *Store) Erase(ctx context.Context, cid uuid.UUID, reason string, at time.Time) (int, error) {
	args := []any{micros(at), reason, cid[:]}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	named, _, err := readNames(tx.QueryContext(ctx, erasedNames, args...))
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, eraseConsent, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if err := pendNames(ctx, tx, named); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if n > 0 {
		s.sweeper.Kick()
	}
	return int(n), nil
}

// Counts returns a site's rollup for a range of days: day by day for the
// actions and revisions, summed over the range in the query for the other
// dimensions (their many countries and languages would otherwise be most
// of the rows a year reads).
func (s *Store) Counts(ctx context.Context, site string, from, to int64) ([]consent.Count, error) {
	return s.counts(ctx, site, `SELECT day, dim, key, n FROM daily
		WHERE site_id = ?1 AND day BETWEEN ?2 AND ?3 AND dim IN ('action', 'revision')
		UNION ALL
		SELECT min(day), dim, key, sum(n) FROM daily
		WHERE site_id = ?1 AND day BETWEEN ?2 AND ?3 AND dim NOT IN ('action', 'revision') GROUP BY dim, key`, site, from, to)
}

// RevisionCounts returns one revision's counts over every day: a range of
// the daily_revision index (keys "N:…", and ';' sorts right after ':').
func (s *Store) RevisionCounts(ctx context.Context, site string, rev int) ([]consent.Count, error) {
	lo, hi := strconv.Itoa(rev)+":", strconv.Itoa(rev)+";"
	return s.counts(ctx, site, `SELECT day, dim, key, n FROM daily WHERE site_id = ? AND dim = 'revision' AND key >= ? AND key < ?`, site, lo, hi)
}

// counts runs a query of (day, dim, key, n) rollup rows of site.
func (s *Store) counts(ctx context.Context, site, query string, args ...any) ([]consent.Count, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []consent.Count
	for rows.Next() {
		c := consent.Count{Site: site}
		if err := rows.Scan(&c.Day, &c.Dim, &c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Verified returns where the last verification stopped.
func (s *Store) Verified(ctx context.Context) (int64, [32]byte, time.Time, error) {
	var (
		seq, at int64
		hash    []byte
	)
	err := s.r.QueryRowContext(ctx, "SELECT seq, hash, verified_at FROM verified WHERE id = 1").Scan(&seq, &hash, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, [32]byte{}, time.Time{}, nil
	}
	if err != nil {
		return 0, [32]byte{}, time.Time{}, err
	}
	return seq, [32]byte(hash), fromMicros(at), nil
}

// SetVerified records where a verification stopped.
func (s *Store) SetVerified(ctx context.Context, seq int64, hash [32]byte, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO verified (id, seq, hash, verified_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, verified_at = excluded.verified_at`,
		seq, hash[:], micros(at))
	return err
}
