package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestIDInAddressRefusedInWords: an event's or a consent ID's address that
// names no ID is refused in the console's language ('„nope“ ist weder eine
// Einwilligungs-ID noch eine Ereignis-ID.'); it was the server's English
// ('"nope" is not an ID') in every language.
func TestIDInAddressRefusedInWords(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("dpo@shop.example")
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	for _, path := range []string{"/admin/events/nope", "/admin/consents/nope", "/admin/consents/nope/export"} {
		status, page, _ := c.get(path)
		if want := "„nope“ ist weder eine Einwilligungs-ID noch eine Ereignis-ID."; status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s: %d, want 400 saying %q", path, status, want)
		}
		if strings.Contains(page, "is not an ID") {
			t.Errorf("%s says the server's English", path)
		}
	}
}
