package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store/pgtest"
	"github.com/consentry/consentry/internal/store/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3/lock"
)

// TestMigrationLockIsTheSchemas: instances starting together migrate one at
// a time under an advisory lock of their schema's own, so a migration held
// up in another schema of the same database (here its lock held by another
// session, as goose's one number for the whole database was) does not stop
// this one: it opens at once. With the database-wide lock, a CI run's
// stores in other schemas queued behind each other's index builds until
// goose gave up ("failed to acquire lock").
func TestMigrationLockIsTheSchemas(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if _, err := other.Exec(ctx, "SELECT pg_advisory_lock($1)", lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	defer other.Exec(ctx, "SELECT pg_advisory_unlock($1)", lock.DefaultLockID)
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("opening a fresh schema while the database-wide migration lock is held elsewhere: %v", err)
	}
	s.Close()
}
