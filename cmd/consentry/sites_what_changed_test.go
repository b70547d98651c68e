package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestSitesApplyNamesWhatChangedMissing: a material revision whose
// what_changed is written in English only, while the site shows every
// visitor language, tells a returning visitor who reads any other only
// that cookies changed (banner_changed), never what: apply says so, in a
// dry run as in a real one, naming each language the text is missing in.
// Written in every language, or in an editorial revision (nobody is asked
// again), it says nothing of it.
func TestSitesApplyNamesWhatChangedMissing(t *testing.T) {
	dir, db, _ := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	ruled := yml + "rules:\n  US: opt-out\n"
	os.WriteFile(file, []byte(ruled+"what_changed:\n  en: Visitors in the US may now opt out.\n"), 0o600)
	warning := "warning: what_changed has no text in 54 of the site's 55 languages"
	for _, dry := range []bool{true, false} {
		args := []string{"sites", "apply", "-f", file, "--db", db}
		if dry {
			args = append(args, "--dry-run")
		}
		out, err := cli(t, args...)
		if err != nil {
			t.Fatalf("apply (dry run %v): %v\n%s", dry, err, out)
		}
		if !strings.Contains(out, warning) || !strings.Contains(out, "“We have changed how we use cookies since you last chose.”") {
			t.Errorf("dry run %v: apply does not warn of the 54 languages without what_changed:\n%s", dry, out)
		}
		for _, l := range i18n.Visitor {
			named := strings.Contains(out, "("+l.Code+")") || strings.Contains(out, ", "+l.Code+")")
			if named != (l.Code != "en") {
				t.Errorf("dry run %v: %s named among the missing: %v\n%s", dry, l.Code, named, out)
			}
		}
	}

	// Every language written: nothing to warn of.
	all := "what_changed:\n"
	for _, l := range i18n.Visitor {
		all += "  " + l.Code + ": Changed (" + l.Code + ").\n"
	}
	os.WriteFile(file, []byte(yml+"rules:\n  US: notice\n"+all), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run"); err != nil || strings.Contains(out, "warning: what_changed") {
		t.Errorf("every language written: %v\n%s", err, out)
	}
	// Editorial: nobody is asked again, so nobody reads it.
	os.WriteFile(file, []byte(yml+"rules:\n  US: notice\n"+"what_changed:\n  en: Renamed.\n"), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run", "--editorial", "--editorial-despite-material"); err != nil || strings.Contains(out, "warning: what_changed") {
		t.Errorf("editorial: %v\n%s", err, out)
	}
}
