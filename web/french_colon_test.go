package web_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/auth"
)

// TestFrenchConsoleColons: in French the console joins a label to its value
// with a narrow no-break space before the colon ("Événements dans le
// registre : 0", "Reçue le : …"), on its pages and in what its forms
// refuse, as a French message's own colons are written; it joined them as
// English does, "registre: 0". English keeps "Events in the ledger: 0".
func TestFrenchConsoleColons(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for lang, want := range map[string][]string{
		"fr": {"Événements dans le registre\u202f: 0<", "Révision en ligne\u202f: 1<", "Reçue le\u202f: "},
		"en": {"Events in the ledger: 0<", "Live revision: 1<", "Received on: "},
	} {
		if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {lang}, "tz": {"UTC"}}); status != http.StatusSeeOther {
			t.Fatalf("language %s: %d", lang, status)
		}
		_, integrity, _ := c.get("/admin/integrity")
		_, site, _ := c.get("/admin/sites/demo")
		tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		_, refused, _ := c.post("/admin/requests", url.Values{"_csrf": {c.pageToken()}, "kind": {"access"}, "received": {tomorrow}, "reference": {"letter"}})
		for i, page := range []string{integrity, site, shownError(t, refused)} {
			if !strings.Contains(html.UnescapeString(page), want[i]) {
				t.Errorf("%s: the page does not show %q", lang, want[i])
			}
		}
	}
}

// TestConsoleLabelsJoinedByColon: no console template joins a label to its
// value with a colon of its own, which French would get without its space;
// they all use the console language's Colon. (The visitor's pages, the
// banner, the no-JavaScript page and the receipt, are not the console's.)
func TestConsoleLabelsJoinedByColon(t *testing.T) {
	own := regexp.MustCompile(`\}:( |$)|": "`)
	files, err := filepath.Glob("../templates/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		if slices.Contains([]string{"banner.templ", "pages.templ", "receipt.templ"}, filepath.Base(f)) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if own.MatchString(line) {
				t.Errorf("%s:%d joins with its own colon: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
