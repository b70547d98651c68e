package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/app"
	"github.com/consentry/consentry/internal/token"
	"github.com/google/uuid"
)

// TestContinuationNeedsItsToken: a decision is recorded under a visitor's
// consent ID only with the visitor's token for it. A consent ID someone
// read or made up, with no token, a forged or another site's token, or a
// token naming another ID, is refused (422, naming the field) from a server
// and records nothing, so verify still answers the visitor's own grants; from
// a page it begins a new consent. The visitor's own token continues, with the
// consent ID or without it, and a retry answers the first result.
func TestContinuationNeedsItsToken(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{key} })
	ctx := context.Background()
	shop, err := a.Store.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	shop.ID, shop.Name = "myshop", "My shop"
	if _, err := a.Store.Publish(ctx, shop, nil); err != nil {
		t.Fatal(err)
	}
	post := func(site, body string, h map[string]string) (int, consentResp, string) {
		t.Helper()
		rec := do(a, req{"POST", "/api/v1/sites/" + site + "/consents", body, h})
		var r consentResp
		if rec.Code == http.StatusCreated {
			r = decode[consentResp](t, rec)
		}
		return rec.Code, r, rec.Body.String()
	}
	_, visitor, _ := post("demo", `{"action":"custom","categories":{"analytics":true},"revision":1}`, nil)
	_, other, _ := post("myshop", `{"action":"accept_all","revision":1}`, nil)
	foreign, _ := token.NewCodec(bytes.Repeat([]byte("x"), 32))
	forged, _ := foreign.Encode(token.Claims{ConsentID: visitor.ConsentID, Site: "demo", Revision: 1,
		Granted: []string{"marketing", "necessary"}, Issued: time.Now().Unix(), Expires: time.Now().Add(time.Hour).Unix()})
	events := func() int {
		t.Helper()
		all, err := a.Store.EventsByConsent(ctx, uuid.MustParse(visitor.ConsentID))
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	verify := func() string {
		t.Helper()
		rec := do(a, req{"POST", "/api/v1/consents/verify", `{"token":"` + visitor.Token + `","site":"demo"}`, nil})
		v := decode[map[string]any](t, rec)
		return strings.Join(toStrings(v["granted"]), ",") + map[bool]string{true: " superseded"}[v["superseded"] == true]
	}
	const grab = `{"action":"custom","categories":{"marketing":true},"revision":1,`
	for _, tc := range []struct{ name, body, site, field string }{
		{"the visitor's consent ID, no token", grab + `"consent_id":"` + visitor.ConsentID + `"}`, "demo", "token"},
		{"a made-up consent ID", grab + `"consent_id":"01900000-0000-7000-8000-000000000001"}`, "demo", "token"},
		{"the visitor's ID on another site", `{"action":"accept_all","revision":1,"consent_id":"` + visitor.ConsentID + `"}`, "myshop", "token"},
		{"the visitor's token on another site", `{"action":"accept_all","revision":1,"token":"` + visitor.Token + `"}`, "myshop", "token"},
		{"another site's token", grab + `"consent_id":"` + visitor.ConsentID + `","token":"` + other.Token + `"}`, "demo", "token"},
		{"a forged token", grab + `"token":"` + forged + `"}`, "demo", "token"},
		{"a token of another consent", grab + `"consent_id":"` + other.ConsentID + `","token":"` + visitor.Token + `"}`, "demo", "consent_id"},
	} {
		code, _, body := post(tc.site, tc.body, nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"`+tc.field+`"`) || !strings.Contains(body, `"code":"unprocessable"`) {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, code, body, tc.field)
		}
		// From a page, the same request begins a new consent.
		code, r, body := post(tc.site, tc.body, map[string]string{"Origin": a.URL()})
		if code != http.StatusCreated || r.ConsentID == visitor.ConsentID || r.ConsentID == other.ConsentID {
			t.Errorf("%s, from a page: %d %s, want a new consent", tc.name, code, body)
		}
	}
	if n, g := events(), verify(); n != 1 || g != "analytics,necessary" {
		t.Fatalf("after the refusals the visitor has %d events and verify grants %q, want 1 and their own analytics,necessary", n, g)
	}

	// The visitor's own token continues, with the consent ID or alone, from
	// a server or a page; a retry answers the first result again.
	for i, body := range []string{
		`{"action":"reject_all","revision":1,"consent_id":"` + visitor.ConsentID + `","token":"` + visitor.Token + `","request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
		`{"action":"reject_all","revision":1,"consent_id":"` + visitor.ConsentID + `","token":"` + visitor.Token + `","request_id":"0192f0c4-5c1e-7a53-9b7e-3f0e2d1c4b5a"}`,
		`{"action":"withdraw","revision":1,"token":"` + strings.ReplaceAll(visitor.Token, "=", "%3D") + `"}`,
	} {
		h := map[string]string{"Origin": a.URL()}
		if i == 0 {
			h = nil
		}
		code, r, resp := post("demo", body, h)
		if code != http.StatusCreated || r.ConsentID != visitor.ConsentID {
			t.Errorf("continuation %d: %d %s, want 201 for consent %s", i, code, resp, visitor.ConsentID)
		}
	}
	if n, g := events(), verify(); n != 3 || g != " superseded" {
		t.Errorf("after a change of mind, its retry and a withdrawal: %d events, verify %q; want 3 and nothing granted, superseded", n, g)
	}
}

// TestNoJSContinuesWithItsCookie: the page without JavaScript continues the
// consent its own cookie proves, for its site only: a second decision there
// is the same visitor's, not a new consent; another site's cookie or a
// forged one begins a new consent.
func TestNoJSContinuesWithItsCookie(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	a := newApp(t, 0, func(o *app.Options) { o.TokenKeys = [][]byte{key} })
	form := func(action, cookie string) string {
		t.Helper()
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": a.URL()}
		if cookie != "" {
			h["Cookie"] = token.Name + "=" + cookie
		}
		rec := do(a, req{"POST", "/p/demo", "action=" + action + "&revision=1&lang=en", h})
		for _, ck := range rec.Result().Cookies() {
			if ck.Name == token.Name {
				return ck.Value
			}
		}
		t.Fatalf("%s: %d, no token cookie: %s", action, rec.Code, rec.Body)
		return ""
	}
	codec, _ := token.NewCodec(key)
	id := func(tok string) string {
		t.Helper()
		cl, err := codec.Decode(tok, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return cl.ConsentID
	}
	first := form("accept_all", "")
	if again := form("reject_all", first); id(again) != id(first) {
		t.Errorf("a second decision on the page without JavaScript began consent %s, want the cookie's %s", id(again), id(first))
	}
	foreign, _ := token.NewCodec(bytes.Repeat([]byte("x"), 32))
	forged, _ := foreign.Encode(token.Claims{ConsentID: id(first), Site: "demo", Revision: 1, Granted: []string{"necessary"},
		Issued: time.Now().Unix(), Expires: time.Now().Add(time.Hour).Unix()})
	elsewhere, _ := codec.Encode(token.Claims{ConsentID: id(first), Site: "blog", Revision: 1, Granted: []string{"necessary"},
		Issued: time.Now().Unix(), Expires: time.Now().Add(time.Hour).Unix()})
	for name, ck := range map[string]string{"forged": forged, "another site's": elsewhere} {
		if got := id(form("reject_all", ck)); got == id(first) {
			t.Errorf("with a %s cookie the page without JavaScript continued consent %s", name, got)
		}
	}
}
