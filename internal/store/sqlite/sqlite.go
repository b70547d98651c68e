// Package sqlite is the default Store: one SQLite file in WAL mode, written
// through one connection by the ledger writer, read through a separate pool.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/google/uuid"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on a SQLite file.
type Store struct {
	w, r *sql.DB
	// agents caches user-agent IDs; only the single writer touches it.
	agents map[string]int64
	// known remembers texts snapshots already stored; writer only.
	known map[[32]byte]bool
}

// Open opens (creating if need be) the SQLite database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	// Pragmas go in the DSN so that every pooled connection gets them.
	dsn := func(extra string) string {
		return "file:" + url.PathEscape(path) + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)" + extra
	}
	w, err := sql.Open("sqlite", dsn("&_txlock=immediate"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	return &Store{w: w, r: r, agents: map[string]int64{}, known: map[[32]byte]bool{}}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Close closes both pools.
func (s *Store) Close() error { return errors.Join(s.r.Close(), s.w.Close()) }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// AppendBatch writes events in one transaction and commits it durably. Each
// event is sealed to the ledger head read inside the same transaction.
func (s *Store) AppendBatch(ctx context.Context, events []*consent.Event) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			// The caches may name rows the rollback removed.
			s.agents = map[string]int64{}
			s.known = map[[32]byte]bool{}
		}
	}()
	var (
		seq  int64
		prev []byte
	)
	switch err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&seq, &prev); {
	case errors.Is(err, sql.ErrNoRows):
		prev = make([]byte, 32)
	case err != nil:
		return err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO events (seq, id, consent_id, site_id, revision, action, granted,
		source, lang, country, rule, flags, texts_hash, time, expires, ip, agent_id, page, pii_salt, pii_digest, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range events {
		if e.TextsBody != nil && !s.known[e.TextsHash] {
			if _, err = tx.ExecContext(ctx, "INSERT OR IGNORE INTO texts (hash, body) VALUES (?, ?)", e.TextsHash[:], e.TextsBody); err != nil {
				return err
			}
			s.known[e.TextsHash] = true
		}
		agent, err := s.agentID(ctx, tx, e.Personal.UserAgent)
		if err != nil {
			return err
		}
		seq++
		e.Seq = seq
		ledger.Seal(e, [32]byte(prev))
		prev = e.Hash[:]
		_, err = ins.ExecContext(ctx, seq, e.ID[:], e.ConsentID[:], e.Site, e.Revision, string(e.Action),
			strings.Join(e.Granted, ","), string(e.Source), e.Lang, e.Country, e.Rule, e.Flags(),
			e.TextsHash[:], micros(e.Time), micros(e.Expires), e.Personal.IP, agent, e.Personal.Page,
			e.PIISalt, e.PIIDigest[:], e.Hash[:])
		if err != nil {
			return err
		}
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO ledger_head (id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, seq, prev); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) agentID(ctx context.Context, tx *sql.Tx, ua string) (sql.NullInt64, error) {
	if ua == "" {
		return sql.NullInt64{}, nil
	}
	if id, ok := s.agents[ua]; ok {
		return sql.NullInt64{Int64: id, Valid: true}, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO agents (ua) VALUES (?)
		ON CONFLICT (ua) DO UPDATE SET ua = excluded.ua RETURNING id`, ua).Scan(&id)
	if err != nil {
		return sql.NullInt64{}, err
	}
	if len(s.agents) > 10000 {
		s.agents = map[string]int64{}
	}
	s.agents[ua] = id
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

const eventColumns = `e.seq, e.id, e.consent_id, e.site_id, e.revision, e.action, e.granted, e.source, e.lang,
	e.country, e.rule, e.flags, e.texts_hash, e.time, e.expires, e.ip, a.ua, e.page, e.pii_salt, e.pii_digest,
	e.erased_at, e.erase_reason, e.hash FROM events e LEFT JOIN agents a ON a.id = e.agent_id`

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

// Event returns one event by ID.
func (s *Store) Event(ctx context.Context, id uuid.UUID) (*consent.Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, "SELECT "+eventColumns+" WHERE e.id = ?", id[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no event %s", id)
	}
	return e, err
}

// EventsByConsent returns every event of one consent ID, oldest first.
func (s *Store) EventsByConsent(ctx context.Context, cid uuid.UUID) ([]*consent.Event, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+eventColumns+" WHERE e.consent_id = ? ORDER BY e.seq", cid[:])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*consent.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Walk streams every event in ledger order, in pages, so that neither memory
// nor a long-held read transaction grows with the ledger.
func (s *Store) Walk(ctx context.Context, fn func(*consent.Event) error) error {
	var after int64
	for {
		rows, err := s.r.QueryContext(ctx, "SELECT "+eventColumns+" WHERE e.seq > ? ORDER BY e.seq LIMIT 5000", after)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			e, err := scanEvent(rows)
			if err == nil {
				err = fn(e)
			}
			if err != nil {
				rows.Close()
				return err
			}
			after = e.Seq
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
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

// Texts returns one stored snapshot of texts.
func (s *Store) Texts(ctx context.Context, hash [32]byte) ([]byte, error) {
	var body []byte
	err := s.r.QueryRowContext(ctx, "SELECT body FROM texts WHERE hash = ?", hash[:]).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no texts snapshot %x", hash)
	}
	return body, err
}

// Site returns a site as of its newest published revision.
func (s *Store) Site(ctx context.Context, id string) (*consent.Site, error) {
	var (
		rev    int
		config []byte
	)
	err := s.r.QueryRowContext(ctx, `SELECT number, config FROM revisions WHERE site_id = ?
		ORDER BY number DESC LIMIT 1`, id).Scan(&rev, &config)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, consent.Errorf(consent.ENotFound, "no site %q", id)
	}
	if err != nil {
		return nil, err
	}
	var site consent.Site
	if err := json.Unmarshal(config, &site); err != nil {
		return nil, fmt.Errorf("site %q revision %d: %w", id, rev, err)
	}
	site.Revision = rev
	return &site, nil
}

// Publish freezes the configuration as the site's next revision.
func (s *Store) Publish(ctx context.Context, site *consent.Site) (int, error) {
	if err := site.Validate(); err != nil {
		return 0, err
	}
	config, err := json.Marshal(site)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(config)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := micros(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name`, site.ID, site.Name, now); err != nil {
		return 0, err
	}
	var rev int
	if err := tx.QueryRowContext(ctx, `INSERT INTO revisions (site_id, number, config, hash, published_at)
		SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ? FROM revisions WHERE site_id = ?
		RETURNING number`, site.ID, config, sum[:], now, site.ID).Scan(&rev); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	site.Revision = rev
	return rev, nil
}
