package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/web"
)

// TestDemoOnAnotherAddressAsksNobodyAgain: the demo started again on an
// address its site does not allow yet publishes an editorial revision that
// allows it: visitors who chose under the material revision before stay
// current, and are not told of its change again.
func TestDemoOnAnotherAddressAsksNobodyAgain(t *testing.T) {
	ctx := context.Background()
	st, bundle := demoStore(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8080", log); err != nil {
		t.Fatal(err)
	}
	site, err := st.Site(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	site.Name, site.WhatChanged = "Green Cross", map[string]string{"en": "We renamed the shop."}
	site.PrepareRevision(site, false)
	if _, err := st.Publish(ctx, site, nil); err != nil { // material revision 2
		t.Fatal(err)
	}
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8080", log); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Site(ctx, web.DemoSite); got.Revision != 2 {
		t.Fatalf("the same address published revision %d", got.Revision)
	}
	if err := seedDemo(ctx, st, bundle, "http://127.0.0.1:8093", log); err != nil {
		t.Fatal(err)
	}
	got, err := st.Site(ctx, web.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 3 || !got.AllowsOrigin("http://127.0.0.1:8093") || !got.AllowsOrigin("http://127.0.0.1:8080") {
		t.Fatalf("revision %d, origins %v", got.Revision, got.Origins)
	}
	if !got.Editorial || got.Material() != 2 {
		t.Errorf("the new address published a material revision (editorial %t, material %d): every visitor is asked again", got.Editorial, got.Material())
	}
	if got.ChangeNote == "" || got.Name != "Green Cross" {
		t.Errorf("note %q, name %q", got.ChangeNote, got.Name)
	}
}

// demoStore is a fresh SQLite store, closed when the test ends, and the
// message bundle the demo's texts come from.
func demoStore(t *testing.T) (*sqlite.Store, *i18n.Bundle) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return st, bundle
}
