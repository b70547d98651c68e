package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestSiteEditorNamesTheLanguageWithoutNestedParentheses: the site editor
// names the language a link, a category's name or the "what changed" text
// is for in one pair of parentheses ('Privacy policy link (English, en)'),
// on its forms and in the list of changes to publish; it nested them
// ('Privacy policy link (English (en))').
func TestSiteEditorNamesTheLanguageWithoutNestedParentheses(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	c.get("/admin/sites/demo?lang=de")
	form := url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "name": {"Statistik"}}
	if status, body, _ := c.post("/admin/sites/demo/categories/analytics", form); status != http.StatusSeeOther {
		t.Fatalf("renaming a category in German: %d %s", status, body)
	}
	_, page, _ := c.get("/admin/sites/demo?lang=de")
	nested := regexp.MustCompile(`\([^()<>]*\([^()<>]*\)\)`)
	if got := nested.FindAllString(page, -1); len(got) > 0 {
		t.Errorf("the site editor nests parentheses: %q", got)
	}
	for _, want := range []string{"(Deutsch, de)", "Statistik"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(page) {
			t.Errorf("the site editor does not say %q", want)
		}
	}
}
