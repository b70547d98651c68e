package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
)

// TestEmbedPageSaysAutoblock: the embed page tells the owner about
// data-autoblock and what it holds on a visitor's first page, not only the
// README.
func TestEmbedPageSaysAutoblock(t *testing.T) {
	a := newApp(t, 0)
	addUser(t, a, "owner@shop.example", auth.Admin)
	c := newConsole(t, a)
	c.login("owner@shop.example")
	c.post("/admin/sites", url.Values{"_csrf": {c.pageToken()}, "id": {"shop"}, "name": {"Shop"}, "origin": {"https://shop.example"}})
	_, page, _ := c.get("/admin/sites/shop/embed")
	m := regexp.MustCompile(`(?s)<p data-testid="embed-autoblock">(.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the embed page does not mention automatic blocking")
	}
	for _, want := range []string{"data-autoblock", "first page", "Google Analytics", "Google Maps", "second page", "mark the tag"} {
		if !strings.Contains(m[1], want) {
			t.Errorf("the autoblock note lacks %q: %s", want, m[1])
		}
	}
}
