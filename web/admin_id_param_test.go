package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/config"
)

// TestIDInAddressRefusedInWords: an event's or a consent ID's address that
// names no ID is refused in the console's language ('„nope“ ist weder eine
// Einwilligungs-ID noch eine Ereignis-ID.'); it was the server's English
// ('"nope" is not an ID') in every language.
func TestIDInAddressRefusedInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.speak("de")
	for _, path := range []string{"/admin/events/nope", "/admin/consents/nope", "/admin/consents/nope/export"} {
		status, page, _ := c.get(path)
		if want := "„nope“ ist weder eine Einwilligungs-ID noch eine Ereignis-ID."; status != http.StatusBadRequest || !strings.Contains(untagged(page), want) {
			t.Errorf("%s: %d, want 400 saying %q", path, status, want)
		}
		if strings.Contains(page, "is not an ID") {
			t.Errorf("%s says the server's English", path)
		}
	}
}

// TestConsoleRefusalsInWords: a form that expired (or came from elsewhere)
// and a signed head asked of a deployment without a signing key are
// refused in the console's language; they were the server's English ('the
// form expired or did not come from this console; …', 'this deployment has
// no signing key: …') in every language.
func TestConsoleRefusalsInWords(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	c.speak("de")
	status, page, _ := c.post("/admin/me", url.Values{"_csrf": {"stale"}, "lang": {"fr"}, "tz": {"UTC"}})
	if want := "Das Formular ist abgelaufen oder stammt nicht aus dieser Konsole: Laden Sie die Seite neu"; status != http.StatusForbidden || !strings.Contains(untagged(page), want) {
		t.Errorf("an expired form: %d, want 403 saying %q", status, want)
	}
	old := config.NewKeys()
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys, o.SessionKeys = old.Token, old.Session })
	addUser(t, a, "dpo@shop.example", auth.Admin)
	c = newConsole(t, a)
	c.login("dpo@shop.example")
	c.speak("de")
	status, page, _ = c.get("/admin/integrity/head")
	if want := "Diese Installation hat keinen Signaturschlüssel"; status != http.StatusUnprocessableEntity || !strings.Contains(untagged(page), want) {
		t.Errorf("a signed head without a key: %d, want 422 saying %q", status, want)
	}
}
