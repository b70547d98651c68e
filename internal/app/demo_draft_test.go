package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/web"
)

// TestDemoOnAnotherAddressKeepsTheDraft: the demo started again on a new
// address publishes a revision allowing it, and the draft an owner was
// editing in the console stays as they left it, given the new address too
// (so publishing it later keeps the demo's pages working), and the log
// says so. Publishing discarded the draft: everything typed in the site
// editor and not yet published was gone.
func TestDemoOnAnotherAddressKeepsTheDraft(t *testing.T) {
	ctx := context.Background()
	st, bundle := demoStore(t)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8080", log); err != nil {
		t.Fatal(err)
	}
	draft, err := st.Draft(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	draft.Name = "Green Cross, Main Street"
	draft.Services = slices.DeleteFunc(draft.Services, func(sv consent.Service) bool { return sv.Name == "Demo Ads" })
	if err := st.SaveDraft(ctx, draft); err != nil {
		t.Fatal(err)
	}
	logged.Reset()
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8093", log); err != nil {
		t.Fatal(err)
	}
	live, err := st.Site(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	if live.Revision != 2 || !live.AllowsOrigin("http://127.0.0.1:8093") || live.Name == draft.Name {
		t.Fatalf("published revision %d, origins %v, name %q", live.Revision, live.Origins, live.Name)
	}
	kept, err := st.Draft(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	var pending []string
	for _, c := range consent.Diff(live, kept) {
		pending = append(pending, c.Path)
	}
	slices.Sort(pending)
	if kept.Name != draft.Name || slices.ContainsFunc(kept.Services, func(sv consent.Service) bool { return sv.Name == "Demo Ads" }) ||
		!kept.AllowsOrigin("http://127.0.0.1:8093") || !kept.AllowsOrigin("http://127.0.0.1:8080") {
		t.Fatalf("the draft became name %q, origins %v, services %d: the owner's edits were lost", kept.Name, kept.Origins, len(kept.Services))
	}
	if len(pending) == 0 || slices.ContainsFunc(pending, func(p string) bool { return strings.HasPrefix(p, "origins") }) {
		t.Errorf("pending in the editor: %v, want the owner's edits and not the address", pending)
	}
	if !strings.Contains(logged.String(), "kept the demo site's unpublished draft") || !strings.Contains(logged.String(), "http://127.0.0.1:8093") {
		t.Errorf("the log says %q", logged.String())
	}
}

// TestDemoDraftKeptOrNothingPublished: when the draft an owner was editing
// cannot be kept (here one an earlier Consentry saved, whose origin with a
// path this one refuses), serve --demo on a new address stops with an error
// and changes nothing: the draft stays as stored, byte for byte, and no
// revision is published. The publication and the draft's save were two
// steps, and the draft was gone when the second failed.
func TestDemoDraftKeptOrNothingPublished(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8080", log); err != nil {
		t.Fatal(err)
	}
	draft, err := st.Draft(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	draft.Name = "Green Cross, Main Street"
	draft.Origins = append(draft.Origins, "https://green-cross.example/shop")
	stored, err := json.Marshal(draft)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "UPDATE sites SET draft = ? WHERE id = ?", stored, web.DemoSite); err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8093", log); err == nil {
		t.Fatal("the demo started with a draft it could not keep")
	}
	var kept []byte
	if err := db.QueryRowContext(ctx, "SELECT draft FROM sites WHERE id = ?", web.DemoSite).Scan(&kept); err != nil || !bytes.Equal(kept, stored) {
		t.Errorf("the draft became %q (%v); want it as stored", kept, err)
	}
	if live, err := st.Site(ctx, web.DemoSite); err != nil || live.Revision != 1 || live.AllowsOrigin("http://127.0.0.1:8093") {
		t.Errorf("the live site is revision %d, origins %v (%v); want 1, unchanged", live.Revision, live.Origins, err)
	}
}
