package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
)

// TestSitesApplyAuditSaysWhatChanged: the audit entry of `sites apply`
// lists the changes it published, one by one as apply listed them (the
// publish form's rows), in the CSV's English detail and in each reader's
// language, as a publish from the console does (TestAuditSaysWhatChanged,
// templates.ChangesSaid). It said only 'revision 2 from FILE'.
func TestSitesApplyAuditSaysWhatChanged(t *testing.T) {
	dir, db, st := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	added := strings.Replace(yml, "services:\n", "services:\n  - catalog: google-analytics\n    category: analytics\n", 1)
	added = strings.Replace(added, "origins:\n", "origins:\n  - https://www.shop.example\n", 1)
	os.WriteFile(file, []byte(added), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if r, ok := strings.CutPrefix(l, "  "); ok {
			rows = append(rows, r)
		}
	}
	entries, err := st.AuditLog(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "publish" {
		t.Fatalf("the newest audit entry: %+v, %v", entries, err)
	}
	e := entries[0]
	if want := "revision 2 from " + file + ", editorial false; " + strings.Join(rows, "; "); len(rows) != 2 || e.Detail != want {
		t.Errorf("the entry's detail:\n%s\nwant\n%s", e.Detail, want)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"en": {"Added service Google Analytics 4 (google-analytics) to Analytics (analytics)", "Allowed origins: added https://www.shop.example"},
		"de": {"Dienst Google Analytics 4 (google-analytics) unter Statistik (analytics) hinzugefügt", "Erlaubte Ursprünge: https://www.shop.example hinzugefügt"},
	} {
		got := templates.AuditDetailWords(bundle.For(lang), e)
		for _, w := range want {
			if !strings.Contains(got, "; "+w) {
				t.Errorf("in %s the entry says %q, without %q", lang, got, w)
			}
		}
	}
}

// TestSitesApplyAuditKeepsTheChangeNote: a revision published by `sites
// apply` with a change_note keeps it in its audit entry, in the CSV's
// English detail and in each reader's language, as the console's Publish
// does ("Revision 2, material: NOTE"); the entry said only the revision,
// its kind and the file.
func TestSitesApplyAuditKeepsTheChangeNote(t *testing.T) {
	dir, db, st := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(yml+"rules:\n  US: opt-out\nchange_note: Opt-out for California, ticket 42\n"), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	entries, err := st.AuditLog(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "publish" {
		t.Fatalf("the newest audit entry: %+v, %v", entries, err)
	}
	e := entries[0]
	if want := "revision 2 from " + file + ", editorial false: Opt-out for California, ticket 42; "; !strings.HasPrefix(e.Detail, want) {
		t.Errorf("the entry's detail:\n%s\nwant it to begin\n%s", e.Detail, want)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "Revision 2, material, from " + file + ": Opt-out for California, ticket 42",
		"de": "Revision 2, wesentlich, aus " + file + ": Opt-out for California, ticket 42",
	} {
		if got := templates.AuditDetailWords(bundle.For(lang), e); !strings.HasPrefix(got, want) {
			t.Errorf("in %s the entry says %q, want it to begin %q", lang, got, want)
		}
	}
}
