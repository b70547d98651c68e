package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestConsentExportCSV: a visitor's export is offered as JSON and as CSV on
// their page; the CSV has the log export's columns and neutralises a cell a
// spreadsheet would run as a formula as the log's does; a format it does
// not write is refused in the console's language. ?format=csv gave JSON.
// The audit entry says which format was exported; it did not.
func TestConsentExportCSV(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	es := demoEvents(t, a, 1)
	es[0].Personal.UserAgent = "=HYPERLINK(\"https://evil.example\")"
	if err := a.Store.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	id := es[0].ConsentID.String()
	dpo := newConsole(t, a)
	dpo.login("dpo@shop.example")
	_, page, _ := dpo.get("/admin/consents/" + id)
	hrefs := map[string]string{}
	for _, m := range regexp.MustCompile(`href="([^"]+)" data-testid="(dsr-export(?:-csv)?)"`).FindAllStringSubmatch(page, -1) {
		hrefs[m[2]] = html.UnescapeString(m[1])
	}
	if hrefs["dsr-export"] == "" || hrefs["dsr-export-csv"] == "" {
		t.Fatalf("the page does not offer both exports: %v", hrefs)
	}
	if _, body, h := dpo.get(hrefs["dsr-export"]); !strings.HasPrefix(h.Get("Content-Type"), "application/json") || !strings.Contains(body, `"consent_id": "`+id+`"`) {
		t.Errorf("the JSON export: %s %.200s", h.Get("Content-Type"), body)
	}
	status, body, h := dpo.get(hrefs["dsr-export-csv"])
	_, log, _ := dpo.get("/admin/log/export?format=csv")
	header, _, _ := strings.Cut(log, "\n")
	if status != http.StatusOK || h.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasSuffix(h.Get("Content-Disposition"), `.csv"`) {
		t.Errorf("the CSV export: %d %v", status, h)
	}
	if !strings.HasPrefix(body, header+"\n") || !strings.Contains(body, id) || !strings.Contains(body, `"'=HYPERLINK(""https://evil.example"")"`) {
		t.Errorf("the CSV export is not the log's CSV (header %q, the user agent neutralised):\n%s", header, body)
	}
	// The audit entries say which format was handed over: the CSV's
	// detail as written, the trail in the reader's language.
	entries, err := a.Store.AuditLog(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var exports []string
	for _, e := range entries {
		if e.Action == "dsr_export" {
			exports = append(exports, e.Detail)
		}
	}
	if !slices.Equal(exports, []string{"as csv", "as json"}) {
		t.Errorf("the exports are audited as %q, want as csv, as json", exports)
	}
	tok := csrfField.FindStringSubmatch(page)[1]
	if status, _, _ := dpo.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {"de"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	_, trail, _ := dpo.get("/admin/audit?action=dsr_export")
	var said []string
	for _, m := range regexp.MustCompile(`(?s)data-testid="audit-detail">(.*?)</td>`).FindAllStringSubmatch(trail, -1) {
		said = append(said, asText(m[1]))
	}
	if !slices.Equal(said, []string{"Als CSV", "Als JSON"}) {
		t.Errorf("the German trail says %q, want Als CSV, Als JSON", said)
	}
	if status, body, _ := dpo.get("/admin/consents/" + id + "/export?format=xml"); status != http.StatusBadRequest || !strings.Contains(body, `„<bdi class="whole">xml</bdi>“ ist kein Exportformat`) {
		t.Errorf("a bad format: %d %.300s", status, body)
	}
}
