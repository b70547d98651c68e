package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestEmptyValueSaidMissing: a refusal of a value left empty says that none
// was given, after the field's label, in the console's language ('Second
// revision: none given'); it quoted the nothing given ('„“ ist keine
// Versionsnummer'), without saying which field. Two revisions compared
// without a number for the second, a user added without an email, a
// request's answer without its day.
func TestEmptyValueSaidMissing(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	for _, tc := range []struct {
		lang, path string
		form       url.Values
		want       string
	}{
		{"en", "/admin/sites/demo/diff?a=1&b=", nil, "Second revision: none given"},
		{"de", "/admin/sites/demo/diff?a=&b=2", nil, "Erste Version: keine Angabe"},
		{"ar", "/admin/sites/demo/diff?a=1&b=", nil, "المراجعة الثانية: لم تُحدَّد قيمة"},
		{"fr", "/admin/users", url.Values{"email": {""}, "role": {"viewer"}, "password": {"a long enough password"}}, "Adresse e-mail\u202f: aucune valeur indiquée"},
		{"es", "/admin/users", url.Values{"email": {""}, "role": {"viewer"}, "password": {"a long enough password"}}, "Correo electrónico: ningún valor indicado"},
	} {
		c.speak(tc.lang)
		var status int
		var page string
		if tc.form == nil {
			status, page, _ = c.get(tc.path)
		} else {
			tc.form.Set("_csrf", c.pageToken())
			status, page, _ = c.post(tc.path, tc.form)
		}
		if status != http.StatusBadRequest {
			t.Errorf("%s %s: %d, want 400", tc.lang, tc.path, status)
		}
		if got := shownError(t, page); got != tc.want {
			t.Errorf("%s %s: the page says %q, want %q", tc.lang, tc.path, got, tc.want)
		}
	}
}
