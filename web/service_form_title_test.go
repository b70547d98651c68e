package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

var (
	serviceFormTitle  = regexp.MustCompile(`<h3 data-testid="service-form-title">([^<]*)</h3>`)
	serviceFormButton = regexp.MustCompile(`(?s)data-testid="service-form".*?<button type="submit">([^<]*)</button>`)
	serviceFormCancel = regexp.MustCompile(`<a href="([^"]*)" data-testid="service-edit-cancel">([^<]*)</a>`)
)

// TestServiceFormSaysWhatItDoes: the site editor's service form is titled
// by what it does — adding a service by hand, or editing a named one, with
// a way back that edits nothing — and a refused addition is still offered
// as an addition. The form had no title: an Edit link led to a form that did
// not say which service it held or how to leave it, and a refused addition's
// button read "Save service" as if it edited one.
func TestServiceFormSaysWhatItDoes(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	form := func(page string) (title, button string) {
		t.Helper()
		m, b := serviceFormTitle.FindStringSubmatch(page), serviceFormButton.FindStringSubmatch(page)
		if m == nil || b == nil {
			t.Fatalf("no service form title or button on the page")
		}
		return m[1], b[1]
	}
	_, page, _ := c.get("/admin/sites/demo?lang=en")
	if title, button := form(page); title != "Add a service by hand" || button != "Add service" || serviceFormCancel.MatchString(page) {
		t.Errorf("adding: %q, %q, cancel %v", title, button, serviceFormCancel.MatchString(page))
	}
	tok := csrfField.FindStringSubmatch(page)[1]

	_, page, _ = c.get("/admin/sites/demo?lang=de&edit=" + strconv.Itoa(0))
	title, button := form(page)
	cancel := serviceFormCancel.FindStringSubmatch(page)
	if title != "Edit the service Consentry" || button != "Save service" || cancel == nil ||
		cancel[1] != "/admin/sites/demo?lang=de#services" || cancel[2] != "Cancel" {
		t.Errorf("editing: %q, %q, cancel %q", title, button, cancel)
	}

	refused := url.Values{"_csrf": {tok}, "lang": {"en"}, "name": {"Chat"}, "provider": {"Chat Inc."}, "category": {"preferences"},
		"cookies": {"chat_id only"}}
	status, page, _ := c.post("/admin/sites/demo/services", refused)
	if status != http.StatusBadRequest {
		t.Fatalf("a bad cookie line: %d", status)
	}
	if title, button := form(page); title != "Add a service by hand" || button != "Add service" {
		t.Errorf("a refused addition: %q, %q", title, button)
	}
	if _, fields := formFields(t, page, "service-form"); fields.Has("index") || fields.Get("name") != "Chat" {
		t.Errorf("a refused addition's form: %v", fields)
	}

	c.speak("de")
	_, page, _ = c.get("/admin/sites/demo?edit=0")
	if title, _ := form(page); title != "Dienst Consentry bearbeiten" {
		t.Errorf("German: %q", title)
	}
}
