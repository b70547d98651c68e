package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
)

// TestSitesExportWithoutWhatChangedAppliesBackUnchanged: the export of a
// site whose current revision has a note and a "what changed" text, which
// the export leaves out, applies back with no changes. Their absence was
// taken for a change ("what_changed.en: We now use Hotjar. → —"), so
// applying an untouched export published a material revision that asked
// every visitor again.
func TestSitesExportWithoutWhatChangedAppliesBackUnchanged(t *testing.T) {
	dir, db, st := demoDB(t)
	ctx := context.Background()
	site := app.DemoSite("https://shop.example")
	site.Name = "Green Cross"
	site.Services[0] = consent.OwnService(site.Name, site.Lifetime.Duration) // Consentry's own service names the site, as the catalog's does
	site.ChangeNote, site.WhatChanged = "Added Hotjar", map[string]string{"en": "We now use Hotjar."}
	if _, err := st.Publish(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(yml), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil || !strings.Contains(out, "no changes; revision 2 stays current") {
		t.Errorf("applying the untouched export: %v\n%s", err, out)
	}
}
