package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestSaveDraftSaysSo: after each of the site editor's Save draft buttons
// (the basics, a category's name, the texts) the editor tells the owner in
// a status that a screen reader announces (role=status) that the draft is
// saved and is not live until published, in the console's language, as
// Publish says that a revision is live. It came back saying nothing, the
// same page as before the click. The editor opened afresh says nothing.
func TestSaveDraftSaysSo(t *testing.T) {
	_, c, _ := ownerOfShop(t)
	status := regexp.MustCompile(`(?s)<p class="note" role="status" data-testid="saved">(.*?)</p>`)
	said := func(page string) string {
		m := status.FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return strings.Join(strings.Fields(m[1]), " ")
	}
	for _, tc := range []struct{ lang, form, field, value, want string }{
		{"en", "basics", "name", "Shop 2", "Draft saved. Visitors see it once you publish it."},
		{"de", "rename-analytics", "name", "Statistik", "Entwurf gespeichert. Besucher sehen ihn, sobald Sie ihn veröffentlichen."},
		{"fr", "texts-form", "t_title", "Vos cookies", "Brouillon enregistré. Les visiteurs le verront une fois publié."},
		{"es", "basics", "retention_days", "400", "Borrador guardado. Los visitantes lo verán cuando lo publique."},
		{"ar", "basics", "lifetime_days", "200", "حُفظت المسودة. يراها الزوار بعد نشرها."},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/sites/shop")
		if got := said(page); got != "" {
			t.Errorf("%s: the editor opened afresh says %q", tc.lang, got)
		}
		action, form := formFields(t, page, tc.form)
		form.Set(tc.field, tc.value)
		code, body, h := c.post(action, form)
		if code != http.StatusSeeOther {
			t.Fatalf("%s: saving %s: %d %.300s", tc.lang, tc.form, code, body)
		}
		_, page, _ = c.get(h.Get("Location"))
		if got := said(page); got != tc.want {
			t.Errorf("%s: after Save draft in %s the editor says %q, want %q in a role=status", tc.lang, tc.form, got, tc.want)
		}
	}
}
