package postgres

import (
	"context"
	"database/sql"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Texts stored before migration 00002 become snapshots filed under the
// site, revision and language their bodies name, and stay readable by hash.
func TestMigrationFilesOldTexts(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, p, err := testProvider(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	old := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 2, Lang: "de", Messages: map[string]string{"banner_title": "Alt"}})
	odd := [32]byte([]byte("0123456789abcdef0123456789abcdef"))
	if _, err := db.Exec("INSERT INTO texts (hash, body) VALUES ($1, $2), ($3, $4)", old.Hash[:], old.Body, odd[:], []byte("not json")); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Snapshot(ctx, "shop", 2, "de")
	if err != nil || got.Hash != old.Hash || got.Check() != nil {
		t.Fatalf("old texts as a snapshot: %+v, %v", got, err)
	}
	if body, err := s.Texts(ctx, odd); err != nil || string(body) != "not json" {
		t.Errorf("a body that names nothing was lost: %q, %v", body, err)
	}
}

// Events written in the shape before migration 00007 move to the choices
// table and events that name them: each reads back as it was written, the
// erased one too, and the ledger still verifies.
func TestMigrationStoresChoicesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, p, err := testProvider(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	events := storetest.OldShapeEvents(30)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, e := range events {
		insertOldShape(t, conn, e)
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOldShapeEvents(t, s, events)
	s.Close()
	// Down and up again: the same events, the same ledger.
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(ctx, url); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOldShapeEvents(t, s, events)
}

// Migration 00008 counts the events stored before it by revision exactly as
// the ledger writer counts new ones.
func TestMigrationBackfillsRevisions(t *testing.T) {
	ctx := context.Background()
	s, url := openTest(t)
	storetest.RevisionBackfill(t, s, func() error {
		db, p, err := testProvider(url)
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := p.DownTo(ctx, 7); err != nil {
			return err
		}
		_, err = p.Up(ctx)
		return err
	})
}

// An instance still running the code before migration 00007 may be
// appending when a new instance starts and migrates: its append waits for
// the migration (and then fails on the new shape, answered 503 and
// retried), and is never lost. Without the lock, the rewrite copied the
// events committed before it started and dropped the old table with the
// append in it.
func TestMigrationHoldsOldWriters(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, p, err := testProvider(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	events := storetest.OldShapeEvents(30)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, e := range events[:29] {
		insertOldShape(t, conn, e)
	}
	// The old instance's append, not committed yet.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insertOldShape(t, tx, events[29])
	migrated := make(chan error, 1)
	go func() { _, err := p.UpTo(ctx, 7); migrated <- err }()
	watch, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(ctx)
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var waiting int
		if err := watch.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the migration never waited for the append in flight")
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-migrated; err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOldShapeEvents(t, s, events)
}

// testProvider opens url and the migrations over it, for tests that move
// the schema by hand (the store's own migrate also takes goose's lock).
func testProvider(url string) (*sql.DB, *goose.Provider, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, nil, err
	}
	db := stdlib.OpenDB(*cfg)
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, p, nil
}

// insertOldShape writes e as the code before migration 00007 did, with
// the ledger head naming it.
func insertOldShape(t *testing.T, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, e *consent.Event) {
	t.Helper()
	ctx := context.Background()
	var (
		ip, page, reason *string
		salt             []byte
		erased           *int64
	)
	if e.Erased == nil {
		ip, page, salt = &e.Personal.IP, &e.Personal.Page, e.PIISalt
	} else {
		at := micros(e.Erased.At)
		reason, erased = &e.Erased.Reason, &at
	}
	if _, err := q.Exec(ctx, `INSERT INTO events (seq, id, consent_id, site_id, revision, action, granted, source, lang,
		country, rule, flags, texts_hash, time, expires, ip, page, pii_salt, pii_digest, erased_at, erase_reason, hash)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`, e.Seq, e.ID, e.ConsentID,
		e.Site, e.Revision, string(e.Action), strings.Join(e.Granted, ","), string(e.Source), e.Lang, e.Country, e.Rule,
		e.Flags(), e.TextsHash[:], micros(e.Time), micros(e.Expires), ip, page, salt, e.PIIDigest[:], erased, reason, e.Hash[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Exec(ctx, "UPDATE ledger_head SET seq = $1, hash = $2, time = $3", e.Seq, e.Hash[:], micros(e.Time)); err != nil {
		t.Fatal(err)
	}
}
