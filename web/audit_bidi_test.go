package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/words"
)

// TestAuditValuesIsolated: the audit trail puts each value it shows as
// written inside a translated sentence (an event ID, an email, a hash) in
// a <bdi> of its own, escaped, so that in Arabic an ID between parentheses
// keeps its own order and the parentheses their place; a number alone
// stays in the sentence ("#7"). The whole detail was one run of text.
func TestAuditValuesIsolated(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	const id = "01a2334c-6d5d-7d38-bc02-77bf69afc480"
	at := words.Say("a_break_at_event", map[string]words.Words{"Seq": words.WrittenInt(7), "ID": words.Written(id)})
	if err := a.Store.Audit(context.Background(), auth.AuditEntry{Time: time.Now().UTC(), Actor: "dpo@shop.example", Action: "verify", Target: "9",
		Detail: "ledger broken at event #7 (" + id + "): …", IP: "-", Words: []words.Words{
			words.Say("a_break", map[string]words.Words{"At": at, "Reason": words.Say("a_break_hash", nil)}),
			words.Say("a_audit_detail_purge_closed", map[string]words.Words{"By": words.Written("<b>x@shop.example</b>")}),
		}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, event string }{{"ar", "الحدث #7 ("}, {"en", "event #7 ("}} {
		_, page := auditDetails(t, c, tc.lang, "?action=verify")
		for _, want := range []string{
			tc.event + `<bdi class="whole">` + id + `</bdi>)`,
			`<bdi class="whole">&lt;b&gt;x@shop.example&lt;/b&gt;</bdi>`,
			`data-testid="audit-actor"><bdi class="whole">dpo@shop.example</bdi>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the trail lacks %q", tc.lang, want)
			}
		}
	}
}
