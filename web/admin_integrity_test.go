package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestIntegrityShowsCLIVerification: a verification by consentry verify
// (a checkpoint and an audit entry, actor cli, as cmd/consentry writes
// them) shows on the integrity page as who verified last; a later one from
// the command line that found tampering shows as a finding and does not
// take the name of the last good verification.
func TestIntegrityShowsCLIVerification(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	batch := demoEvents(t, a, 3)
	ctx := context.Background()
	if err := a.Store.AppendBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Minute)
	if err := a.Store.SetVerified(ctx, batch[2].Seq, batch[2].Hash, at); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: at, Actor: "cli", Action: "verify", Target: "3", Detail: "intact: 3 events, 1 texts snapshots"}); err != nil {
		t.Fatal(err)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	_, page, _ := c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="verified-by">cli<`) || strings.Contains(page, `data-testid="cli-finding"`) {
		t.Error("the integrity page does not name the command line as the last to verify")
	}
	if err := a.Store.Audit(ctx, auth.AuditEntry{Time: at.Add(30 * time.Second), Actor: "cli", Action: "verify", Target: "1",
		Detail: "TAMPERED: event #2 changed"}); err != nil {
		t.Fatal(err)
	}
	_, page, _ = c.get("/admin/integrity")
	if !strings.Contains(page, `data-testid="cli-finding"`) || !strings.Contains(page, "TAMPERED: event #2 changed") ||
		!strings.Contains(page, `data-testid="verified-by">cli<`) {
		t.Error("a command-line finding newer than the checkpoint does not show")
	}
}
