package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// TestSitesApplyDoesNotRepeatWhatChanged: a site's export leaves out the
// last revision's note and "what changed" text, and a file that still
// carries them (exported before, or copied) publishes a revision that
// tells returning visitors nothing of the last change as if it were new:
// the text is not the new revision's, and the tool says so.
func TestSitesApplyDoesNotRepeatWhatChanged(t *testing.T) {
	dir, db, st := demoDB(t)
	ctx := context.Background()
	publishWithWhatChanged(t, st)

	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil || !strings.Contains(yml, "name: Green Cross\n") {
		t.Fatalf("export: %v\n%s", err, yml)
	}
	if strings.Contains(yml, "Hotjar") || strings.Contains(yml, "what_changed") || strings.Contains(yml, "change_note") {
		t.Errorf("the export carries revision 2's note or text:\n%s", yml)
	}

	carried := strings.Replace(yml, "name: Green Cross\n", "name: Green Cross Pharmacy\n", 1) +
		"change_note: Added Hotjar\nwhat_changed:\n  en: We now use Hotjar.\n"
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(carried), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "published revision 3") ||
		!strings.Contains(out, "what_changed is revision 2's") || !strings.Contains(out, "change_note is revision 2's") {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	got, err := st.Site(ctx, "demo")
	if err != nil || got.Revision != 3 || got.Name != "Green Cross Pharmacy" {
		t.Fatalf("site: %+v %v", got, err)
	}
	if got.WhatChanged != nil || got.ChangeNote != "" {
		t.Errorf("revision 3 tells visitors %q, notes %q: revision 2's", got.WhatChanged, got.ChangeNote)
	}

	// Written for this revision, the text is kept.
	os.WriteFile(file, []byte(strings.Replace(yml, "name: Green Cross\n", "name: Green Cross Shop\n", 1)+
		"what_changed:\n  en: We renamed the shop.\n"), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil || strings.Contains(out, "what_changed is") {
		t.Fatalf("apply a new text: %v\n%s", err, out)
	}
	if got, err := st.Site(ctx, "demo"); err != nil || got.WhatChanged["en"] != "We renamed the shop." {
		t.Errorf("revision 4 tells visitors %q (%v)", got.WhatChanged, err)
	}
}

// TestSitesExportWithoutWhatChangedAppliesBackUnchanged: the export of a
// site whose current revision has a note and a "what changed" text, which
// the export leaves out, applies back with no changes. Their absence was
// taken for a change ("what_changed.en: We now use Hotjar. → —"), so
// applying an untouched export published a material revision that asked
// every visitor again.
func TestSitesExportWithoutWhatChangedAppliesBackUnchanged(t *testing.T) {
	dir, db, st := demoDB(t)
	publishWithWhatChanged(t, st)
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

// publishWithWhatChanged publishes the demo renamed "Green Cross" as
// revision 2, with a note and a "what changed" text.
func publishWithWhatChanged(t *testing.T, st *sqlite.Store) {
	t.Helper()
	site := app.DemoSite("https://shop.example")
	site.Name = "Green Cross"
	site.Services[0] = consent.OwnService(site.Name, site.Lifetime.Duration) // Consentry's own service names the site, as the catalog's does
	site.ChangeNote, site.WhatChanged = "Added Hotjar", map[string]string{"en": "We now use Hotjar."}
	if _, err := st.Publish(context.Background(), site, nil); err != nil {
		t.Fatal(err)
	}
}
