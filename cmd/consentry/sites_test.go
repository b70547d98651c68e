package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/store/sqlite"
)

func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, nil, &out, &out)
	return out.String(), err
}

// demoDB makes a SQLite database in a new temporary folder with the demo
// site published (revision 1), and returns the folder, the database as
// --db names it and the store, open until the test ends.
func demoDB(t *testing.T) (dir, db string, st *sqlite.Store) {
	t.Helper()
	dir = t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Publish(context.Background(), app.DemoSite("https://shop.example"), nil); err != nil {
		t.Fatal(err)
	}
	return dir, "sqlite:" + filepath.Join(dir, "c.db"), st
}

func TestSitesExportApplyRoundTrip(t *testing.T) {
	dir, db, _ := demoDB(t)

	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil || !strings.Contains(yml, "id: demo") {
		t.Fatalf("export: %v\n%s", err, yml)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(yml), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "no changes; revision 1 stays current") {
		t.Fatalf("apply unchanged: %v %s", err, out)
	}

	edited := strings.Replace(yml, "name: Green Cross Pharmacy (demo)", "name: Green Cross", 1) + "rules:\n  US: opt-out\n"
	os.WriteFile(file, []byte(edited), 0o600)
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run")
	if err != nil || !strings.Contains(out, "\n  Name: Green Cross Pharmacy (demo) → Green Cross\n") || !strings.Contains(out, "\n  Country rule: US: Opt-out\n") || !strings.Contains(out, "nothing published") {
		t.Fatalf("dry run: %v %s", err, out)
	}
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "published revision 2") {
		t.Fatalf("apply: %v %s", err, out)
	}
	for name, bad := range map[string]string{
		"unknown field":  strings.Replace(yml, "name:", "nmae:", 1),
		"bad origin":     strings.Replace(yml, "https://shop.example", "shop.example", 1),
		"low contrast":   yml + "appearance:\n  text: '#dddddd'\n",
		"unknown lang":   yml + "texts:\n  xx:\n    banner_title: Hi\n",
		"malformed YAML": yml + "  - : [\n",
	} {
		os.WriteFile(file, []byte(bad), 0o600)
		if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err == nil {
			t.Errorf("%s applied: %s", name, out)
		}
	}
	if yml, _ := cli(t, "sites", "export", "demo", "--db", db); !strings.Contains(yml, "name: Green Cross\n") {
		t.Error("a refused file changed the site")
	}
}

// TestSitesApplySaysPeriodsInDays: sites apply shows a retention and a
// lifetime in days, as the YAML sets them, not as Go durations
// ("9600h0m0s").
func TestSitesApplySaysPeriodsInDays(t *testing.T) {
	dir, db, _ := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil || !strings.Contains(yml, "lifetime_days: 183\n") {
		t.Fatalf("export: %v\n%s", err, yml)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(strings.Replace(yml, "lifetime_days: 183\n", "lifetime_days: 13 months\nretention_days: 400\n", 1)), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run")
	if err != nil || !strings.Contains(out, "\n  Choice remembered for: 183 days → 395 days\n") || !strings.Contains(out, "\n  Keep decisions in the log for: for ever → 400 days\n") || strings.Contains(out, "h0m0s") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
}

// TestSitesApplyTakesCatalogUpdates: a published site whose Google Maps
// was added before the catalog learnt google.com/maps is exported following
// the catalog, export says what applying publishes, and applying the file
// unchanged publishes the new host (it said "no changes"). Hosts the YAML
// set itself stay as they are.
func TestSitesApplyTakesCatalogUpdates(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	site := app.DemoSite("https://shop.example")
	e, _ := catalog.Get("google-maps")
	maps := e.Service()
	maps.Hosts = slices.DeleteFunc(maps.Hosts, func(h string) bool { return h == "google.com/maps" })
	site.Services = append(site.Services, maps)
	if _, err := st.Publish(context.Background(), site, nil); err != nil {
		t.Fatal(err)
	}

	var yml, notes bytes.Buffer
	if err := run(context.Background(), []string{"sites", "export", "demo", "--db", db}, nil, &yml, &notes); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(yml.String(), "maps.google.com") || !strings.Contains(notes.String(), "Google Maps: hosts + google.com/maps") || !strings.Contains(notes.String(), "--editorial") {
		t.Errorf("export:\n%s\nsaid: %s", yml.String(), notes.String())
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, yml.Bytes(), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial")
	if err != nil || !strings.Contains(out, "google.com/maps") || !strings.Contains(out, "published revision 2") {
		t.Fatalf("apply unchanged export: %v\n%s", err, out)
	}
	if yml, _ := cli(t, "sites", "export", "demo", "--db", db); strings.Contains(yml, "catalog updates") {
		t.Errorf("updates left after applying them:\n%s", yml)
	}
	out, _ = cli(t, "sites", "apply", "-f", file, "--db", db)
	if !strings.Contains(out, "no changes") {
		t.Errorf("applying again: %s", out)
	}
}

// TestSitesApplyListsChangesAsThePublishPage: a dry run of one service
// added from the catalog lists one line for it, in words, with its
// category's name and no empty field, and says which kind of revision
// would be published and how to choose the other, before anything is.
func TestSitesApplyListsChangesAsThePublishPage(t *testing.T) {
	dir, db, _ := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.yaml")
	added := strings.Replace(yml, "services:\n", "services:\n  - catalog: google-analytics\n    category: analytics\n", 1)
	added = strings.Replace(added, "origins:\n", "origins:\n  - https://www.shop.example\n", 1)
	os.WriteFile(file, []byte(added), 0o600)
	out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--dry-run")
	want := `site "demo": 2 changes
  Added service Google Analytics 4 to Analytics (10 cookies: _ga, _gali, _ga_*, _gid, _gat*, _dc_gtm_*, …)
  Allowed origins: added https://www.shop.example
material revision, as these changes alter what visitors consented to: visitors who chose under an earlier revision are asked again
dry run: nothing published
`
	if err != nil || out != want {
		t.Errorf("dry run: %v\n%s\nwant\n%s", err, out, want)
	}

	os.WriteFile(file, []byte(strings.Replace(yml, "origins:\n", "origins:\n  - https://www.shop.example\n", 1)), 0o600)
	for flag, want := range map[string]string{
		"":            "material revision: visitors who chose under an earlier revision are asked again, though nothing they consented to changed (--editorial asks nobody)\n",
		"--editorial": "editorial revision, as --editorial asks: nobody is asked again\n",
	} {
		args := []string{"sites", "apply", "-f", file, "--db", db, "--dry-run"}
		if flag != "" {
			args = append(args, flag)
		}
		if out, err := cli(t, args...); err != nil || !strings.Contains(out, "\n"+want) {
			t.Errorf("%s: %v\n%s\nwant\n%s", flag, err, out, want)
		}
	}
	// Material unless told (DESIGN.md's CLI): a script's apply never stops
	// asking visitors again by itself.
	out, err = cli(t, "sites", "apply", "-f", file, "--db", db)
	if err != nil || !strings.Contains(out, "published revision 2 of site \"demo\" (material: visitors who chose under an earlier revision are asked again)") {
		t.Errorf("apply: %v\n%s", err, out)
	}
}

// TestDemoStoresLifetimesInDays: the demo site `serve --demo` publishes
// stores its cookies' lifetimes in whole days, as the catalog, YAML and
// the console do, so its export says `days:` (a session cookie
// `session: true`) like any other site's, and applying the export back
// lists no changes. It stored '6 months', '1 year', '13 months' as text
// and exported them as `duration:`, a field the README's YAML does not
// have.
func TestDemoStoresLifetimesInDays(t *testing.T) {
	dir, db, st := demoDB(t)
	site, err := st.Site(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range site.Services {
		for _, k := range sv.Cookies {
			if k.Duration != "" || (k.Days > 0) == k.Session {
				t.Errorf("the demo stores cookie %s with days %d, session %t, duration %q", k.Name, k.Days, k.Session, k.Duration)
			}
		}
	}
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  - catalog: consentry\n", "        purpose_key: purpose_session\n        session: true\n",
		"        purpose_key: purpose_settings\n        days: 365\n", "        purpose_key: purpose_visitor_id\n        days: 395\n", "        purpose_key: purpose_ads\n        days: 1\n"} {
		if !strings.Contains(yml, want) {
			t.Errorf("the demo's export lacks\n%s", want)
		}
	}
	if strings.Contains(yml, "duration:") {
		t.Errorf("the demo's export has a duration:\n%s", yml)
	}
	file := filepath.Join(dir, "site.yaml")
	os.WriteFile(file, []byte(yml), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db); err != nil || !strings.Contains(out, "no changes; revision 1 stays current") {
		t.Errorf("applying the demo's export: %v\n%s", err, out)
	}
}

// TestSitesApplyNewSiteSaysItCreatesIt: applying the YAML of a site the
// store does not have says it creates the site and what its first revision
// holds; it listed every field as a change from a value there never was
// ("Choice remembered for: 183 days → 180 days", a bare "id: blog") and
// said visitors who chose under an earlier revision are asked again.
func TestSitesApplyNewSiteSaysItCreatesIt(t *testing.T) {
	dir, db, _ := demoDB(t)
	yml, err := cli(t, "sites", "export", "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	yml = strings.Replace(strings.Replace(yml, "id: demo\n", "id: blog\n", 1), "lifetime_days: 183\n", "lifetime_days: 180\n", 1)
	file := filepath.Join(dir, "blog.yaml")
	os.WriteFile(file, []byte(yml), 0o600)
	if out, err := cli(t, "sites", "apply", "-f", file, "--db", db, "--editorial"); err == nil || !strings.Contains(err.Error(), "first revision cannot be editorial") {
		t.Errorf("an editorial first revision: %v\n%s", err, out)
	}
	for _, dry := range []bool{true, false} {
		args := []string{"sites", "apply", "-f", file, "--db", db}
		want := []string{"site \"blog\" is new: creating it", "\n  Services: 6 (Consentry, ", "\n  Allowed origins: https://shop.example\n",
			"created site \"blog\" and published its revision 1, shown to every visitor\n"}
		if dry {
			args, want = append(args, "--dry-run"), append(want[:3:3], "dry run: nothing created, nothing published\n")
		}
		out, err := cli(t, args...)
		if err != nil {
			t.Fatalf("apply (dry run %t): %v\n%s", dry, err, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("apply (dry run %t) does not say %q:\n%s", dry, w, out)
			}
		}
		for _, bad := range []string{"→", "\n  id: blog", "asked again", "earlier revision"} {
			if strings.Contains(out, bad) {
				t.Errorf("apply of a new site (dry run %t) says %q:\n%s", dry, bad, out)
			}
		}
	}
}

// TestSitesApplyDraftOnlySiteSaysItPublishesTheDraft: applying the YAML of
// a site begun in the console and never published says the site exists as
// a draft and is published as its first revision, and where the file
// changes that draft (publishing replaces it); it called the site new and
// said it was creating it.
func TestSitesApplyDraftOnlySiteSaysItPublishesTheDraft(t *testing.T) {
	dir, db, st := demoDB(t)
	draft := app.DemoSite("https://blog.example")
	draft.ID = "blog"
	if err := st.SaveDraft(context.Background(), draft); err != nil {
		t.Fatal(err)
	}
	yml, err := cli(t, "sites", "export", "blog", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	same, changed := filepath.Join(dir, "same.yaml"), filepath.Join(dir, "changed.yaml")
	os.WriteFile(same, []byte(yml), 0o600)
	os.WriteFile(changed, []byte(strings.Replace(yml, "lifetime_days: 183\n", "lifetime_days: 180\n", 1)), 0o600)
	for _, tc := range []struct {
		file string
		dry  bool
		want []string
	}{
		{same, true, []string{"the file matches the console's draft\n", "dry run: nothing published, the console's draft stays as it is\n"}},
		{changed, true, []string{"2 changes from the console's draft (publishing replaces the draft with the file):\n" +
			"  Service Consentry: cookie consentry: lifetime: 183 days → 180 days\n  Choice remembered for: 183 days → 180 days\n",
			"dry run: nothing published, the console's draft stays as it is\n"}},
		{changed, false, []string{"2 changes from the console's draft", "published site \"blog\", until now a draft, as its revision 1, shown to every visitor\n"}},
	} {
		args := []string{"sites", "apply", "-f", tc.file, "--db", db}
		if tc.dry {
			args = append(args, "--dry-run")
		}
		out, err := cli(t, args...)
		if err != nil {
			t.Fatalf("apply %s (dry run %t): %v\n%s", filepath.Base(tc.file), tc.dry, err, out)
		}
		want := append([]string{"site \"blog\" exists only as a draft in the console, never published: publishing the file as its first revision, which holds\n",
			"\n  Allowed origins: https://blog.example\n"}, tc.want...)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("apply %s (dry run %t) does not say %q:\n%s", filepath.Base(tc.file), tc.dry, w, out)
			}
		}
		for _, bad := range []string{"is new", "creating", "created", "asked again", "earlier revision"} {
			if strings.Contains(out, bad) {
				t.Errorf("apply %s (dry run %t) of a draft says %q:\n%s", filepath.Base(tc.file), tc.dry, bad, out)
			}
		}
	}
	if s, err := st.Site(context.Background(), "blog"); err != nil || s.Revision != 1 || s.LifetimeOrDefault() != 180*24*time.Hour {
		t.Errorf("published: %+v %v", s, err)
	}
}

// TestSitesApplyUnreadableFileCreatesNothing: a -f that cannot be read is
// refused, named by its flag, before the store is opened, so a --db naming
// no database is not left with a new, empty one.
func TestSitesApplyUnreadableFileCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "shop.yaml")
	code, out, errOut := consentry(t, "sites", "apply", "-f", missing, "--db", "sqlite:"+filepath.Join(dir, "new.db"))
	if want := "-f: open " + missing + ": no such file or directory"; code != 1 || out != "" || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errOut, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed apply left %v", entries)
	}
}
