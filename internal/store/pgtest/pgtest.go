// Package pgtest gives tests a fresh PostgreSQL schema of their own in the
// database CONSENTRY_TEST_POSTGRES_URL names, dropped when the test ends.
// Without the variable the test skips, except under CI, where it fails:
// CI always has a database (.ci/postgres).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the database the PostgreSQL tests use.
const EnvVar = "CONSENTRY_TEST_POSTGRES_URL"

// URL creates a new empty schema and returns a URL whose connections use it.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (see .ci/postgres)", EnvVar)
		}
		t.Skipf("%s is not set: PostgreSQL tests skipped (see the README)", EnvVar)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return inSchema(t, base, schema)
}

// KeptURL returns a URL whose connections use schema, created if need be
// and kept after the test: for the large stores of make scale, filled once
// and reused.
func KeptURL(t testing.TB, schema string) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		URL(t) // skips, or fails under CI
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		t.Fatal(err)
	}
	return inSchema(t, base, schema)
}

// inSchema is base with its connections' search_path set to schema.
func inSchema(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
