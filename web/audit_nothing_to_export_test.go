package web_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestAuditNothingToExport: an audit-trail filter that matches nothing
// says there is nothing to export, in the console's language, with no
// download and no empty table; the unfiltered trail offers its CSV. It
// offered "Export this view: CSV" over a table of headings alone.
func TestAuditNothingToExport(t *testing.T) {
	_, c := signedIn(t, "dpo@demo.example", auth.Admin)
	for _, lang := range []struct{ code, nothing string }{{"en", "No entries match these filters. There is nothing to export."}, {"ar", "لا يوجد ما يمكن تصديره."}} {
		c.speak(lang.code)
		_, page, _ := c.get("/admin/audit?actor=nobody-at-all")
		if !strings.Contains(page, lang.nothing) || strings.Contains(page, `data-testid="audit-export-csv"`) || strings.Contains(page, `data-testid="audit"`) {
			_, main, _ := strings.Cut(page, "<main")
			t.Errorf("%s: with nothing matching, the audit trail says %.1500s", lang.code, main)
		}
		_, page, _ = c.get("/admin/audit")
		if strings.Contains(page, lang.nothing) || !strings.Contains(page, `data-testid="audit-export-csv"`) {
			t.Errorf("%s: the whole trail offers no export, or says there is nothing", lang.code)
		}
	}
}
