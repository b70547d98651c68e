package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestBasicsRefusalsNameTheFormsLabel: what the site editor's Basics form
// refuses is said after the field's label as that form shows it ('Remember
// a choice for (days): …', 'Privacy policy link (English, en): must be an
// http(s) URL'), not after the publish page's names of the site's parts
// ('Choice remembered for', 'Country rule', 'Consent Mode', 'Link: en: …').
func TestBasicsRefusalsNameTheFormsLabel(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	for _, lang := range []string{"en", "de", "fr", "es", "ar"} {
		c.speak(lang)
		for _, tc := range []struct{ input, id, value string }{
			{"origins", "b-origins", "ftp://shop.example"},
			{"lifetime_days", "b-lifetime", "0"},
			{"retention_days", "b-retention", "x"},
			{"rules", "b-rules", "USA opt-out"},
			{"consent_mode", "b-cm", "analytics analytics_storage"},
			{"privacy_link", "b-privacy", "shop.example/privacy"},
			{"legal_link", "b-legal", "shop.example/legal"},
		} {
			status, refused := c.postBasics(t, tc.input, tc.value)
			if status != http.StatusBadRequest {
				t.Fatalf("%s %s=%q: %d, want 400", lang, tc.input, tc.value, status)
			}
			m := regexp.MustCompile(`<label for="` + tc.id + `">([^<]*)</label>`).FindStringSubmatch(refused)
			if m == nil {
				t.Fatalf("%s: no label for %s", lang, tc.id)
			}
			label, said := html.UnescapeString(m[1]), shownError(t, refused)
			rest, ok := strings.CutPrefix(said, label)
			if !ok || !strings.HasPrefix(strings.TrimLeft(rest, " \u00a0\u202f"), ":") {
				t.Errorf("%s %s=%q: %q, want it after the form's label %q", lang, tc.input, tc.value, said, label)
			}
		}
	}
}

// TestBasicsMarksTheFieldAtFault: the Basics form marks the field its
// refusal is about, aria-invalid and described by the refusal
// (form-error), and no other field.
func TestBasicsMarksTheFieldAtFault(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	for _, tc := range []struct{ input, id, value string }{
		{"lifetime_days", "b-lifetime", "0"},
		{"rules", "b-rules", "USA opt-out"},
		{"consent_mode", "b-cm", "analytics analytics_storage"},
		{"privacy_link", "b-privacy", "shop.example/privacy"},
	} {
		_, refused := c.postBasics(t, tc.input, tc.value)
		if !strings.Contains(refused, `id="form-error"`) {
			t.Errorf("%s: the refusal has no id to be described by", tc.input)
		}
		marked := regexp.MustCompile(`id="([^"]+)"[^>]*aria-describedby="form-error" aria-invalid="true"`).FindAllStringSubmatch(refused, -1)
		if len(marked) != 1 || marked[0][1] != tc.id {
			t.Errorf("%s: marked %v, want %s alone", tc.input, marked, tc.id)
		}
	}
}

// postBasics posts the demo site's Basics form as the editor shows it with
// one field set to value, and returns the answer's status and page.
func (c *console) postBasics(t *testing.T, input, value string) (int, string) {
	t.Helper()
	_, page, _ := c.get("/admin/sites/demo")
	action, form := formFields(t, page, "basics")
	form.Set(input, value)
	form.Set("_csrf", c.pageToken())
	status, answer, _ := c.post(action, form)
	return status, answer
}
