package main

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store/sqlite"
	"github.com/consentry/consentry/templates"
)

// trace reads what a verification left behind: the checkpoint and the
// newest audit entry.
func trace(t *testing.T, path string) (int64, time.Time, auth.AuditEntry) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seq, _, at, err := st.Verified(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditLog(context.Background(), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	var e auth.AuditEntry
	if len(entries) == 1 {
		e = entries[0]
	}
	return seq, at, e
}

// TestVerifyLeavesATrace: consentry verify that walks to the head and
// passes records the checkpoint (so the integrity page shows when) and an
// audit entry, actor cli (so it shows by whom); one that finds tampering
// is audited with what it found and moves no checkpoint.
func TestVerifyLeavesATrace(t *testing.T) {
	path, events := ledgerOf(t, 10)
	before := time.Now().UTC()
	if out, err := runVerify(t, path); err != nil {
		t.Fatalf("verify: %v %s", err, out)
	}
	seq, at, e := trace(t, path)
	if seq != 10 || at.Before(before.Add(-time.Second)) {
		t.Errorf("checkpoint #%d at %s, want #10 now", seq, at)
	}
	if e.Actor != "cli" || e.Action != "verify" || e.Target != "10" || e.Detail != "intact: 10 events, 2 texts snapshots" {
		t.Errorf("audit entry %+v", e)
	}
	// The trail says it in the console's language, from its words.
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "Intact: 10 events, 2 texts snapshots", "de": "Intakt: 10 Ereignisse, 2 Text-Schnappschüsse"} {
		if got := templates.AuditDetailWords(b.For(lang), e); got != want {
			t.Errorf("%s: the trail says %q, want %q", lang, got, want)
		}
	}

	// --record=false (as backup verifies its copy) leaves nothing behind.
	var out strings.Builder
	if err := run(context.Background(), []string{"verify", "--record=false", "--db", "sqlite:" + path}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if _, at2, e2 := trace(t, path); !at2.Equal(at) || !reflect.DeepEqual(e2, e) {
		t.Errorf("verify --record=false recorded: checkpoint at %s, newest entry %+v", at2, e2)
	}

	// Tampering: audited as found, the checkpoint stays.
	tamper(t, path, rechoose(7, "action", "'accept_all'"))
	if _, err := runVerify(t, path); err == nil {
		t.Fatal("verify passed a tampered ledger")
	}
	seq2, at2, e := trace(t, path)
	if seq2 != 10 || !at2.Equal(at) {
		t.Errorf("a failed verification moved the checkpoint to #%d at %s", seq2, at2)
	}
	if e.Actor != "cli" || e.Action != "verify" || e.Target != "6" || !strings.HasPrefix(e.Detail, "TAMPERED: ") || !strings.Contains(e.Detail, events[6].ID.String()) {
		t.Errorf("the finding is audited as %+v", e)
	}
	// The trail says where and why in the console's language.
	if got, want := templates.AuditDetailWords(b.For("de"), e), "Manipuliert: Protokoll unterbrochen bei Ereignis #7 ("+events[6].ID.String()+"): sein Hash passt nicht"; !strings.HasPrefix(got, want) {
		t.Errorf("the trail says %q, want it to begin %q", got, want)
	}
}
