package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditFitsTheWindow: on a desktop-wide window, an audit entry with a
// long detail (a ledger head, 64 hex digits and more, as a purge, a verify
// or a signed head export writes one) wraps in its cell, so the table needs
// no sideways scrolling and its last column, the IP, shows.
func TestAuditFitsTheWindow(t *testing.T) {
	b := start(t)
	head := "40:" + strings.Repeat("46fef46ec05d0399e8bd1662eb04f5ad", 2) + ":55:" + strings.Repeat("171959aa746abf8fd18e114be836e76d", 2)
	if err := b.app.Store.Audit(b.ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "verify", Target: "40",
		Detail: "intact: 40 events, 55 texts snapshots; signed head " + head + " (exported by dpo@shop.example) unchanged", IP: "-"}); err != nil {
		t.Fatal(err)
	}
	b.signIn("/admin/audit")
	if w := eval[[]int](b, `((s) => [s.scrollWidth, s.clientWidth])(document.querySelector('[data-testid="audit"]').parentElement)`); w[0] > w[1] {
		t.Errorf("at 1280 px the audit trail scrolls sideways: %d px of table in %d", w[0], w[1])
	}
}
