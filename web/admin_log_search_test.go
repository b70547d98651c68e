package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/token"
)

// TestLogSearchTakesAToken: a token pasted into the log's search box — the
// visitor's consentry cookie value or the consentry_token a site's backend
// holds, alone, with its name or percent-encoded, expired or not — opens
// its visitor's page once its signature verifies with the deployment's
// keys; a forged or altered one says so, in the console's language. Only
// consent and event IDs were accepted.
func TestLogSearchTakesAToken(t *testing.T) {
	signing := bytes.Repeat([]byte{7}, 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{signing} })
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	rec := do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"en","page":"` + a.URL() + `/demo"}`,
		map[string]string{"Origin": a.URL()}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("consent: %d %s", rec.Code, rec.Body)
	}
	resp := decode[consentResp](t, rec)
	codec, _ := token.NewCodec(signing)
	expired, _ := codec.Encode(token.Claims{ConsentID: resp.ConsentID, Site: "demo", Revision: 1, Granted: []string{"necessary"},
		Issued: time.Now().Add(-400 * 24 * time.Hour).Unix(), Expires: time.Now().Add(-time.Hour).Unix()})
	foreign, _ := token.NewCodec(bytes.Repeat([]byte{8}, 32))
	forged, _ := foreign.Encode(token.Claims{ConsentID: resp.ConsentID, Site: "demo", Revision: 1, Expires: time.Now().Add(time.Hour).Unix()})
	altered := []byte(resp.Token)
	if altered[len(altered)/2] == 'A' {
		altered[len(altered)/2] = 'B'
	} else {
		altered[len(altered)/2] = 'A'
	}

	c := newConsole(t, a)
	c.login("viewer@shop.example")
	visitor := "/admin/consents/" + resp.ConsentID
	for name, q := range map[string]string{
		"token": resp.Token, "cookie": "consentry=" + resp.Token, "backend's": "consentry_token=" + url.QueryEscape(resp.Token),
		"padded by spaces": "  " + resp.Token + " ", "expired": expired,
	} {
		if status, _, h := c.get("/admin/log?q=" + url.QueryEscape(q)); status != http.StatusSeeOther || h.Get("Location") != visitor {
			t.Errorf("%s: %d %q, want 303 to %s", name, status, h.Get("Location"), visitor)
		}
	}
	for name, q := range map[string]string{"forged": forged, "altered": string(altered)} {
		status, page, _ := c.get("/admin/log?q=" + url.QueryEscape(q))
		if got := shownError(t, page); status != http.StatusBadRequest ||
			got != "This token’s signature does not verify: it is not one this deployment issued, or it was altered." {
			t.Errorf("%s: %d %q", name, status, got)
		}
	}
	if status, _, _ := c.post("/admin/me", url.Values{"_csrf": {c.pageToken()}, "lang": {"de"}, "tz": {"UTC"}}); status != http.StatusSeeOther {
		t.Fatalf("language: %d", status)
	}
	if _, page, _ := c.get("/admin/log?q=" + url.QueryEscape(forged)); shownError(t, page) !=
		"Die Signatur dieses Tokens lässt sich nicht prüfen: Diese Installation hat es nicht ausgestellt, oder es wurde verändert." {
		t.Errorf("German: %q", shownError(t, page))
	}
}
