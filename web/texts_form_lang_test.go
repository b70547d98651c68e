package web_test

import (
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/auth"
	"golang.org/x/net/html"
)

// TestTextsFormLabelsInTheConsolesLanguage: editing a site's Arabic texts
// in the English console, each text area is marked Arabic and each label
// stays the console's English, so a screen reader reads both in their own
// voice; the whole form was marked lang="ar", its English labels with it.
func TestTextsFormLabelsInTheConsolesLanguage(t *testing.T) {
	_, c := signedIn(t, "dpo@shop.example", auth.Admin)
	_, page, _ := c.get("/admin/sites/demo?lang=ar")
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var areas, labels int
	for form := range doc.Descendants() {
		if form.Type != html.ElementNode || form.Data != "form" || attr(form, "data-testid") != "texts-form" {
			continue
		}
		for n := range form.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			lang := ""
			for p := n; p != nil; p = p.Parent {
				if v, ok := attrOK(p, "lang"); ok && p.Type == html.ElementNode {
					lang = v
					break
				}
			}
			switch n.Data {
			case "textarea":
				areas++
				if lang != "ar" {
					t.Errorf("text area %s is marked %q, want ar", attr(n, "id"), lang)
				}
			case "label":
				labels++
				if lang != "en" {
					t.Errorf("label %q is marked %q, want the console's en", strings.TrimSpace(textOf(n)), lang)
				}
			}
		}
	}
	if areas < 5 || labels < 5 {
		t.Fatalf("the texts form has %d text areas and %d labels", areas, labels)
	}
}
