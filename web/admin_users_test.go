package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestUsersRolesInWords: the users screen names each user's role, and the
// roles its forms offer, in the console's language ("Betrachter", not
// "viewer"), as does the signed-in user's name at the top; the forms still
// send the code.
func TestUsersRolesInWords(t *testing.T) {
	a, c := signedIn(t, "dpo@shop.example", auth.Admin)
	addUser(t, a, "clerk@shop.example", auth.Viewer)
	rows := regexp.MustCompile(`<td>([^<]*)</td><td data-testid="role">([^<]*)<`)
	options := regexp.MustCompile(`<option value="(admin|viewer)"(?: selected)?>([^<]*)</option>`)
	for _, tc := range []struct{ lang, admin, viewer string }{
		{"en", "Administrator", "Viewer"}, {"de", "Administrator", "Betrachter"}, {"fr", "Administrateur", "Lecteur"},
		{"es", "Administrador", "Lector"}, {"ar", "مسؤول", "مشاهد"},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/users")
		got := map[string]string{}
		for _, m := range rows.FindAllStringSubmatch(page, -1) {
			got[m[1]] = html.UnescapeString(m[2])
		}
		if got["dpo@shop.example"] != tc.admin || got["clerk@shop.example"] != tc.viewer {
			t.Errorf("%s: the role column says %q", tc.lang, got)
		}
		offered := map[string]string{}
		for _, m := range options.FindAllStringSubmatch(page, -1) {
			offered[m[1]] = html.UnescapeString(m[2])
		}
		if offered["admin"] != tc.admin || offered["viewer"] != tc.viewer {
			t.Errorf("%s: the role options say %q", tc.lang, offered)
		}
		if !strings.Contains(page, "dpo@shop.example ("+tc.admin+")") {
			t.Errorf("%s: the signed-in user's role is not in words at the top", tc.lang)
		}
		for _, code := range []string{">viewer<", ">admin<", "(admin)"} {
			if strings.Contains(page, code) {
				t.Errorf("%s: the users screen shows the code %s", tc.lang, code)
			}
		}
	}
}

// TestRefusedNewUserKeepsWhatWasTyped: a new user refused (an address that
// is none, a weak password, an address already a user's) comes back with
// the email and role as typed, and never the password.
func TestRefusedNewUserKeepsWhatWasTyped(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	strong := "correct horse battery staple"
	form := regexp.MustCompile(`(?s)<form[^>]*data-testid="add-user".*?</form>`)
	for _, tc := range []struct{ email, role, password string }{
		{"no-address", "admin", strong},
		{"new@shop.example", "admin", "short"},
		{"dpo@shop.example", "viewer", strong},
		{`"quoted"<b>@shop.example`, "admin", "short"},
	} {
		status, page, _ := c.post("/admin/users", url.Values{"_csrf": {c.pageToken()}, "email": {tc.email}, "role": {tc.role}, "password": {tc.password}})
		if status != 400 {
			t.Fatalf("%q: %d", tc.email, status)
		}
		f := form.FindString(page)
		if !strings.Contains(f, `id="nu-email" name="email" type="email" value="`+html.EscapeString(tc.email)+`"`) {
			t.Errorf("%q refused: the form lost the email:\n%s", tc.email, f)
		}
		if !strings.Contains(f, `<option value="`+tc.role+`" selected>`) {
			t.Errorf("%q refused: the form lost the role %s", tc.email, tc.role)
		}
		if strings.Contains(page, tc.password) {
			t.Errorf("%q refused: the page shows the password typed", tc.email)
		}
	}
}
