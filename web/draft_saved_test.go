package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestSaveDraftSaysSo: after each of the site editor's forms saves the
// draft (the basics, a category's name, a service, the catalog, the texts)
// the editor tells the owner in a status that a screen reader announces
// (role=status) that the draft is saved and is not live until published,
// in the console's language, as Publish says that a revision is live. It
// says so in the section the owner edited, which the redirect's fragment
// shows, once: the same page reloaded, or its address opened again, says
// nothing. A status at the page's top was out of sight after a save
// further down, and saved=1 in the address said it on every reload and to
// whoever the link was sent to.
func TestSaveDraftSaysSo(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	for _, tc := range []struct {
		lang, form, field, value, section, want string
	}{
		{"en", "basics", "name", "Shop 2", "basics", "Draft saved. Visitors see it once you publish it."},
		{"de", "rename-analytics", "name", "Statistik", "categories", "Entwurf gespeichert. Besucher sehen ihn, sobald Sie ihn veröffentlichen."},
		{"fr", "texts-form", "t_banner_title", "Vos cookies", "texts", "Brouillon enregistré. Les visiteurs le verront une fois publié."},
		{"es", "service-form", "name", "Estadísticas", "services", "Borrador guardado. Los visitantes lo verán cuando lo publique."},
		{"ar", "basics", "lifetime_days", "200", "basics", "حُفظت المسودة. يراها الزوار بعد نشرها."},
	} {
		c.speak(tc.lang)
		_, page, _ := c.get("/admin/sites/shop")
		if got, _ := savedNote(t, page); got != "" {
			t.Errorf("%s: the editor opened afresh says %q", tc.lang, got)
		}
		action, form := formFields(t, page, tc.form)
		form.Set(tc.field, tc.value)
		if tc.form == "service-form" {
			form.Set("provider", "Shop")
		}
		code, body, h := c.post(action, form)
		if code != http.StatusSeeOther {
			t.Fatalf("%s: saving %s: %d %.300s", tc.lang, tc.form, code, body)
		}
		loc, _ := url.Parse(h.Get("Location"))
		if loc.Fragment != tc.section || loc.Query().Has("saved") {
			t.Errorf("%s: saving %s leads to %s, want the section #%s and no flag in the address", tc.lang, tc.form, loc, tc.section)
		}
		_, page, _ = c.get(h.Get("Location"))
		got, at := savedNote(t, page)
		if got != tc.want || at != tc.section {
			t.Errorf("%s: after saving %s the editor says %q in #%s, want %q in #%s, in a role=status", tc.lang, tc.form, got, at, tc.want, tc.section)
		}
		_, page, _ = c.get(h.Get("Location"))
		if got, _ := savedNote(t, page); got != "" {
			t.Errorf("%s: reloaded after saving %s, the editor says %q again", tc.lang, tc.form, got)
		}
	}
	// From the catalog, back to the search, said there.
	_, _, h := c.post("/admin/sites/shop/catalog", url.Values{"_csrf": {tok}, "id": {"hotjar"}, "category": {"analytics"}, "q": {"hotjar"}, "lang": {"en"}})
	_, page, _ := c.get(h.Get("Location"))
	if got, at := savedNote(t, page); !strings.HasSuffix(h.Get("Location"), "#catalog") || at != "catalog" || got == "" {
		t.Errorf("adding Hotjar from the catalog leads to %s saying %q in #%s, want the catalog saying the draft is saved", h.Get("Location"), got, at)
	}
	// An old address with the flag it used to carry says nothing.
	if _, page, _ = c.get("/admin/sites/shop?lang=en&saved=1"); strings.Contains(page, `data-testid="saved"`) {
		t.Error("/admin/sites/shop?saved=1 says the draft was saved")
	}
}

// savedNote is what the site editor's "saved" status says, spaces
// collapsed, and the id of the section it is in: the heading it follows,
// or the element it is inside, whichever has an id first; "" for none.
func savedNote(t *testing.T, page string) (said, section string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var notes []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "data-testid") == "saved" {
			notes = append(notes, n)
		}
	}
	switch {
	case len(notes) == 0:
		return "", ""
	case len(notes) > 1:
		t.Errorf("the editor says the draft was saved %d times", len(notes))
	}
	n := notes[0]
	if attr(n, "role") != "status" {
		t.Errorf("the saved note is not a role=status: %q", attr(n, "role"))
	}
	said = strings.Join(strings.Fields(textOf(n)), " ")
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			if strings.HasPrefix(p.Data, "h") && attr(p, "id") != "" && p.Parent.Data == "section" {
				return said, attr(p, "id")
			}
			break
		}
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if id := attr(p, "id"); id != "" {
			return said, id
		}
	}
	return said, ""
}
