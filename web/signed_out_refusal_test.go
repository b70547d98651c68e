package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignedOutRefusalLinksToSignIn: the console's refusal to someone
// signed out (a sign-in form that expired, a form posted after the session
// ended) links to the sign-in page in the browser's language, so that the
// page is no dead end; a visitor's error page offers no such link.
func TestSignedOutRefusalLinksToSignIn(t *testing.T) {
	srv := newConsole(t, newApp(t, 0)).srv
	fetch := func(method, path, lang string) (int, string) {
		t.Helper()
		var form url.Values
		if method == http.MethodPost {
			form = url.Values{"email": {"dpo@shop.example"}, "password": {"x"}}
		}
		return sendAs(t, method, srv.URL+path, lang, form, nil)
	}
	for lang, words := range map[string]string{"en": "To the sign-in page", "de": "Zur Anmeldeseite", "ar": "الانتقال إلى صفحة تسجيل الدخول"} {
		for _, path := range []string{"/admin/login", "/admin/logout"} {
			status, page := fetch(http.MethodPost, path, lang)
			if link := `<a href="/admin/login" data-testid="sign-in">` + words + `</a>`; status != http.StatusForbidden || !strings.Contains(page, link) {
				t.Errorf("%s, POST %s signed out: %d without %s:\n%s", lang, path, status, link, page)
			}
		}
	}
	if status, page := fetch(http.MethodGet, "/nosuch", "en"); status != http.StatusNotFound || strings.Contains(page, `data-testid="sign-in"`) {
		t.Errorf("a visitor's 404: %d, a link to the console's sign-in:\n%s", status, page)
	}
}
