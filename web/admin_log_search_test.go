package web_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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
	c.speak("de")
	if _, page, _ := c.get("/admin/log?q=" + url.QueryEscape(forged)); shownError(t, page) !=
		"Die Signatur dieses Tokens lässt sich nicht prüfen: Diese Installation hat es nicht ausgestellt, oder es wurde verändert." {
		t.Errorf("German: %q", shownError(t, page))
	}
}

// TestOldTokenExpiredNotForged: a genuine token signed longer ago than the
// longest consent lifetime still opens its visitor's page from the log's
// search box, and a site's backend verifying it is told it expired, on the
// day it did, not that its signature does not verify, which it was told
// while the age limit of the token's codecs failed.
func TestOldTokenExpiredNotForged(t *testing.T) {
	signing := bytes.Repeat([]byte{7}, 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{signing} })
	addUser(t, a, "viewer@shop.example", auth.Viewer)
	rec := do(a, req{"POST", consents, `{"action":"accept_all","revision":1,"lang":"en","page":"` + a.URL() + `/demo"}`,
		map[string]string{"Origin": a.URL()}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("consent: %d %s", rec.Code, rec.Body)
	}
	id := decode[consentResp](t, rec).ConsentID
	signed := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	js, _ := json.Marshal(token.Claims{ConsentID: id, Site: "demo", Revision: 1, Granted: []string{"necessary"},
		Issued: signed.Unix(), Expires: signed.Add(183 * 24 * time.Hour).Unix()})
	b := strconv.FormatInt(signed.Unix(), 10) + "|" + base64.URLEncoding.EncodeToString(js)
	m := hmac.New(sha256.New, signing)
	m.Write([]byte(token.Name + "|" + b))
	old := base64.URLEncoding.EncodeToString(append([]byte(b+"|"), m.Sum(nil)...))

	v := decode[map[string]any](t, do(a, req{"POST", "/api/v1/consents/verify", `{"token":"` + old + `"}`, nil}))
	if v["valid"] != false || v["reason"] != "the token expired at 2025-07-12T12:00:00Z" {
		t.Errorf("verify: %v", v)
	}
	c := newConsole(t, a)
	c.login("viewer@shop.example")
	if status, _, h := c.get("/admin/log?q=" + url.QueryEscape(old)); status != http.StatusSeeOther || h.Get("Location") != "/admin/consents/"+id {
		t.Errorf("searching it: %d %q", status, h.Get("Location"))
	}
}

// TestLogSearchKeepsWhatWasTyped: a search that finds nothing — not an ID
// or a token, an ID the log does not hold, a forged token — shows its error
// with what was typed still in the box, to correct; the box was emptied.
func TestLogSearchKeepsWhatWasTyped(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	foreign, _ := token.NewCodec(bytes.Repeat([]byte{8}, 32))
	forged, _ := foreign.Encode(token.Claims{ConsentID: "01900000-0000-7000-8000-000000000001", Site: "demo", Revision: 1,
		Expires: time.Now().Add(time.Hour).Unix()})
	for name, q := range map[string]string{
		"typo": "01900000-0000-7000-8000-00000000000", "unknown ID": "01900000-0000-7000-8000-000000000001",
		"forged token": forged, "words": "Jane <Doe> & co",
	} {
		status, page, _ := c.get("/admin/log?q=" + url.QueryEscape("  "+q+" "))
		if status == http.StatusSeeOther {
			t.Fatalf("%s: found", name)
		}
		shownError(t, page)
		if _, fields := formFields(t, page, "search"); fields.Get("q") != q {
			t.Errorf("%s: the box holds %q, want %q", name, fields.Get("q"), q)
		}
	}
}
