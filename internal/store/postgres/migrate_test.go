package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Texts stored before migration 00002 become snapshots filed under the
// site, revision and language their bodies name, and stay readable by hash.
func TestMigrationFilesOldTexts(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		t.Fatal(err)
	}
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
