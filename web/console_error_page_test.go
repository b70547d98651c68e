package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestConsoleErrorPageInTheConsole: a signed-in user's refused or unknown
// console page is shown inside the console (its navigation, in the user's
// language) with a sentence and a link back to the dashboard, the title
// said once; a signed-out visitor is still sent to sign-in.
func TestConsoleErrorPageInTheConsole(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	out := newConsole(t, a)
	for _, path := range []string{"/admin/sites", "/admin/nosuch"} {
		if status, _, h := out.get(path); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/admin/login?next=") {
			t.Errorf("signed out, %s: %d to %q, want sign-in", path, status, h.Get("Location"))
		}
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	check := func(lang, path string, want int, title, sentence, back string) {
		t.Helper()
		status, page, _ := c.get(path)
		if status != want {
			t.Errorf("%s %s: %d, want %d", lang, path, status, want)
		}
		for _, part := range []string{
			`<html lang="` + lang + `"`,
			`href="/admin/log"`, `href="/admin/dashboard"`, `data-testid="who"`, // the console's navigation
			`data-testid="back"`,
		} {
			if !strings.Contains(page, part) {
				t.Errorf("%s %s: the page lacks %s:\n%s", lang, path, part, page)
			}
		}
		if strings.Contains(page, `href="/admin/sites"`) {
			t.Errorf("%s %s: a viewer's navigation offers the sites", lang, path)
		}
		if got := strings.Count(page, title); got != 2 { // <title> and <h1>
			t.Errorf("%s %s: %q said %d times, want in the title and the heading once each:\n%s", lang, path, title, got, page)
		}
		if got := shownError(t, page); got != sentence {
			t.Errorf("%s %s: says %q, want %q", lang, path, got, sentence)
		}
		if !strings.Contains(page, `<a href="/admin/dashboard" data-testid="back">`+back+`</a>`) {
			t.Errorf("%s %s: no link back %q:\n%s", lang, path, back, page)
		}
		for _, leak := range []string{"Not Found", "Forbidden", "admin/*"} {
			if strings.Contains(page, leak) {
				t.Errorf("%s %s: the page shows %q", lang, path, leak)
			}
		}
	}
	check("en", "/admin/sites", 403, "This is not allowed.", "Only an admin may open or change this.", "Back to the dashboard")
	check("en", "/admin/nosuch", 404, "This page does not exist.", "The console has no page at this address.", "Back to the dashboard")
	c.speak("de")
	check("de", "/admin/sites", 403, "Dies ist nicht erlaubt.", "Nur ein Administrator darf das öffnen oder ändern.", "Zurück zur Übersicht")
	check("de", "/admin/nosuch", 404, "Diese Seite existiert nicht.", "Unter dieser Adresse hat die Konsole keine Seite.", "Zurück zur Übersicht")
}
