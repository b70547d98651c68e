package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/internal/store/storetest"
	"github.com/consentry/consentry/templates"
)

// ledgerOf writes n events through the real writer into a fresh SQLite file
// and returns its path and the events in ledger order.
func ledgerOf(t *testing.T, n int) (string, []*consent.Event) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// What publishing the site stored: the texts snapshot the events name,
	// and one of a revision nobody has decided on yet.
	for _, snap := range []consent.Snapshot{storetest.Snapshot("shop"), unshown} {
		if _, err := st.AddSnapshot(context.Background(), snap); err != nil {
			t.Fatal(err)
		}
	}
	w := ledger.NewWriter(st, 100, 3, nil)
	var events []*consent.Event
	for i := range n {
		e := storetest.Event("shop", i)
		if err := w.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	w.Close()
	st.Close()
	t.Cleanup(func() { findingsSayTheirError(t, path) })
	return path, events
}

// findingsSayTheirError checks, when a test is done with the database at
// path, that every verification that found the ledger broken and gave its
// finding words says in them, as the trail shows them in English, what its
// detail says.
func findingsSayTheirError(t *testing.T, path string) {
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Error(err)
		return
	}
	defer st.Close()
	entries, err := st.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		t.Error(err)
		return
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action != "verify" || e.Words == nil || !strings.HasPrefix(e.Detail, "TAMPERED: ") {
			continue
		}
		if got, want := templates.AuditDetailWords(b.For("en"), e), "Tampered: L"+strings.TrimPrefix(e.Detail, "TAMPERED: l"); got != want {
			t.Errorf("a finding's words say\n%q\nits detail\n%q", got, want)
		}
	}
}

func runVerify(t *testing.T, path string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"verify", "--db", "sqlite:" + path}, nil, &out, &out)
	return out.String(), err
}

// rechoose is storetest.Rechoose as one string of statements, which SQLite
// runs in one call.
func rechoose(seq int64, field, value string) string {
	return strings.Join(storetest.Rechoose(seq, field, value), ";\n")
}

func tamper(t *testing.T, path, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s changed %d rows", query, n)
	}
}

func TestVerifyIntact(t *testing.T) {
	path, _ := ledgerOf(t, 10)
	out, err := runVerify(t, path)
	if err != nil || !strings.Contains(out, "ledger intact: 10 events") {
		t.Fatalf("err %v, output %q", err, out)
	}
}

func TestVerifyNamesTamperedEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		seq   int64 // the event verify must name
	}{
		{"granted changed", rechoose(4, "granted", "'analytics,marketing,necessary'"), 4},
		{"action changed", rechoose(7, "action", "'accept_all'"), 7},
		{"ip changed", "UPDATE events SET ip = '198.51.100.0' WHERE seq = 2", 2},
		{"middle event deleted", "DELETE FROM events WHERE seq = 5", 6},
		{"newest event deleted", "DELETE FROM events WHERE seq = 10", 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, events := ledgerOf(t, 10)
			tamper(t, path, tc.query)
			out, err := runVerify(t, path)
			var b *ledger.Break
			if !errors.As(err, &b) || exitCode(err) != 1 {
				t.Fatalf("err %v (exit %d), output %q", err, exitCode(err), out)
			}
			if b.Seq != tc.seq || !strings.Contains(out, events[tc.seq-1].ID.String()) {
				t.Errorf("named #%d, want #%d (%s): %q", b.Seq, tc.seq, events[tc.seq-1].ID, out)
			}
		})
	}
}

// A rewrite that recomputes every hash after a change passes the chain
// check; a head recorded before it does not.
func TestVerifyRecordedHead(t *testing.T) {
	path, _ := ledgerOf(t, 6)
	out, err := runVerify(t, path)
	m := regexp.MustCompile(`head (\d+:[0-9a-f]{64})`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("no head printed: %v %q", err, out)
	}
	check := func() error {
		var b bytes.Buffer
		return run(context.Background(), []string{"verify", "--db", "sqlite:" + path, "--head", m[1]}, nil, &b, &b)
	}
	if err := check(); err != nil {
		t.Fatalf("intact ledger, recorded head: %v", err)
	}
	// Rewrite: change event 3 and re-seal it and every later event.
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	all := []*consent.Event{}
	st.Walk(context.Background(), 0, func(e *consent.Event) error { all = append(all, e); return nil })
	st.Close()
	all[2].Granted = []string{"analytics", "marketing", "necessary"}
	prev := all[1].Hash
	for _, e := range all[2:] {
		ledger.Seal(e, prev)
		prev = e.Hash
		if e == all[2] {
			tamper(t, path, rechoose(e.Seq, "granted", "'"+strings.Join(e.Granted, ",")+"'"))
		}
		tamper(t, path, "UPDATE events SET hash = ? WHERE seq = ?", e.Hash[:], e.Seq)
	}
	tamper(t, path, "UPDATE ledger_head SET hash = ?", prev[:])
	if _, err := runVerify(t, path); err != nil {
		t.Fatalf("the chain check itself cannot see a full rewrite, yet failed: %v", err)
	}
	var b *ledger.Break
	if err := check(); !errors.As(err, &b) || b.Seq != 6 {
		t.Errorf("a rewritten ledger passed the recorded head: %v", err)
	}
}

// unshown is a stored snapshot no event names yet: only an anchor covers it.
var unshown = consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 2, Lang: "de", Messages: map[string]string{"banner_title": "Cookies"}})

// A texts snapshot is evidence: an edited body fails verify, naming the
// snapshot; one replaced with its hash fails at the first event naming it.
func TestVerifyTexts(t *testing.T) {
	shown := storetest.Snapshot("shop")
	forged := []byte(strings.Replace(string(shown.Body), "Cookies sur shop", "Cookies sur rien", 1))
	sum := sha256.Sum256(forged)
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  string
	}{
		{"body edited", "UPDATE snapshots SET body = ? WHERE lang = 'fr'", []any{forged}, "texts snapshot " + hex.EncodeToString(shown.Hash[:]) + " (site shop, revision 1, fr)"},
		{"body and hash replaced", "UPDATE snapshots SET body = ?, hash = ? WHERE lang = 'fr'", []any{forged, sum[:]}, "event #1"},
		{"snapshot deleted", "DELETE FROM snapshots WHERE lang = 'fr'", nil, "event #1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, events := ledgerOf(t, 4)
			tamper(t, path, tc.query, tc.args...)
			out, err := runVerify(t, path)
			var b *ledger.Break
			if !errors.As(err, &b) || exitCode(err) != 1 || !strings.Contains(out, "TAMPERED") || !strings.Contains(out, tc.want) {
				t.Fatalf("err %v (exit %d), output %q; want it to name %s", err, exitCode(err), out, tc.want)
			}
			if tc.want == "event #1" && !strings.Contains(out, events[0].ID.String()) {
				t.Errorf("output %q does not name event %s", out, events[0].ID)
			}
		})
	}
}

// The anchor covers the texts snapshots too, those no event names yet
// included; a head recorded in the older SEQ:HASH form still checks events.
func TestVerifyRecordedHeadCoversTexts(t *testing.T) {
	path, _ := ledgerOf(t, 3)
	out, err := runVerify(t, path)
	m := regexp.MustCompile(`head (\d+:[0-9a-f]{64}):(\d+:[0-9a-f]{64})`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("no head with its texts printed: %v %q", err, out)
	}
	check := func(anchor string) error {
		var b bytes.Buffer
		return run(context.Background(), []string{"verify", "--db", "sqlite:" + path, "--head", anchor}, nil, &b, &b)
	}
	full := m[1] + ":" + m[2]
	for _, a := range []string{full, m[1]} {
		if err := check(a); err != nil {
			t.Fatalf("intact, --head %s: %v", a, err)
		}
	}
	// Rewrite the snapshot nobody has seen yet, consistently: hash and body.
	forged := consent.NewSnapshot(consent.Texts{Site: "shop", Revision: 2, Lang: "de", Messages: map[string]string{"banner_title": "Keine Cookies"}})
	tamper(t, path, "UPDATE snapshots SET body = ?, hash = ? WHERE hash = ?", forged.Body, forged.Hash[:], unshown.Hash[:])
	if _, err := runVerify(t, path); err != nil {
		t.Fatalf("nothing names the rewritten snapshot, yet verify failed: %v", err)
	}
	var b *ledger.Break
	if err := check(full); !errors.As(err, &b) || !strings.Contains(err.Error(), "texts") {
		t.Errorf("a rewritten snapshot passed the recorded head: %v", err)
	}
	if err := check(m[1]); err != nil {
		t.Errorf("the events' part of the head: %v", err)
	}
	if err := check(m[1] + ":9:" + strings.Repeat("0", 64)); err == nil {
		t.Error("a head naming more snapshots than stored passed")
	}
}
