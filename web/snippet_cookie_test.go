package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSnippetWrittenCookieIsRead: the snippet writes the consentry cookie
// with encodeURIComponent, so the token's base64 padding reaches the server
// as "%3D". The page without JavaScript still shows the choice made in the
// banner, and a site's backend passing the cookie as it got it to verify
// gets the token judged valid, not forged.
func TestSnippetWrittenCookieIsRead(t *testing.T) {
	a := newApp(t, 0)
	resp := decode[consentResp](t, do(a, req{"POST", consents, `{"action":"custom","categories":{"analytics":true},"revision":1,"lang":"fr"}`, nil}))
	if !strings.Contains(resp.Token, "=") {
		t.Fatalf("the token %q has no padding to escape: the test proves nothing", resp.Token)
	}
	cookie := url.QueryEscape(resp.Token) // what encodeURIComponent makes of a base64url token
	body := do(a, req{"GET", "/p/demo?lang=fr", "", map[string]string{"Cookie": "consentry=" + cookie}}).Body.String()
	if !strings.Contains(body, `data-testid="current"`) {
		t.Error("the page without JavaScript does not show the choice the snippet's cookie holds")
	}
	if !regexp.MustCompile(`<input[^>]*value="analytics"[^>]*checked`).MatchString(body) {
		t.Error("the page without JavaScript does not start the analytics toggle from the snippet's cookie")
	}
	v := decode[map[string]any](t, do(a, req{"POST", "/api/v1/consents/verify", `{"token":"` + cookie + `","site":"demo"}`, nil}))
	if v["valid"] != true || v["consent_id"] != resp.ConsentID {
		t.Errorf("verify of the cookie as the snippet wrote it: %v", v)
	}
}
