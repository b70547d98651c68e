package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestRenameListedFirst: renaming the demo site lists the Name first in
// the changes to publish, in English and Arabic; Consentry's own service,
// whose provider is the site's name, follows it. The provider's rows
// (the service's and its cookie's) came first, the rename that caused
// them last.
func TestRenameListedFirst(t *testing.T) {
	_, c := signedIn(t, "owner@demo.example", auth.Admin)
	c.saveBasics("demo", "name", "Green Pharmacy")
	row := regexp.MustCompile(`(?s)<tr><th scope="row">(.*?)</th>`)
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, lang := range []struct{ code, name string }{{"en", "Name"}, {"ar", "الاسم"}} {
		c.speak(lang.code)
		_, page, _ := c.get("/admin/sites/demo")
		i := strings.Index(page, `data-testid="changes"`)
		if i < 0 {
			t.Fatalf("%s: the editor lists no changes to publish", lang.code)
		}
		var whats []string
		for _, m := range row.FindAllStringSubmatch(page[i:], -1) {
			whats = append(whats, strings.TrimSpace(tag.ReplaceAllString(m[1], "")))
		}
		if len(whats) < 2 || !strings.HasPrefix(whats[0], lang.name) {
			t.Errorf("%s: the changes to publish are %q, want %s first", lang.code, whats, lang.name)
		}
	}
}
