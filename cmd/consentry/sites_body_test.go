package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store/sqlite"
)

// TestSitesApplyBodyPerMode: a site's YAML may give the banner's text for
// the regions of one mode (banner_body_opt_out …) beside the one for every
// region (banner_body), which a file written before says alone and still
// means every region. The published snapshot keeps what each region shows,
// and sites export writes both back, so applying the export changes
// nothing.
func TestSitesApplyBodyPerMode(t *testing.T) {
	dir, db, st := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	apply := func(texts string) string {
		t.Helper()
		os.WriteFile(file, []byte(yml+texts), 0o600)
		out, err := cli(t, "sites", "apply", "-f", file, "--db", db)
		if err != nil || !strings.Contains(out, "published revision") {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		return out
	}

	// An older file: one text for every region.
	apply("texts:\n  en:\n    banner_body: Our words everywhere.\n")
	shownIn(t, st, 2, map[string]string{"banner_body": "Our words everywhere."}, "banner_body_opt_out", "banner_body_notice")

	// The opt-out regions' own text, beside the one for every region.
	out := apply("texts:\n  en:\n    banner_body: Our words everywhere.\n    banner_body_opt_out: Unless you say no, we use cookies.\n")
	if !strings.Contains(out, "Banner text (opt-out regions)") {
		t.Errorf("apply does not name the opt-out regions' text:\n%s", out)
	}
	shownIn(t, st, 3, map[string]string{"banner_body": "Our words everywhere.", "banner_body_opt_out": "Unless you say no, we use cookies."}, "banner_body_notice")

	exported, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil || !strings.Contains(exported, "banner_body_opt_out: Unless you say no, we use cookies.") || !strings.Contains(exported, "banner_body: Our words everywhere.") {
		t.Fatalf("export: %v\n%s", err, exported)
	}
	os.WriteFile(file, []byte(exported), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil || !strings.Contains(out, "no changes") {
		t.Errorf("applying the export: %v\n%s", err, out)
	}
}

// shownIn checks the English texts snapshot of the demo's revision rev:
// want's messages as given, none of absent.
func shownIn(t *testing.T, st *sqlite.Store, rev int, want map[string]string, absent ...string) {
	t.Helper()
	s, err := st.Snapshot(context.Background(), "demo", rev, "en")
	if err != nil {
		t.Fatal(err)
	}
	var texts consent.Texts
	if err := json.Unmarshal(s.Body, &texts); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if texts.Messages[k] != v {
			t.Errorf("revision %d: the snapshot's %s is %q, want %q", rev, k, texts.Messages[k], v)
		}
	}
	for _, k := range absent {
		if v, ok := texts.Messages[k]; ok {
			t.Errorf("revision %d: the snapshot keeps %s: %q", rev, k, v)
		}
	}
}
