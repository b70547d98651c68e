package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/siteyaml"
)

// TestSitesApplyNamesTheDraftItWouldDiscard: applying a file to a
// published site whose console draft holds an unpublished change (Vimeo
// added, not published) names that change, with and without --dry-run,
// and publishes nothing without --discard-draft, the draft kept; with it,
// it publishes and says the change is lost. A file that makes the
// draft's change too replaces the draft without asking. apply published
// over the draft without a word, and the draft was gone.
func TestSitesApplyNamesTheDraftItWouldDiscard(t *testing.T) {
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
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(strings.Replace(yml, "name: Green Cross Pharmacy (demo)", "name: Green Cross", 1)), 0o600)
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
	draft, _ = st.Draft(ctx, "demo")
	draft.Services = append(draft.Services, vimeo.Service())
	if err := st.SaveDraft(ctx, draft); err != nil {
		t.Fatal(err)
	}
	b, err := siteyaml.Encode(draft)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, b, 0o600)
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "the console's draft holds 1 change not yet published; the file makes them all: publishing it replaces the draft\n") ||
		!strings.Contains(out, "published revision 3") || strings.Contains(out, "discard") {
		t.Errorf("apply of the draft's own change: %v\n%s", err, out)
	}
}
