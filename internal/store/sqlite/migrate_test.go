package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/consent"
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
