package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedCatalogIsCurrent: catalog.json is what the generator makes
// from the committed sources.
func TestCommittedCatalogIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "catalog.json")
	if err := run("../services.txt", "../ocd/open-cookie-database.csv", out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../catalog.json")
	if err != nil || !bytes.Equal(got, want) {
		t.Error("internal/catalog/catalog.json is stale: run go generate ./internal/catalog and commit")
	}
}
