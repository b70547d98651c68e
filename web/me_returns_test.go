package web_test

import (
	"net/http"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestLanguageAndTimeZoneReturnToThePage: saving the language and time zone
// in the form at the foot of a console page brings the user back to that
// page, its query kept (the site editor's texts language), also after a
// refused time zone; it led to the consent log from every page. A page
// shown for another refused POST has no address to go back to: its form
// returns to the consent log, as before.
func TestLanguageAndTimeZoneReturnToThePage(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "owner@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("owner@shop.example")
	for _, page := range []string{"/admin/sites/demo?lang=fr", "/admin/sites", "/admin/dashboard", "/admin/audit", "/admin/log"} {
		_, body, _ := c.get(page)
		action, form := formFields(t, body, "me")
		form.Set("lang", "de")
		form.Set("tz", "Europe/Berlin")
		status, _, h := c.post(action, form)
		if status != http.StatusSeeOther || h.Get("Location") != page {
			t.Errorf("saving the language on %s: %d to %q, want 303 to the page", page, status, h.Get("Location"))
		}
	}
	// A time zone refused: the page that says so keeps where to return.
	_, body, _ := c.get("/admin/sites")
	action, form := formFields(t, body, "me")
	form.Set("tz", "Mars/Olympus")
	if status, refused, _ := c.post(action, form); status != http.StatusBadRequest {
		t.Fatalf("a refused time zone: %d", status)
	} else {
		action, form = formFields(t, refused, "me")
	}
	form.Set("tz", "Europe/Berlin")
	if status, _, h := c.post(action, form); status != http.StatusSeeOther || h.Get("Location") != "/admin/sites" {
		t.Errorf("saved after a refusal: %d to %q, want /admin/sites", status, h.Get("Location"))
	}

	// Only a console page: another address in next is not followed.
	_, body, _ = c.get("/admin/sites")
	action, form = formFields(t, body, "me")
	for _, next := range []string{"https://evil.example/admin", "//evil.example/admin", "/demo"} {
		form.Set("next", next)
		if status, _, h := c.post(action, form); status != http.StatusSeeOther || h.Get("Location") != "/admin/log" {
			t.Errorf("next %q: %d to %q, want the consent log", next, status, h.Get("Location"))
		}
	}
}
