package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

// TestValuesAsWrittenKeepTheirDirection: in the Arabic console, a value
// shown as written keeps its own direction in a <bdi>, as the audit trail's
// do: an origin a form refuses in the form's error, a site's old and new
// name in the site editor's list of changes, and the email that recorded a
// data-subject request with the time, joined by the Arabic comma. They were
// bare in the Arabic sentence, and the request's line joined them with a
// Latin comma.
func TestValuesAsWrittenKeepTheirDirection(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	c.speak("ar")
	want := func(what, page, pattern string) {
		t.Helper()
		if !regexp.MustCompile(pattern).MatchString(page) {
			t.Errorf("%s: no %s in %.3000s", what, pattern, page)
		}
	}

	code, page, _ := c.post("/admin/sites", url.Values{"_csrf": {tok}, "id": {"blog"}, "name": {"Blog"}, "origin": {"ftp://blog.example"}})
	if code != http.StatusBadRequest {
		t.Fatalf("a new site with an FTP origin: %d", code)
	}
	want("the form's error", page, `data-testid="error">[^<]*«<bdi class="whole">ftp://blog\.example</bdi>»`)

	if code, body, _ := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("publishing: %d %.300s", code, body)
	}
	c.saveBasics("shop", "name", "The Shop")
	_, page, _ = c.get("/admin/sites/shop")
	want("the list of changes", page, `<th scope="row">الاسم</th><td><del><bdi class="whole">Shop</bdi></del>\s*→\s*<ins><bdi class="whole">The Shop</bdi></ins>`)

	n := c.record(consent.RequestAccess, time.Now().UTC(), "DSR-9", "")
	_, page, _ = c.get("/admin/requests/" + n)
	want("the request's page", page, `data-testid="request-recorded"><bdi class="whole">owner@shop\.example</bdi>، <bdi`)
	if strings.Contains(page, "owner@shop.example, ") {
		t.Error("the request's page joins who recorded it and when by a Latin comma in Arabic")
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if code, body, _ := c.post("/admin/requests/"+n+"/answer", url.Values{"_csrf": {tok}, "answered": {today}, "outcome": {"sent"}}); code != http.StatusSeeOther {
		t.Fatalf("answering the request: %d %.300s", code, body)
	}
	_, page, _ = c.get("/admin/requests/" + n)
	want("the answered request's page", page, `data-testid="request-answer">`+today+` \(<bdi class="whole">owner@shop\.example</bdi>، <bdi[^)]*\)</dd>`)
}
