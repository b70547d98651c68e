package web_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestLogNothingToExport: a log filter that matches nothing says there is
// nothing to export, in the console's language, and offers no download;
// one that matches offers both. The log offered "Export this view: CSV
// NDJSON" under "No decisions match these filters", an empty file.
func TestLogNothingToExport(t *testing.T) {
	a, c := signedIn(t, "dpo@demo.example", auth.Viewer)
	if rec := do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"en"}`, nil}); rec.Code != 201 {
		t.Fatalf("a decision: %d %s", rec.Code, rec.Body)
	}
	for _, lang := range []struct{ code, nothing string }{{"en", "No decisions match these filters. There is nothing to export."}, {"ar", "لا يوجد ما يمكن تصديره."}} {
		c.speak(lang.code)
		_, page, _ := c.get("/admin/log?action=withdraw")
		if !strings.Contains(page, lang.nothing) || strings.Contains(page, `data-testid="export-csv"`) || strings.Contains(page, `data-testid="export-ndjson"`) {
			_, main, _ := strings.Cut(page, "<main")
			t.Errorf("%s: with nothing matching, the log says %.1500s", lang.code, main)
		}
		_, page, _ = c.get("/admin/log?action=accept_all")
		if strings.Contains(page, lang.nothing) || !strings.Contains(page, `data-testid="export-csv"`) || !strings.Contains(page, `data-testid="export-ndjson"`) {
			t.Errorf("%s: with a decision matching, the log offers no export or says there is nothing", lang.code)
		}
	}
}
