package app

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/web"
)

// TestEarlierDemoGetsTodaysServices: a demo database whose site an earlier
// Consentry published (its services written by hand in English, lifetimes
// as text or in days) gets the services a new demo gets, which say what
// they do in every visitor language, when serve --demo starts on it: an
// editorial revision, so nobody is asked again, and once. A demo site an
// owner has edited, published or in its draft, is left as it is. Such a
// database kept the English texts until someone published the demo. A demo
// site published before the demo had privacy and legal notices gets the
// banner's links to them the same way, one whose services were named in
// English only gets their names in every visitor language, and one whose
// own name was English only gets it in every visitor language.
func TestEarlierDemoGetsTodaysServices(t *testing.T) {
	ctx := context.Background()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const base = "http://127.0.0.1:8080"
	files, err := earlierDemos.ReadDir("demo_earlier")
	if err != nil || len(files) != 5 {
		t.Fatalf("earlier demos: %v %v", files, err)
	}
	for _, f := range files {
		for _, owner := range []string{"", "published", "draft"} {
			t.Run(f.Name()+"/"+owner, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "c.db")
				st, err := sqlite.Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				b, _ := earlierDemos.ReadFile("demo_earlier/" + f.Name())
				var old consent.Site
				if err := json.Unmarshal(b, &old); err != nil {
					t.Fatal(err)
				}
				publishedEarlier(t, path, b)
				switch owner {
				case "published":
					old.Services[3].Name = "Site statistics"
					if len(old.Links) == 0 { // today's publish asks for one
						old.Links = map[string]consent.Links{"en": {Privacy: "https://shop.example/privacy"}}
					}
					old.PrepareRevision(&old, false)
					if _, err := st.Publish(ctx, &old, nil); err != nil {
						t.Fatal(err)
					}
				case "draft":
					old.Services[3].Name = "Site statistics"
					if err := st.SaveDraft(ctx, &old); err != nil {
						t.Fatal(err)
					}
				}
				was, _ := st.Site(ctx, web.DemoSite)
				for range 2 {
					if err := seedDemo(ctx, st, bundle, base, log); err != nil {
						t.Fatal(err)
					}
				}
				got, err := st.Site(ctx, web.DemoSite)
				if err != nil {
					t.Fatal(err)
				}
				if owner != "" {
					if got.Revision != was.Revision || len(consent.Diff(was, got)) != 0 {
						t.Errorf("an owner's demo site was republished as revision %d: %+v", got.Revision, consent.Diff(was, got))
					}
					if d, _ := st.Draft(ctx, web.DemoSite); owner == "draft" && d.Services[3].Name != "Site statistics" {
						t.Error("the owner's draft is gone")
					}
					return
				}
				if got.Revision != 2 || !got.Editorial || got.Material() != 1 || got.ChangeNote == "" {
					t.Errorf("revision %d, editorial %t, material %d, note %q: want editorial revision 2, nobody asked again",
						got.Revision, got.Editorial, got.Material(), got.ChangeNote)
				}
				want := DemoSite(old.Origins...)
				want.ChangeNote, want.Editorial, want.MaterialRevision = got.ChangeNote, true, 1
				if d := consent.Diff(want, got); len(d) != 0 {
					t.Errorf("the demo site is not today's: %+v", d)
				}
			})
		}
	}
}

// publishedEarlier writes config into the database at path as revision 1 of
// the demo site, as the Consentry that published it stored it: the earlier
// demos had no privacy policy links, which today's publish would refuse.
func publishedEarlier(t *testing.T, path string, config []byte) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	sum, now := sha256.Sum256(config), time.Now().UnixMicro()
	if _, err := raw.Exec(`INSERT INTO sites (id, name, created_at) VALUES (?, 'Demo', ?)`, web.DemoSite, now); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO revisions (site_id, number, config, hash, published_at) VALUES (?, 1, ?, ?, ?)`, web.DemoSite, config, sum[:], now); err != nil {
		t.Fatal(err)
	}
}
