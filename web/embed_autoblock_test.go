package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestEmbedPageSaysAutoblock: the embed page tells the owner about
// data-autoblock and what it holds on a visitor's first page, not only the
// README.
func TestEmbedPageSaysAutoblock(t *testing.T) {
	_, c, _ := ownerOfShop(t)
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
