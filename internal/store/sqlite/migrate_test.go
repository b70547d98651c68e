package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/pressly/goose/v3"
)

// Texts stored before migration 00002 become snapshots filed under the
// site, revision and language their bodies name, and stay readable by hash.
func TestMigrationFilesOldTexts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	old := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 2, Lang: "de", Messages: map[string]string{"banner_title": "Alt"}})
	if _, err := db.Exec("INSERT INTO texts (hash, body) VALUES (?, ?), (?, ?)", old.Hash[:], old.Body, []byte("0123456789abcdef0123456789abcdef"), []byte("not json")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Snapshot(ctx, "shop", 2, "de")
	if err != nil || got.Hash != old.Hash || got.Check() != nil {
		t.Fatalf("old texts as a snapshot: %+v, %v", got, err)
	}
	if body, err := s.Texts(ctx, [32]byte([]byte("0123456789abcdef0123456789abcdef"))); err != nil || string(body) != "not json" {
		t.Errorf("a body that names nothing was lost: %q, %v", body, err)
	}
}

// Events written in the shape before migration 00007 move to the choices
// table and events that name them: each reads back as it was written, the
// erased one too, and the ledger still verifies.
func TestMigrationStoresChoicesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	events := storetest.OldShapeEvents(30)
	for _, e := range events {
		var ip, page, salt, reason, erased any = e.Personal.IP, e.Personal.Page, e.PIISalt, nil, nil
		if e.Erased != nil {
			ip, page, salt, reason, erased = nil, nil, nil, e.Erased.Reason, micros(e.Erased.At)
		}
		if _, err := db.Exec(`INSERT INTO events (seq, id, consent_id, site_id, revision, action, granted, source, lang,
			country, rule, flags, texts_hash, time, expires, ip, page, pii_salt, pii_digest, erased_at, erase_reason, hash)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, e.Seq, e.ID[:], e.ConsentID[:], e.Site, e.Revision,
			string(e.Action), strings.Join(e.Granted, ","), string(e.Source), e.Lang, e.Country, e.Rule, e.Flags(),
			e.TextsHash[:], micros(e.Time), micros(e.Expires), ip, page, salt, e.PIIDigest[:], erased, reason, e.Hash[:]); err != nil {
			t.Fatal(err)
		}
	}
	last := events[len(events)-1]
	if _, err := db.Exec("INSERT INTO ledger_head (id, seq, hash, time) VALUES (1, ?, ?, ?)", last.Seq, last.Hash[:], micros(last.Time)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOldShapeEvents(t, s, events)
	s.Close()
	// Down and up again: the same events, the same ledger.
	if db, err = sql.Open("sqlite", "file:"+path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p, err = goose.NewProvider(goose.DialectSQLite3, db, sub); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOldShapeEvents(t, s, events)
}

// Migration 00008 counts the events stored before it by revision exactly as
// the ledger writer counts new ones.
func TestMigrationBackfillsRevisions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.RevisionBackfill(t, s, func() error {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			return err
		}
		defer db.Close()
		sub, _ := fs.Sub(migrations, "migrations")
		p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
		if err != nil {
			return err
		}
		if _, err := p.DownTo(ctx, 7); err != nil {
			return err
		}
		_, err = p.Up(ctx)
		return err
	})
}

// TestOpenBesideAWriter: a database whose schema is current opens while
// another connection holds the write lock (a busy server's writer, beside
// which a backup, verify or export opens it), without waiting for it: the
// auto-vacuum pragma, which takes the write lock, is set on a new file only.
// Before, opening waited out the 10 s busy timeout twice and failed
// "database is locked" (TestBackupWhileWriting did, now and then).
func TestOpenBesideAWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	start := time.Now()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("opening beside a writer: %v (after %s)", err, time.Since(start).Round(time.Millisecond))
	}
	again.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("opening beside a writer took %s", d.Round(time.Millisecond))
	}
}
