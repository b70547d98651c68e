package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestPublishSaysTheRevisionIsLive: after Publish, the site editor tells
// the owner in a status that a screen reader announces (role=status) that
// the revision is live, and who is asked again: after the first
// publication, a material and an editorial revision, in English and in
// German. The page came back as before, the publish box merely empty, and
// said nothing. A link naming a revision that is not the live one says
// nothing either.
func TestPublishSaysTheRevisionIsLive(t *testing.T) {
	_, c, tok := ownerOfShop(t)
	status := regexp.MustCompile(`(?s)<p class="note" role="status" data-testid="published">(.*?)</p>`)
	said := func(page string) string {
		m := status.FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return strings.Join(strings.Fields(m[1]), " ")
	}
	rename := func(name string) {
		t.Helper()
		c.saveBasics("shop", "name", name)
	}
	for _, tc := range []struct{ lang, kind, want string }{
		{"en", "", "Revision 1 is now live."},
		{"en", "material", "Revision 2 is now live. Visitors who chose under an earlier revision are asked again."},
		{"de", "editorial", "Version 3 ist jetzt aktiv. Sie ist redaktionell: Niemand wird erneut gefragt."},
	} {
		c.speak(tc.lang)
		if tc.kind != "" {
			rename("Shop " + tc.kind)
		}
		code, body, h := c.post("/admin/sites/shop/publish", url.Values{"_csrf": {tok}, "kind": {tc.kind}})
		if code != http.StatusSeeOther {
			t.Fatalf("publishing: %d %.300s", code, body)
		}
		_, page, _ := c.get(h.Get("Location"))
		if got := said(page); got != tc.want {
			t.Errorf("after publishing (%s, %q) the site editor says %q, want %q in a role=status", tc.lang, tc.kind, got, tc.want)
		}
	}
	if _, page, _ := c.get("/admin/sites/shop?published=2"); said(page) != "" {
		t.Errorf("a link naming revision 2, when 3 is live, says %q", said(page))
	}
}
