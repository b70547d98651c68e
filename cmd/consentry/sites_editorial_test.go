package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

// TestSitesApplyEditorialOfMaterialIsConfirmed: a file that adds Google
// Ads (a material change) applied with --editorial is refused, nothing
// published, naming the material change and the flag that confirms it,
// --editorial-despite-material; --dry-run says so and exits 0. That flag
// has no environment twin (config.PerRun): CONSENTRY_EDITORIAL_DESPITE_MATERIAL
// left in a shell confirms nothing, and -h names no twin. It confirms
// --editorial and chooses nothing by itself: alone it is a usage error.
// Given with --editorial, the revision is editorial and its audit entry
// says it was confirmed although the changes are material. --editorial
// asked for nothing: no visitor was asked about Google Ads.
func TestSitesApplyEditorialOfMaterialIsConfirmed(t *testing.T) {
	dir, db, st := demoDB(t)
	ctx := context.Background()
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(strings.Replace(yml, "services:\n", "services:\n  - catalog: google-ads\n    category: marketing\n", 1)), 0o600)
	ads := "\n  Added service Google Ads to Marketing ("
	refused := "without --editorial-despite-material, apply refuses to publish them as editorial\n"

	out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial", "--dry-run")
	if err != nil || !strings.Contains(out, "these changes alter what visitors consented to:"+ads) || !strings.Contains(out, refused) || !strings.Contains(out, "dry run: nothing published") {
		t.Errorf("dry run with --editorial: %v\n%s", err, out)
	}
	t.Setenv("CONSENTRY_EDITORIAL_DESPITE_MATERIAL", "true")
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial")
	if err == nil || !strings.Contains(err.Error(), "nothing published") || !strings.Contains(err.Error(), "Added service Google Ads to Marketing") ||
		!strings.Contains(err.Error(), "--editorial-despite-material") || strings.Contains(out, "published revision") {
		t.Errorf("--editorial over a material change: %v\n%s", err, out)
	}
	if s, _ := st.Site(ctx, "demo"); s.Revision != 1 {
		t.Fatalf("a refused apply published revision %d", s.Revision)
	}
	if help, _ := cli(t, "sites", "apply", "-h"); !strings.Contains(help, "--editorial-despite-material") || strings.Contains(help, "CONSENTRY_EDITORIAL_DESPITE_MATERIAL") {
		t.Errorf("sites apply -h:\n%s", help)
	}
	if _, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial-despite-material"); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--editorial-despite-material confirms --editorial") {
		t.Errorf("--editorial-despite-material alone: %v", err)
	}

	out, err = cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial", "--editorial-despite-material")
	if err != nil || !strings.Contains(out, "--editorial-despite-material: published as editorial all the same") || !strings.Contains(out, "published revision 2") {
		t.Fatalf("--editorial --editorial-despite-material: %v\n%s", err, out)
	}
	if s, _ := st.Site(ctx, "demo"); s.Revision != 2 || !s.Editorial {
		t.Fatalf("revision %d, editorial %t", s.Revision, s.Editorial)
	}
	entries, err := st.AuditLog(ctx, 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "publish" {
		t.Fatalf("the newest audit entry: %+v %v", entries, err)
	}
	if want := "revision 2 from " + file + ", editorial true, confirmed although material (--editorial-despite-material); "; !strings.HasPrefix(entries[0].Detail, want) {
		t.Errorf("the entry's detail:\n%s\nwant it to begin\n%s", entries[0].Detail, want)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "Revision 2, editorial, confirmed although its changes are material, from " + file,
		"de": "Revision 2, redaktionell, bestätigt, obwohl die Änderungen wesentlich sind, aus " + file,
	} {
		if got := templates.AuditDetailWords(bundle.For(lang), entries[0]); !strings.HasPrefix(got, want) {
			t.Errorf("in %s the entry says %q, want %q first", lang, got, want)
		}
	}
}
