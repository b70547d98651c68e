package store_test

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// Both dialects carry the same migrations under the same numbers and names,
// each with an Up and a Down, so a schema change cannot reach one store only.
func TestMigrationsPaired(t *testing.T) {
	list := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			b, err := os.ReadFile(dir + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "-- +goose Up") || !strings.Contains(string(b), "-- +goose Down") {
				t.Errorf("%s/%s: needs both -- +goose Up and -- +goose Down", dir, e.Name())
			}
		}
		return names
	}
	lite, pg := list("sqlite/migrations"), list("postgres/migrations")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Errorf("migrations differ:\n  sqlite:   %v\n  postgres: %v\nadd each migration to both, under the same number and name", lite, pg)
	}
}
