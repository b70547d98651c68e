package postgres

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// AppendBatch writes events in one transaction that takes two round trips
// while it holds the ledger head's row lock. The first pipeline begins the
// transaction and locks and reads the head; the batch is sealed to that
// head in Go; the second pipeline writes the events, their request IDs,
// day starts and rollup and the new head in one statement, and commits.
//
// A batch's request IDs are almost never recorded already (only a client's
// retry repeats one), so they are inserted as if none were, as on SQLite:
// the unique index on requests.id looks each up anyway as it inserts it.
// When one was recorded the insert fails on that index, the transaction is
// rolled back, nothing of it written, and the batch, what joined it
// included, runs again with every request ID looked up after the lock, so
// that a retry is answered with the event recorded first, on whichever
// instance that was; the store.LookupsAfterRerun batches after it look
// theirs up too (those that join them excepted). Writers on other
// instances wait on that row lock, so the ledger stays one chain and the
// rollup exact. New user
// agents, pages and choices are stored before, in transactions of their
// own, so the lock is held for no more than the batch itself. A new user
// agent or page is personal data: it is stored with a candidate row for
// the sweep (storeNames), which the batch deletes in its transaction, so
// that those of a batch that never commits are deleted by the next sweep.
func (s *Store) AppendBatch(ctx context.Context, events []*consent.Event) error {
	return s.AppendJoining(ctx, events, nil)
}

// AppendJoining is AppendBatch for the ledger's writer: once the head is
// locked, join (when not nil) adds the events that queued while this
// instance waited for another's commit, those whose user agent, page and
// choice have their numbers already.
func (s *Store) AppendJoining(ctx context.Context, events []*consent.Event, join ledger.Join) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.namesRemoved < 0 {
		// Read before the first string is cached: a removal after this
		// changes it, and the first batch finds out.
		if err := s.pool.QueryRow(ctx, "SELECT names_removed FROM ledger_head WHERE id = 1").Scan(&s.namesRemoved); err != nil {
			return fmt.Errorf("ledger head: %w", err)
		}
	}
	lookup := s.Lookup()
	for tries := 1; ; tries++ {
		if err := s.storeAll(ctx, events); err != nil {
			return err
		}
		err := s.appendLocked(ctx, &events, join, lookup)
		switch {
		case errors.Is(err, errNamesRemoved) && tries < namesTries:
			// The caches were emptied: the batch's strings are stored or
			// looked up again, outside the lock, and it tries again.
			continue
		case errors.Is(err, store.ErrRecorded):
			s.Again()
			join, lookup = nil, true
			continue
		}
		return err
	}
}

// namesTries bounds how many times a batch is tried again because user
// agents or pages were removed meanwhile (each erasure or purge batch that
// removes some): past it, the batch fails and the writer's client retries.
const namesTries = 5

// errNamesRemoved fails a batch that found, under the head's lock, that user
// agents or pages were removed since its strings were numbered: a number it
// holds may name a row that is gone. No statement of it has run.
var errNamesRemoved = errors.New("ledger batch: user agents or pages were removed meanwhile")

// storeAll makes sure every user agent, page and choice of events has its
// number in the caches.
func (s *Store) storeAll(ctx context.Context, events []*consent.Event) error {
	for _, d := range []struct {
		dict *dictionary
		of   func(*consent.Event) string
	}{
		{s.agents, agentOf},
		{s.urls, pageOf},
	} {
		if err := s.storeNames(ctx, d.dict, events, d.of); err != nil {
			return err
		}
	}
	return s.storeChoices(ctx, events)
}

func agentOf(e *consent.Event) string { return e.Personal.UserAgent }
func pageOf(e *consent.Event) string  { return e.Personal.Page }

// appendLocked appends *events, and what join adds to them, in one
// transaction under the head's lock. Unless lookup, their request IDs are
// not looked up and a recorded one fails the batch with store.ErrRecorded.
func (s *Store) appendLocked(ctx context.Context, events *[]*consent.Event, join ledger.Join, lookup bool) (err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer pc.Release() // the pool closes a connection left in a transaction
	conn := pc.Conn()
	defer func() {
		if err != nil {
			rollback(conn)
		}
	}()
	var ids []uuid.UUID
	if lookup {
		ids = ledger.RequestIDs(*events)
	}
	head, removed, recorded, err := lockHead(ctx, conn, ids)
	if err != nil {
		return err
	}
	if removed != s.namesRemoved {
		// An erasure or a purge removed user agents or pages since the
		// caches were filled, on this instance or another: a cached number
		// may name a removed row. The removal held this lock, so every one
		// it made is counted by now and none can come until this commits.
		s.agents.forget()
		s.urls.forget()
		s.namesRemoved = removed
		return errNamesRemoved
	}
	if join != nil {
		*events = slices.Concat(*events, join(s.numbered))
	}
	fresh, resolve := ledger.Repeats(*events, recorded)
	head, days := ledger.SealBatch(head, fresh)
	// Repeats of events stored before are read in the transaction, after
	// the lock: only a client's retry costs these round trips.
	if err = resolve(func(seq int64) (*consent.Event, error) {
		return scanEvent(conn.QueryRow(ctx, "SELECT "+eventColumns+" WHERE e.seq = $1", seq))
	}); err != nil {
		return err
	}
	var b pgx.Batch
	b.Queue(appendStatement, s.appendArgs(fresh, days, head)...)
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, &b)
	if _, err = br.Exec(); err != nil {
		br.Close()
		var pe *pgconn.PgError
		if !lookup && errors.As(err, &pe) && pe.ConstraintName == "requests_id_key" {
			return store.ErrRecorded
		}
		return err
	}
	tag, err := br.Exec()
	if err != nil {
		br.Close()
		return err
	}
	if err = br.Close(); err != nil {
		return err
	}
	if tag.String() != "COMMIT" { // PostgreSQL answers ROLLBACK to a COMMIT of a failed transaction
		return fmt.Errorf("ledger batch: the transaction was rolled back (%s)", tag)
	}
	s.agents.committed(fresh, agentOf)
	s.urls.committed(fresh, pageOf)
	return nil
}

// lockHead begins a transaction on conn, locks and reads the ledger head and
// maps those of ids (none unless a batch runs again) recorded already to
// their event's seq, in one round trip. The lookup is a statement of its
// own after the lock, so its snapshot sees what a writer that held the lock before committed: a retry
// on another instance answers the first result.
func lockHead(ctx context.Context, conn *pgx.Conn, ids []uuid.UUID) (head ledger.Head, removed int64, recorded map[uuid.UUID]int64, err error) {
	var b pgx.Batch
	b.Queue("BEGIN")
	b.Queue("SELECT seq, hash, time, names_removed FROM ledger_head WHERE id = 1 FOR UPDATE")
	if len(ids) > 0 {
		b.Queue(requestsQuery, requestKeys(ids))
	}
	br := conn.SendBatch(ctx, &b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err = br.Exec(); err != nil {
		return head, removed, nil, err
	}
	var (
		hash       []byte
		headMicros int64
	)
	if err = br.QueryRow().Scan(&head.Seq, &hash, &headMicros, &removed); err != nil {
		return head, removed, nil, fmt.Errorf("ledger head: %w", err)
	}
	head.Hash, head.Time = [32]byte(hash), fromMicros(headMicros)
	if len(ids) == 0 {
		return head, removed, nil, nil
	}
	rows, err := br.Query()
	if err != nil {
		return head, removed, nil, err
	}
	defer rows.Close()
	recorded, err = store.ScanRecorded(rows, nil)
	return head, removed, recorded, err
}

// requestsQuery maps request IDs (requestKeys) recorded already to their
// event's seq.
const requestsQuery = "SELECT id, seq FROM requests WHERE id = ANY($1::bytea[])"

func requestKeys(ids []uuid.UUID) [][]byte {
	keys := make([][]byte, len(ids))
	for i := range ids {
		keys[i] = ids[i][:]
	}
	return keys
}

// numbered reports whether e's user agent, page and choice have their
// numbers in the caches already, so that e can join a batch whose
// transaction holds the head's lock without storing them first.
func (s *Store) numbered(e *consent.Event) bool {
	if ua := e.Personal.UserAgent; ua != "" {
		if _, ok := s.agents.ids[ua]; !ok {
			return false
		}
	}
	if page := e.Personal.Page; page != "" {
		if _, ok := s.urls.ids[page]; !ok {
			return false
		}
	}
	_, ok := s.choices[store.ChoiceOf(e)]
	return ok
}

// rollback ends a failed batch's transaction so that its connection goes
// back to the pool clean. A connection its context broke is closed already
// (PostgreSQL then ends the transaction); one that cannot roll back is
// closed, never reused.
func rollback(conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		conn.Close(ctx)
	}
}

// appendStatement writes a sealed batch: its events, request IDs, day
// starts and rollup and the new head, and deletes the candidate rows of the
// new strings it names (storeNames), one statement whose parts are arrays
// (appendArgs). The parts of a WITH that write run whether read or not.
const appendStatement = `WITH
	e AS (INSERT INTO events (seq, time, expires, agent_id, choice_id, page_id, flags, id, consent_id, site_id, ip, pii_salt, pii_digest, hash)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[], $6::integer[], $7::smallint[],
			$8::uuid[], $9::uuid[], $10::text[], $11::text[], $12::bytea[], $13::bytea[], $14::bytea[])),
	r AS (INSERT INTO requests (seq, id) SELECT * FROM unnest($15::bigint[], $16::bytea[])),
	d AS (INSERT INTO days (day, first_seq) SELECT * FROM unnest($17::bigint[], $18::bigint[]) ON CONFLICT (day) DO NOTHING),
	c AS (INSERT INTO daily (site_id, day, dim, key, n)
		SELECT * FROM unnest($19::text[], $20::bigint[], $21::text[], $22::text[], $23::bigint[])
		ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = daily.n + excluded.n),
	q AS (DELETE FROM names_pending WHERE id = ANY($27::bigint[]))
UPDATE ledger_head SET seq = $24, hash = $25, time = $26 WHERE id = 1`

// appendArgs are appendStatement's arguments for sealed events.
func (s *Store) appendArgs(events []*consent.Event, days []ledger.DayStart, head ledger.Head) []any {
	n := len(events)
	var (
		seqs, times, expires = make([]int64, n), make([]int64, n), make([]int64, n)
		agents               = make([]*int64, n)
		choices              = make([]int32, n)
		pages                = make([]*int32, n)
		flags                = make([]int16, n)
		ids, cids            = make([][16]byte, n), make([][16]byte, n)
		sites, ips           = make([]string, n), make([]*string, n)
		salts, digests, hs   = make([][]byte, n), make([][]byte, n), make([][]byte, n)
		reqSeqs              []int64
		reqIDs               [][]byte
	)
	for i, e := range events {
		seqs[i], times[i], expires[i] = e.Seq, micros(e.Time), micros(e.Expires)
		if id, ok := s.agents.ids[e.Personal.UserAgent]; ok {
			agents[i] = &id
		}
		choices[i] = int32(s.choices[store.ChoiceOf(e)])
		if id, ok := s.urls.ids[e.Personal.Page]; ok {
			id := int32(id)
			pages[i] = &id
		}
		flags[i], ids[i], cids[i], sites[i] = int16(store.RowFlags(e)), e.ID, e.ConsentID, e.Site
		ips[i], salts[i], digests[i], hs[i] = nullString(e.Personal.IP), e.PIISalt, e.PIIDigest[:], e.Hash[:]
		if e.RequestID != uuid.Nil {
			reqSeqs, reqIDs = append(reqSeqs, e.Seq), append(reqIDs, e.RequestID[:])
		}
	}
	daySeqs, dayStarts := make([]int64, len(days)), make([]int64, len(days))
	for i, d := range days {
		dayStarts[i], daySeqs[i] = d.Day, d.Seq
	}
	counts := consent.Rollup(events)
	var (
		cSites, cDims, cKeys = make([]string, len(counts)), make([]string, len(counts)), make([]string, len(counts))
		cDays, cNs           = make([]int64, len(counts)), make([]int64, len(counts))
	)
	for i, c := range counts {
		cSites[i], cDays[i], cDims[i], cKeys[i], cNs[i] = c.Site, c.Day, c.Dim, c.Key, c.N
	}
	return []any{seqs, times, expires, agents, choices, pages, flags, ids, cids, sites, ips, salts, digests, hs,
		reqSeqs, reqIDs, dayStarts, daySeqs, cSites, cDays, cDims, cKeys, cNs, head.Seq, head.Hash[:], micros(head.Time),
		slices.Concat(s.agents.candidates(events, agentOf), s.urls.candidates(events, pageOf))}
}

// PruneRequests forgets the request IDs of events before t: the days table
// finds the first seq at t, and the deletes are ranges of the primary key,
// a few thousand rows a transaction.
func (s *Store) PruneRequests(ctx context.Context, before time.Time) (int, error) {
	seq, err := s.firstAt(ctx, before)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		tag, err := s.pool.Exec(ctx, "DELETE FROM requests WHERE seq IN (SELECT seq FROM requests WHERE seq < $1 ORDER BY seq LIMIT 5000)", seq)
		if err != nil {
			return total, err
		}
		total += int(tag.RowsAffected())
		if tag.RowsAffected() == 0 {
			return total, nil
		}
	}
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// dictionaryCache bounds each dictionary's cache: 100,000 strings (a few
// MB) hold a large shop's pages, so the writer rarely asks the database.
const dictionaryCache = 100000

// dictionary is a table of strings that repeat across events (user agents,
// pages), each stored once, and the numbers of those seen lately.
type dictionary struct {
	table, column string
	kind          int16 // of its names_pending rows
	ids           map[string]int64
	// pending are the strings this instance stored whose candidate row no
	// committed batch has deleted yet.
	pending map[string]candidate
}

// candidate is the names_pending row (row) of a string stored as number
// name.
type candidate struct{ name, row int64 }

// forget empties the cache of numbers: one in it may name a removed row.
// The candidate rows stay known: a string looked up again under the number
// its row names is still this instance's to clear (one stored anew gets a
// new row); those no batch clears stay for the sweep.
func (d *dictionary) forget() {
	d.ids = map[string]int64{}
	if len(d.pending) > dictionaryCache {
		d.pending = map[string]candidate{}
	}
}

// candidates are the candidate rows of the strings of events that of picks,
// each once, for the batch that commits them to delete.
func (d *dictionary) candidates(events []*consent.Event, of func(*consent.Event) string) []int64 {
	if len(d.pending) == 0 {
		return nil
	}
	var rows []int64
	for _, e := range events {
		v := of(e)
		c, ok := d.pending[v]
		switch {
		case !ok:
		case c.name != d.ids[v]:
			delete(d.pending, v) // its number was removed, by a sweep that cleared the row
		case !slices.Contains(rows, c.row):
			rows = append(rows, c.row)
		}
	}
	return rows
}

// committed forgets the candidate rows of events' strings, deleted by the
// batch that committed them.
func (d *dictionary) committed(events []*consent.Event, of func(*consent.Event) string) {
	if len(d.pending) == 0 {
		return
	}
	for _, e := range events {
		if c, ok := d.pending[of(e)]; ok && c.name == d.ids[of(e)] {
			delete(d.pending, of(e))
		}
	}
}

// storeNames makes sure every string of the batch that of picks (user
// agents, pages) has a number in d's cache.
func (s *Store) storeNames(ctx context.Context, d *dictionary, events []*consent.Event, of func(*consent.Event) string) error {
	var missing []string
	batch := map[string]bool{}
	for _, e := range events {
		if v := of(e); v != "" && !batch[v] {
			batch[v] = true
			if _, ok := d.ids[v]; !ok {
				missing = append(missing, v)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if len(d.ids)+len(missing) > dictionaryCache {
		// Start afresh with every string of this batch: its rows are made
		// from the cache.
		d.forget()
		missing = slices.Collect(maps.Keys(batch))
	}
	// In one order on every instance: two inserting the same new strings
	// in different orders would each wait for the other's row and one
	// would die of a deadlock (TestNewNamesOnTwoInstances).
	slices.Sort(missing)
	// Each string this inserts is recorded as a candidate for the sweep in
	// the same statement, with the head (read without its lock) after
	// which the events that name it will be: the batch deletes the row as
	// it commits, and one that never does leaves it to the sweep.
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`WITH n AS (INSERT INTO %[1]s (%[2]s) SELECT unnest($1::text[]) ON CONFLICT (%[2]s) DO NOTHING RETURNING id, %[2]s),
		c AS (INSERT INTO names_pending (kind, name_id, after_seq) SELECT $2::smallint, id, (SELECT seq FROM ledger_head WHERE id = 1) FROM n
			RETURNING name_id, id)
		SELECT n.%[2]s, c.name_id, c.id FROM c JOIN n ON n.id = c.name_id`, d.table, d.column), missing, d.kind)
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			v string
			c candidate
		)
		if err := rows.Scan(&v, &c.name, &c.row); err != nil {
			rows.Close()
			return err
		}
		d.pending[v] = c
	}
	if rows.Close(); rows.Err() != nil {
		return rows.Err()
	}
	rows, err = s.pool.Query(ctx, fmt.Sprintf("SELECT id, %s FROM %s WHERE %[1]s = ANY($1)", d.column, d.table), missing)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			v  string
		)
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		d.ids[v] = id
	}
	return rows.Err()
}

// compareChoices orders choices by every field of their unique key.
func compareChoices(a, b store.Choice) int {
	return cmp.Or(cmp.Compare(a.Revision, b.Revision), cmp.Compare(a.Action, b.Action), cmp.Compare(a.Granted, b.Granted),
		cmp.Compare(a.Source, b.Source), cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Country, b.Country),
		cmp.Compare(a.Rule, b.Rule), bytes.Compare(a.TextsHash[:], b.TextsHash[:]))
}

// storeChoices makes sure every choice of the batch has a number in the
// cache.
func (s *Store) storeChoices(ctx context.Context, events []*consent.Event) error {
	var missing []store.Choice
	batch := map[store.Choice]bool{}
	for _, e := range events {
		if c := store.ChoiceOf(e); !batch[c] {
			batch[c] = true
			if _, ok := s.choices[c]; !ok {
				missing = append(missing, c)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if len(s.choices)+len(missing) > 10000 {
		// Start afresh with every choice of this batch: its rows are made
		// from the cache.
		s.choices, missing = map[store.Choice]int64{}, slices.Collect(maps.Keys(batch))
	}
	slices.SortFunc(missing, compareChoices) // one order on every instance, as in storeNames
	var (
		revs                                              []int32
		actions, granted, sources, langs, countries, rule []string
		texts                                             [][]byte
	)
	for _, c := range missing {
		revs, actions, granted = append(revs, int32(c.Revision)), append(actions, string(c.Action)), append(granted, c.Granted)
		sources, langs, countries = append(sources, string(c.Source)), append(langs, c.Lang), append(countries, c.Country)
		rule, texts = append(rule, c.Rule), append(texts, c.TextsHash[:])
	}
	args := []any{revs, actions, granted, sources, langs, countries, rule, texts}
	const given = `unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[])
		AS b (revision, action, granted, source, lang, country, rule, texts_hash)`
	if _, err := s.pool.Exec(ctx, `INSERT INTO choices (revision, action, granted, source, lang, country, rule, texts_hash)
		SELECT * FROM `+given+` ON CONFLICT DO NOTHING`, args...); err != nil {
		return err
	}
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.revision, c.action, c.granted, c.source, c.lang, c.country, c.rule, c.texts_hash
		FROM choices c JOIN `+given+` USING (texts_hash, revision, action, granted, source, lang, country, rule)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			c    store.Choice
			hash []byte
		)
		if err := rows.Scan(&id, &c.Revision, &c.Action, &c.Granted, &c.Source, &c.Lang, &c.Country, &c.Rule, &hash); err != nil {
			return err
		}
		c.TextsHash = [32]byte(hash)
		s.choices[c] = id
	}
	return rows.Err()
}

// eventColumns reads an event with its choice, user agent and page.
const eventColumns = `e.seq, e.id, e.consent_id, e.site_id, c.revision, c.action, c.granted, c.source, c.lang,
	c.country, c.rule, e.flags, c.texts_hash, e.time, e.expires, e.ip, a.ua, p.url, e.pii_salt, e.pii_digest,
	e.erased_at, e.erase_reason, e.hash FROM events e LEFT JOIN choices c ON c.id = e.choice_id
	LEFT JOIN agents a ON a.id = e.agent_id LEFT JOIN pages p ON p.id = e.page_id`

func scanEvent(row pgx.Row) (*consent.Event, error) {
	var (
		e                       consent.Event
		id, cid                 [16]byte
		texts, digest, hash     []byte
		action, granted, source string
		fl                      int16
		t, exp                  int64
		ip, ua, page, reason    *string
		erasedAt                *int64
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
	e.Personal = consent.Personal{IP: deref(ip), UserAgent: deref(ua), Page: deref(page)}
	if erasedAt != nil {
		e.Erased = &consent.Erasure{At: fromMicros(*erasedAt), Reason: deref(reason)}
	}
	return &e, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Store) query(ctx context.Context, fn func(*consent.Event) error, query string, args ...any) error {
	rows, err := s.pool.Query(ctx, query, args...)
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
	e, err := scanEvent(s.pool.QueryRow(ctx, "SELECT "+eventColumns+" WHERE e.id = $1", [16]byte(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no event %s", id).Say("e_no_such_event", map[string]any{"ID": id.String()})
	}
	return e, err
}

// EventsByConsent returns every event of one consent ID, oldest first.
func (s *Store) EventsByConsent(ctx context.Context, cid uuid.UUID) ([]*consent.Event, error) {
	var out []*consent.Event
	err := s.query(ctx, func(e *consent.Event) error { out = append(out, e); return nil },
		byConsent+" ORDER BY 1", [16]byte(cid))
	return out, err
}

// byConsent selects the events of one consent ID ($1): the event whose ID it
// is, when that event is its own consent's (a new visitor's first decision),
// by events_id, and the others by events_consent, which holds only events
// whose consent ID is not their own ID (migration 00014). Both are probes.
const byConsent = "SELECT " + eventColumns + " WHERE e.id = $1 AND e.consent_id = $1 UNION ALL SELECT " +
	eventColumns + " WHERE e.consent_id = $1 AND e.consent_id <> e.id"

// LastEvent returns the newest event of one consent ID: two probes (see
// byConsent), events_consent holding seq after the consent ID.
func (s *Store) LastEvent(ctx context.Context, cid uuid.UUID) (*consent.Event, error) {
	e, err := scanEvent(s.pool.QueryRow(ctx, byConsent+" ORDER BY 1 DESC LIMIT 1", [16]byte(cid)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no events for consent ID %s", cid)
	}
	return e, err
}

// args numbers the placeholders of a query as it is built.
type args []any

func (a *args) add(v any) string { *a = append(*a, v); return fmt.Sprintf("$%d", len(*a)) }

// gpcOptOut is the condition of the partial indexes events_gpc_optout and
// events_gpc_optout_site (migration 00021), written as they are, so that
// the planner knows they hold every row it is true of.
const gpcOptOut = "(e.flags & 4) <> 0"

// where turns a log query into SQL conditions. A date range becomes a seq
// range (times never go backwards along the ledger), so that paging by seq
// stays an index range scan however long the log.
func (s *Store) where(ctx context.Context, q consent.LogQuery, a *args) (string, error) {
	var conds []string
	add := func(format string, v any) { conds = append(conds, fmt.Sprintf(format, a.add(v))) }
	if q.Site != "" {
		add("e.site_id = %s", q.Site)
	}
	for _, bound := range []struct {
		t    time.Time
		cond string
	}{{q.From, "e.seq >= %s"}, {q.To, "e.seq < %s"}} {
		if bound.t.IsZero() {
			continue
		}
		seq, err := s.firstAt(ctx, bound.t)
		if err != nil {
			return "", err
		}
		add(bound.cond, seq)
	}
	if q.GPC != nil {
		add("(e.flags & 1) = %s", map[bool]int16{true: 1, false: 0}[*q.GPC])
	}
	// What was chosen is looked up among the few choices, and each event's
	// choice number checked against that set.
	var choice []string
	byChoice := func(format string, v any) { choice = append(choice, fmt.Sprintf(format, a.add(v))) }
	// The action filter is by outcome (consent.Outcome): the GPC signal's
	// opt-outs through their own partial index (store.FlagGPCOptOut), an
	// action without them, whatever action they were stored with.
	switch q.Action {
	case "":
	case consent.GPCOptOut:
		conds = append(conds, gpcOptOut)
	default:
		byChoice("action = %s", string(q.Action))
		byChoice("source <> %s", string(consent.SourceGPC))
	}
	if q.Source != "" {
		byChoice("source = %s", string(q.Source))
	}
	if q.Country != "" {
		byChoice("country = %s", q.Country)
	}
	if q.Lang != "" {
		byChoice("lang = %s", q.Lang)
	}
	if q.Granted != "" {
		byChoice("strpos(',' || granted || ',', %s) > 0", ","+q.Granted+",")
	}
	if q.Denied != "" {
		byChoice("strpos(',' || granted || ',', %s) = 0", ","+q.Denied+",")
	}
	if len(choice) > 0 {
		conds = append(conds, "e.choice_id IN (SELECT id FROM choices WHERE "+strings.Join(choice, " AND ")+")")
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), nil
}

// firstAt returns the seq of the first event at or after t (one past the
// newest when there is none): the days table narrows it to one day, and a
// binary search over that day's seqs, a few primary-key probes, finds it.
// The whole search is one recursive query: one round trip, not one a probe.
func (s *Store) firstAt(ctx context.Context, t time.Time) (int64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, `WITH RECURSIVE
		d AS (SELECT first_seq, day FROM days WHERE day >= $1 ORDER BY day LIMIT 1),
		e AS (SELECT first_seq FROM days WHERE day > (SELECT day FROM d) ORDER BY day LIMIT 1),
		b (lo, hi) AS (
			SELECT first_seq, COALESCE((SELECT first_seq FROM e), (SELECT seq + 1 FROM ledger_head))
			FROM d WHERE day = $1
			UNION ALL
			SELECT CASE WHEN p.time < $2 THEN p.seq + 1 ELSE b.lo END,
			       CASE WHEN p.time < $2 THEN b.hi ELSE (b.lo + b.hi) / 2 END
			FROM b LEFT JOIN LATERAL (SELECT seq, time FROM events WHERE seq >= (b.lo + b.hi) / 2
				ORDER BY seq LIMIT 1) p ON true
			WHERE b.lo < b.hi)
		SELECT COALESCE((SELECT lo FROM b WHERE lo >= hi LIMIT 1), (SELECT first_seq FROM d), $3)`,
		consent.Day(t), micros(t), int64(1)<<62).Scan(&seq)
	return seq, err
}

// Log returns one page of the log, newest first, by keyset on seq.
func (s *Store) Log(ctx context.Context, q consent.LogQuery) ([]*consent.Event, error) {
	query, a, err := s.logPage(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []*consent.Event
	err = s.query(ctx, func(e *consent.Event) error { out = append(out, e); return nil }, query, a...)
	return out, err
}

// logPage is the query of one page of the log and its arguments.
func (s *Store) logPage(ctx context.Context, q consent.LogQuery) (string, args, error) {
	var a args
	where, err := s.where(ctx, q, &a)
	if err != nil {
		return "", nil, err
	}
	if q.Before > 0 {
		where += " AND e.seq < " + a.add(q.Before)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	return "SELECT " + eventColumns + " WHERE " + where + " ORDER BY e.seq DESC LIMIT " + a.add(q.Limit), a, nil
}

// Export streams matching events oldest first, a page at a time, so that
// neither memory nor a transaction grows with the log.
func (s *Store) Export(ctx context.Context, q consent.LogQuery, fn func(*consent.Event) error) error {
	var a args
	where, err := s.where(ctx, q, &a)
	if err != nil {
		return err
	}
	return s.pages(ctx, 0, fn, where, a)
}

// Walk streams every event after seq in ledger order.
func (s *Store) Walk(ctx context.Context, after int64, fn func(*consent.Event) error) error {
	return s.pages(ctx, after, fn, "true", nil)
}

func (s *Store) pages(ctx context.Context, after int64, fn func(*consent.Event) error, where string, a args) error {
	n := len(a) + 1
	query := fmt.Sprintf("SELECT %s WHERE e.seq > $%d AND %s ORDER BY e.seq LIMIT 5000", eventColumns, n, where)
	for {
		got := 0
		err := s.query(ctx, func(e *consent.Event) error {
			got++
			after = e.Seq
			return fn(e)
		}, query, append(a[:len(a):len(a)], after)...)
		if err != nil || got == 0 {
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
	err := s.pool.QueryRow(ctx, "SELECT hash FROM events WHERE seq = $1", seq).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
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
	if err := s.pool.QueryRow(ctx, "SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&seq, &hash); err != nil {
		return 0, [32]byte{}, err
	}
	return seq, [32]byte(hash), nil
}

// Texts returns the body of one stored texts snapshot.
func (s *Store) Texts(ctx context.Context, hash [32]byte) ([]byte, error) {
	var body []byte
	err := s.pool.QueryRow(ctx, "SELECT body FROM snapshots WHERE hash = $1", hash[:]).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no texts snapshot %x", hash)
	}
	return body, err
}

// eraseConsent erases the personal fields of a consent ID's events ($3),
// found as byConsent finds them, and returns the user agent and page
// numbers they named.
const eraseConsent = `WITH old AS (SELECT seq, agent_id, page_id FROM events WHERE erased_at IS NULL AND seq IN (
		SELECT seq FROM events WHERE id = $3 AND consent_id = $3
		UNION ALL SELECT seq FROM events WHERE consent_id = $3 AND consent_id <> id) FOR UPDATE)
	UPDATE events e SET ip = NULL, agent_id = NULL, page_id = NULL, pii_salt = NULL, erased_at = $1, erase_reason = $2
	FROM old WHERE e.seq = old.seq AND e.erased_at IS NULL RETURNING old.agent_id, old.page_id`

// Erase removes the personal fields of a consent ID's events, and records
// the user agents and pages they named for the sweep, which deletes those
// no other event names (SweepNames, in the background SweepDelay later).
// The ledger still verifies: it chains over their salted digest, which
// stays.
func (s *Store) Erase(ctx context.Context, cid uuid.UUID, reason string, at time.Time) (int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	rows, err := tx.Query(ctx, eraseConsent, micros(at), reason, [16]byte(cid))
	if err != nil {
		return 0, err
	}
	var (
		agents, pages []int64
		n             int
	)
	for rows.Next() {
		var agent, page *int64
		if err := rows.Scan(&agent, &page); err != nil {
			rows.Close()
			return 0, err
		}
		if agent != nil {
			agents = append(agents, *agent)
		}
		if page != nil {
			pages = append(pages, *page)
		}
		n++
	}
	if rows.Close(); rows.Err() != nil {
		return 0, rows.Err()
	}
	if err := pendNames(ctx, tx, agents, pages); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	if n > 0 {
		s.sweeper.Kick()
	}
	return n, nil
}

// Counts returns a site's rollup for a range of days: day by day for the
// actions and revisions, summed over the range in the query for the other
// dimensions (their many countries and languages would otherwise be most
// of the rows a year reads).
func (s *Store) Counts(ctx context.Context, site string, from, to int64) ([]consent.Count, error) {
	return s.counts(ctx, site, `SELECT day, dim, key, n FROM daily
		WHERE site_id = $1 AND day BETWEEN $2 AND $3 AND dim IN ('action', 'revision')
		UNION ALL
		SELECT min(day), dim, key, sum(n)::bigint FROM daily
		WHERE site_id = $1 AND day BETWEEN $2 AND $3 AND dim NOT IN ('action', 'revision') GROUP BY dim, key`, site, from, to)
}

// RevisionCounts returns one revision's counts over every day: a range of
// the daily_revision index (keys "N:…", and ';' sorts right after ':').
func (s *Store) RevisionCounts(ctx context.Context, site string, rev int) ([]consent.Count, error) {
	lo, hi := strconv.Itoa(rev)+":", strconv.Itoa(rev)+";"
	return s.counts(ctx, site, `SELECT day, dim, key, n FROM daily WHERE site_id = $1 AND dim = 'revision' AND key COLLATE "C" >= $2 AND key COLLATE "C" < $3`, site, lo, hi)
}

// counts runs a query of (day, dim, key, n) rollup rows of site.
func (s *Store) counts(ctx context.Context, site, query string, args ...any) ([]consent.Count, error) {
	rows, err := s.pool.Query(ctx, query, args...)
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
	err := s.pool.QueryRow(ctx, "SELECT seq, hash, verified_at FROM verified WHERE id = 1").Scan(&seq, &hash, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, [32]byte{}, time.Time{}, nil
	}
	if err != nil {
		return 0, [32]byte{}, time.Time{}, err
	}
	return seq, [32]byte(hash), fromMicros(at), nil
}

// SetVerified records where a verification stopped.
func (s *Store) SetVerified(ctx context.Context, seq int64, hash [32]byte, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO verified (id, seq, hash, verified_at) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, verified_at = excluded.verified_at`,
		seq, hash[:], micros(at))
	return err
}
