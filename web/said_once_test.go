package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestConfirmationsSaidOnce: "Revision N is now live" after Publish and
// "Password changed" after a password change are said once, on the page
// the redirect shows: reloaded, or its address opened again, that page
// says nothing, and the address carries no flag. ?published=N and
// ?changed=1 said them again on every reload, and to whoever the link was
// sent to, as ?saved=1 did before the draft's "saved" moved to a sealed
// cookie.
func TestConfirmationsSaidOnce(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	for _, kind := range []string{"", "material"} {
		if kind != "" {
			c.saveBasics("shop", "name", "Shop "+kind)
		}
		code, body, h := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {kind}})
		if code != http.StatusSeeOther {
			t.Fatalf("publishing: %d %.300s", code, body)
		}
		loc := h.Get("Location")
		if strings.Contains(loc, "?") {
			t.Errorf("publishing (%q) leads to %s, want no flag in the address", kind, loc)
		}
		if _, page, _ := c.get(loc); !strings.Contains(page, `data-testid="published"`) {
			t.Errorf("publishing (%q): the page it leads to says nothing", kind)
		}
		if _, page, _ := c.get(loc); strings.Contains(page, `data-testid="published"`) {
			t.Errorf("publishing (%q): reloaded, the page says the revision is live again", kind)
		}
	}
	if _, page, _ := c.get("/admin/sites/shop?published=2"); strings.Contains(page, `data-testid="published"`) {
		t.Error("/admin/sites/shop?published=2 says a revision was published")
	}

	_, u := signedIn(t, "dpo@shop.example", auth.Admin)
	code, body, h := u.post("/admin/account/password", url.Values{"_csrf": {u.pageToken()}, "current": {password}, "password": {"a new and longer passphrase"}})
	if code != http.StatusSeeOther {
		t.Fatalf("password change: %d %.300s", code, body)
	}
	loc := h.Get("Location")
	if loc != "/admin/account" {
		t.Errorf("a password change leads to %s, want /admin/account", loc)
	}
	if _, page, _ := u.get(loc); !strings.Contains(page, `data-testid="changed"`) {
		t.Error("after a password change, the account page says nothing")
	}
	if _, page, _ := u.get(loc); strings.Contains(page, `data-testid="changed"`) {
		t.Error("reloaded, the account page says the password was changed again")
	}
	if _, page, _ := u.get("/admin/account?changed=1"); strings.Contains(page, `data-testid="changed"`) {
		t.Error("/admin/account?changed=1 says the password was changed")
	}
}
