package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"golang.org/x/net/html"
)

// TestNewSiteSaysEveryFault: the new-site form posted by hand with a bad
// ID, no name and a bad origin says all three faults at once, each after
// its field's label, and marks each field aria-invalid and described by
// its own fault (the ID after its help); it said the ID's alone and marked
// no field. One fault is said as before (form-error), and marks its field
// alone.
func TestNewSiteSaysEveryFault(t *testing.T) {
	_, c := signedIn(t, "owner@shop.example", auth.Admin)
	for _, tc := range []struct {
		lang, id, name, origin string
		want                   map[string]string // a field's id: the ids describing it
		said                   []string          // the faults, in order
	}{
		{"en", "Bad ID!", "", "https://shop.example/path", map[string]string{"ns-id": "ns-id-help form-error-1", "ns-name": "form-error-2", "ns-origin": "form-error-3"},
			[]string{"A site ID is 1 to 63 lower-case letters, digits or dashes.", "Name: required", "Allowed origin: “https://shop.example/path” is not an origin like https://shop.example"}},
		{"de", "demo", " ", "", map[string]string{"ns-id": "ns-id-help form-error-1", "ns-name": "form-error-2"},
			[]string{"Es gibt bereits eine Website „demo“.", "Name: erforderlich"}},
		{"en", "shop", "", "", map[string]string{"ns-name": "form-error"}, []string{"Name: required"}},
	} {
		c.speak(tc.lang)
		status, page, _ := c.post("/admin/sites", url.Values{"_csrf": {c.pageToken()}, "id": {tc.id}, "name": {tc.name}, "origin": {tc.origin}})
		if status != http.StatusBadRequest {
			t.Fatalf("%s %q %q: %d, want 400", tc.lang, tc.id, tc.name, status)
		}
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		texts := map[string]string{}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if id := attr(n, "id"); strings.HasPrefix(id, "form-error") {
				texts[id] = untagged(renderNode(t, n))
			}
			if n.Data == "input" && strings.HasPrefix(attr(n, "id"), "ns-") {
				if attr(n, "aria-invalid") == "true" {
					got[attr(n, "id")] = attr(n, "aria-describedby")
				} else if d := attr(n, "aria-describedby"); d != "" && d != "ns-id-help" {
					t.Errorf("%s: %s is not marked invalid but described by %q", tc.lang, attr(n, "id"), d)
				}
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s %q %q: marked %v, want %v", tc.lang, tc.id, tc.name, got, tc.want)
		}
		for field, described := range tc.want {
			if got[field] != described {
				t.Errorf("%s: %s is described by %q, want %q", tc.lang, field, got[field], described)
			}
			for _, id := range strings.Fields(described) {
				if id != "ns-id-help" && texts[id] == "" {
					t.Errorf("%s: %s is described by %s, which the page does not have", tc.lang, field, id)
				}
			}
		}
		for i, want := range tc.said {
			id := "form-error"
			if len(tc.said) > 1 {
				id = "form-error-" + string(rune('1'+i))
			}
			if texts[id] != want {
				t.Errorf("%s: %s says %q, want %q", tc.lang, id, texts[id], want)
			}
		}
		if n := len(regexp.MustCompile(`role="alert"`).FindAllString(page, -1)); n != 1 {
			t.Errorf("%s: %d alerts, want one", tc.lang, n)
		}
	}
}

// renderNode is n as HTML.
func renderNode(t *testing.T, n *html.Node) string {
	t.Helper()
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
