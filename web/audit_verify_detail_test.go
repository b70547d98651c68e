package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditVerifyIntactInWords: a verification from the console that found
// the ledger intact says so in the trail in the console's language
// ('Intakt', 'سليم'); it showed the word the server writes, 'intact'. The
// CSV keeps what was written.
func TestAuditVerifyIntactInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	if status, body, _ := c.post("/admin/integrity", url.Values{"_csrf": {c.pageToken()}, "full": {"1"}}); status != http.StatusOK && status != http.StatusSeeOther {
		t.Fatalf("verifying: %d %.300s", status, body)
	}
	detail := regexp.MustCompile(`data-testid="audit-detail"><bdi>([^<]*)<`)
	for _, tc := range []struct{ lang, want string }{{"en", "Intact"}, {"de", "Intakt"}, {"fr", "Intact"}, {"es", "Íntegro"}, {"ar", "سليم"}} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/audit?action=verify")
		if m := detail.FindStringSubmatch(page); m == nil || html.UnescapeString(m[1]) != tc.want {
			t.Errorf("%s: the trail says the verification found %q, want %q", tc.lang, m, tc.want)
		}
	}
	if _, body, _ := c.get("/admin/audit/export"); !strings.Contains(body, ",intact,") {
		t.Errorf("the CSV does not keep the detail as written:\n%s", body)
	}
}
