package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestConsentExportCSV: a visitor's export is offered as JSON and as CSV on
// their page; the CSV has the log export's columns and neutralises a cell a
// spreadsheet would run as a formula as the log's does; a format it does
// not write is refused in the console's language. ?format=csv gave JSON.
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
	tok := csrfField.FindStringSubmatch(page)[1]
	if status, _, _ := dpo.post("/admin/me", url.Values{"_csrf": {tok}, "lang": {"de"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	if status, body, _ := dpo.get("/admin/consents/" + id + "/export?format=xml"); status != http.StatusBadRequest || !strings.Contains(body, `„<bdi class="whole">xml</bdi>“ ist kein Exportformat`) {
		t.Errorf("a bad format: %d %.300s", status, body)
	}
}
