package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
)

// olderSnapshot is a texts snapshot as builds before the GPC note and the
// per-mode bodies were kept stored it: one body for every mode, no
// gpc_binding.
var olderSnapshot = consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 1, Lang: "en", Messages: map[string]string{
	"banner_title": "We value your privacy",
	"banner_body":  "We use cookies that this site needs to work. With your permission we would also like to use cookies to remember your preferences, measure how the site is used and show you relevant ads. You can accept all, reject all or choose, and change your mind at any time under “Cookie settings”.",
	"banner_gpc":   "Your browser’s Global Privacy Control signal was honoured: marketing cookies stay off unless you turn them on yourself.",
	"prefs_save":   "Save my choices",
}})

// TestVerifyOlderSnapshotsBesideNewOnes: snapshots stored before the GPC
// note was part of what was shown keep their bodies and hashes, and verify
// passes over a ledger whose events name older and newer snapshots alike;
// the newer ones hold the GPC note, each mode's body and a blocked embed's
// placeholder under the hash, so an edit of the note is found.
func TestVerifyOlderSnapshotsBesideNewOnes(t *testing.T) {
	ctx := context.Background()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	site := &consent.Site{ID: "shop", Name: "Shop", Revision: 2, Categories: []consent.Category{
		{Key: consent.Necessary, Required: true}, {Key: consent.Analytics}, {Key: consent.Marketing, GPC: true}}}
	newer := shown.Snapshot(b, site, "en")
	for _, k := range []string{"gpc_binding", "banner_body_opt_out", "banner_body_notice", "ph_blocked", "ph_cookies", "ph_once", "ph_allow"} {
		if !bytes.Contains(newer.Body, []byte(`"`+k+`"`)) {
			t.Fatalf("a snapshot published now has no %s: %s", k, newer.Body)
		}
	}

	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []consent.Snapshot{olderSnapshot, newer} {
		if _, err := st.AddSnapshot(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	w := ledger.NewWriter(st, 100, 3, nil)
	for i := range 4 {
		e := storetest.Event("shop", i)
		e.Lang, e.Revision, e.TextsHash = "en", 1, olderSnapshot.Hash
		if i >= 2 {
			e.Revision, e.TextsHash, e.Country, e.Rule, e.GPC = 2, newer.Hash, "US", "opt-out (US)", true
		}
		if err := w.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	st.Close()
	t.Cleanup(func() { findingsSayTheirError(t, path) })

	if out, err := runVerify(t, path); err != nil {
		t.Fatalf("older and newer snapshots side by side: %v\n%s", err, out)
	}
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	old, err := st.Snapshot(ctx, "shop", 1, "en")
	st.Close()
	if err != nil || old.Hash != olderSnapshot.Hash || !bytes.Equal(old.Body, olderSnapshot.Body) {
		t.Fatalf("the older snapshot was not kept as stored: %v", err)
	}

	forged := strings.Replace(string(newer.Body), "“Marketing”", "“Analytics”", 1)
	if forged == string(newer.Body) {
		t.Fatalf("the newer snapshot does not name Marketing in its GPC note: %s", newer.Body)
	}
	tamper(t, path, "UPDATE snapshots SET body = ? WHERE hash = ?", []byte(forged), newer.Hash[:])
	if out, err := runVerify(t, path); err == nil || !strings.Contains(out, "TAMPERED") {
		t.Errorf("an edited GPC note passed verify: %v\n%s", err, out)
	}
}
