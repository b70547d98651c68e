package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// TestSitesStoredBeforeOverridesKeepTheirFields: a site published before
// Consentry recorded which fields of a catalog service the owner set, its
// configuration written into the database as it was then (no overrides),
// exports with every field that differs from the catalog (Klaviyo's name
// and hosts, Google Maps' hosts as the catalog had them), says no catalog
// updates, and its export applies back with no changes. The owner's
// fields showed as catalog updates and left the file, so applying it
// published the catalog's.
func TestSitesStoredBeforeOverridesKeepTheirFields(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	db := "sqlite:" + path
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	config := storetest.SiteBeforeOverrides
	sum := sha256.Sum256(config)
	now := time.Now().UnixMicro()
	if _, err := raw.Exec(`INSERT INTO sites (id, name, created_at) VALUES ('shop', 'Shop', ?)`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO revisions (site_id, number, config, hash, published_at) VALUES ('shop', 1, ?, ?, ?)`, config, sum[:], now); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	var yml, notes bytes.Buffer
	if err := run(context.Background(), []string{"sites", "export", "shop", "--db", db}, nil, &yml, &notes); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  - catalog: consentry\n  - catalog: mixpanel\n",
		"  - catalog: klaviyo\n    name: Newsletter\n    hosts:\n      - static.klaviyo.com\n",
		"  - catalog: google-maps\n    hosts:\n      - maps.googleapis.com\n      - maps.gstatic.com\n      - maps.google.com\n",
	} {
		if !strings.Contains(yml.String(), want) {
			t.Errorf("the export lacks\n%s\nit is\n%s", want, yml.String())
		}
	}
	if notes.Len() > 0 {
		t.Errorf("export says: %s", notes.String())
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, yml.Bytes(), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil || !strings.Contains(out, "no changes; revision 1 stays current") {
		t.Errorf("applying the export: %v\n%s", err, out)
	}
	// Google Maps' hosts left out of the file follow the catalog again.
	os.WriteFile(file, []byte(strings.Replace(yml.String(), "  - catalog: google-maps\n    hosts:\n      - maps.googleapis.com\n      - maps.gstatic.com\n      - maps.google.com\n", "  - catalog: google-maps\n", 1)), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial"); err != nil || !strings.Contains(out, "google.com/maps") || !strings.Contains(out, "published revision 2") {
		t.Errorf("applying the export without Google Maps' hosts: %v\n%s", err, out)
	}
	yml.Reset()
	notes.Reset()
	if err := run(context.Background(), []string{"sites", "export", "shop", "--db", db}, nil, &yml, &notes); err != nil || notes.Len() > 0 ||
		!strings.Contains(yml.String(), "  - catalog: google-maps\nlifetime_days") {
		t.Errorf("export after Google Maps follows the catalog again: %v\n%s\n%s", err, yml.String(), notes.String())
	}
}
