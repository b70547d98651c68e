package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/siteyaml"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/templates"
)

// TestSitesApplyNamesTheDraftItWouldDiscard: applying a file to a
// published site whose console draft holds an unpublished change (Vimeo
// added, not published) names that change, with and without --dry-run,
// and publishes nothing without --discard-draft, the draft kept; with it,
// it publishes and says the change is lost. A file that makes the
// draft's change too replaces the draft without asking. apply published
// over the draft without a word, and the draft was gone.
func TestSitesApplyNamesTheDraftItWouldDiscard(t *testing.T) {
	db, st, file := draftWithVimeo(t)
	ctx := context.Background()
	lost := "the console's draft holds 1 change not yet published; publishing the file discards the draft and loses 1 change the file does not make:\n  Added service Vimeo to Analytics (5 cookies: "
	hasVimeo := func() bool {
		d, err := st.Draft(ctx, "demo")
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(d.Services, func(s consent.Service) bool { return s.Catalog == "vimeo" })
	}

	out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run")
	for _, w := range []string{"\n  Name: Green Cross Pharmacy (demo) → Green Cross\n", lost, "without --discard-draft, apply refuses to publish over them\n", "dry run: nothing published\n"} {
		if err != nil || !strings.Contains(out, w) {
			t.Errorf("dry run (%v) does not say %q:\n%s", err, w, out)
		}
	}
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db)
	if err == nil || !strings.Contains(out, lost) || !strings.Contains(err.Error(), "nothing published: the console's draft holds 1 change the file does not carry") ||
		!strings.Contains(err.Error(), "--discard-draft") || strings.Contains(out, "published revision") {
		t.Errorf("apply over the draft: %v\n%s", err, out)
	}
	if s, _ := st.Site(ctx, "demo"); s.Revision != 1 || !hasVimeo() {
		t.Errorf("a refused apply published revision %d, draft with Vimeo %t", s.Revision, hasVimeo())
	}
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db, "--discard-draft")
	if err != nil || !strings.Contains(out, lost) || !strings.Contains(out, "--discard-draft: publishing loses them\n") || !strings.Contains(out, "published revision 2") {
		t.Errorf("apply --discard-draft: %v\n%s", err, out)
	}
	if hasVimeo() {
		t.Error("the discarded draft is still there")
	}

	// A file that adds Vimeo as the draft does loses nothing.
	fileMakesTheDraft(t, st, file)
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "the console's draft holds 1 change not yet published; the file makes them all: publishing it replaces the draft\n") ||
		!strings.Contains(out, "published revision 3") || strings.Contains(out, "discard") {
		t.Errorf("apply of the draft's own change: %v\n%s", err, out)
	}
}

// TestSitesApplyDiscardRecordsWhatWasLost: `sites apply --discard-draft`
// over a console draft holding a change the file does not make (Vimeo
// added) records in the audit trail that the draft was discarded, by
// the command line, from which file, and what it held: Vimeo, in the
// CSV's English detail and in each reader's language. The trail said
// only that a revision was published; the owner who had added Vimeo in
// the console could not learn where it went. A file that makes the
// draft's change too discards nothing and records no discard.
func TestSitesApplyDiscardRecordsWhatWasLost(t *testing.T) {
	db, st, file := draftWithVimeo(t)
	ctx := context.Background()
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--discard-draft"); err != nil {
		t.Fatalf("apply --discard-draft: %v\n%s", err, out)
	}
	entries, err := st.AuditLog(ctx, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	var discard *auth.AuditEntry
	for i, e := range entries {
		if e.Action == "draft_discard" {
			discard = &entries[i]
		}
	}
	if discard == nil {
		t.Fatalf("no draft_discard entry in the trail: %+v", entries)
	}
	if discard.Actor != "cli" || discard.Target != "demo" || !strings.HasPrefix(discard.Detail, "draft discarded by sites apply --discard-draft from "+file+"; Added service Vimeo to Analytics") {
		t.Errorf("the discard entry: %s by %s on %s", discard.Detail, discard.Actor, discard.Target)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "Added service Vimeo (vimeo) to Analytics (analytics)",
		"de": "Dienst Vimeo (vimeo) unter Statistik (analytics) hinzugefügt",
	} {
		got := templates.AuditDetailWords(bundle.For(lang), *discard)
		if !strings.Contains(got, file) || !strings.Contains(got, "; "+want) {
			t.Errorf("in %s the discard entry says %q, want the file and %q", lang, got, want)
		}
	}

	// The draft's change made by the file too: nothing is lost, no discard.
	fileMakesTheDraft(t, st, file)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--discard-draft"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if entries, _ := st.AuditLog(ctx, 0, 1); len(entries) != 1 || entries[0].Action != "publish" {
		t.Errorf("a file that loses nothing: the newest entry is %+v, want the publish alone", entries)
	}
}

// draftWithVimeo is the demo database with Vimeo added to the demo's
// console draft, not published, and a file exported before (without
// Vimeo) that renames the site: applying it publishes over the draft.
func draftWithVimeo(t *testing.T) (db string, st *sqlite.Store, file string) {
	t.Helper()
	dir, db, st := demoDB(t)
	ctx := context.Background()
	draft, err := st.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	vimeo, _ := catalog.Get("vimeo")
	draft.Services = append(draft.Services, vimeo.Service())
	if err := st.SaveDraft(ctx, draft); err != nil {
		t.Fatal(err)
	}
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil || strings.Contains(yml, "vimeo") {
		t.Fatalf("export: %v\n%s", err, yml)
	}
	file = filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(strings.Replace(yml, "name: Green Cross Pharmacy (demo)", "name: Green Cross", 1)), 0o600)
	return db, st, file
}

// fileMakesTheDraft adds Vimeo to the demo's console draft again and writes
// that draft to file: applying it publishes the draft's change, losing none.
func fileMakesTheDraft(t *testing.T, st *sqlite.Store, file string) {
	t.Helper()
	ctx := context.Background()
	draft, err := st.Draft(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	vimeo, _ := catalog.Get("vimeo")
	draft.Services = append(draft.Services, vimeo.Service())
	if err := st.SaveDraft(ctx, draft); err != nil {
		t.Fatal(err)
	}
	b, err := siteyaml.Encode(draft)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
