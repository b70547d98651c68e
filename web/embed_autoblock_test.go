package web_test

import (
	"html"
	"net/url"
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
	for _, want := range []string{"data-autoblock", "first page", "Google Analytics", "Google Maps", "second page", "mark the tag", "among the site’s services", "Load this once"} {
		if !strings.Contains(m[1], want) {
			t.Errorf("the autoblock note lacks %q: %s", want, m[1])
		}
	}
}

// TestEmbedNoScriptReturnIsEncoded: the embed page's <noscript> example
// links to the no-JavaScript page with the site's origin as its return
// address, encoded as a query value (return=https%3A%2F%2Fshop.example%2F);
// it was pasted in raw (return=https://shop.example/), which an owner's
// copy with a path or query of its own would break.
func TestEmbedNoScriptReturnIsEncoded(t *testing.T) {
	_, c, _ := ownerOfShop(t)
	_, page, _ := c.get("/admin/sites/shop/embed")
	m := regexp.MustCompile(`&lt;noscript&gt;&lt;a href=(?:&#34;|&quot;)(.*?)(?:&#34;|&quot;)&gt;`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the embed page has no <noscript> example: %.2000s", page)
	}
	href := html.UnescapeString(m[1])
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("the <noscript> example's link %q: %v", href, err)
	}
	if !u.IsAbs() || u.Path != "/p/shop" {
		t.Errorf("the <noscript> example links to %q, want this server's /p/shop", href)
	}
	if got := u.Query().Get("return"); got != "https://shop.example/" {
		t.Errorf("the <noscript> example's return address decodes to %q, want https://shop.example/", got)
	}
	if want := "return=" + url.QueryEscape("https://shop.example/"); u.RawQuery != want {
		t.Errorf("the <noscript> example's query is %q, want it encoded: %q", u.RawQuery, want)
	}
}
