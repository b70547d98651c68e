package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestRevisionsTableNamesTheConfigurationHash: the site editor's Revisions
// table heads its hash column for what it holds, the SHA-256 of the
// revision's frozen configuration, in the console's language; it was headed
// "This event's hash", the proof's words for a ledger event's own hash.
func TestRevisionsTableNamesTheConfigurationHash(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "owner@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("owner@shop.example")
	table := regexp.MustCompile(`(?s)<table data-testid="revisions">.*?</thead>`)
	for lang, want := range map[string]string{
		"en": "Configuration hash", "de": "Hash der Konfiguration", "fr": "Empreinte de la configuration",
		"es": "Hash de la configuración", "ar": "بصمة الإعدادات",
	} {
		c.speak(lang)
		_, page, _ := c.get("/admin/sites/demo")
		head := html.UnescapeString(table.FindString(page))
		if !strings.Contains(head, `<th scope="col">`+want+`</th>`) {
			t.Errorf("%s: the Revisions table's headings, without %q: %s", lang, want, head)
		}
		for _, event := range []string{"This event’s hash", "Hash dieses Ereignisses", "Empreinte de cet événement", "Hash de este evento", "بصمة هذا الحدث"} {
			if strings.Contains(head, event) {
				t.Errorf("%s: the Revisions table heads a column %q", lang, event)
			}
		}
	}
}
