package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestDemoProductsInTheVisitorsLanguage: the demo shop's products are named
// in the visitor's language ('Digitales Fieberthermometer', '电子体温计'),
// in every visitor language; they were English in all of them.
func TestDemoProductsInTheVisitorsLanguage(t *testing.T) {
	a := newApp(t, 0)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"demo_product_vitamin", "demo_product_sunscreen", "demo_product_thermometer"}
	english := []string{"sun cream", "Digital thermometer", "tablets"}
	for _, l := range i18n.Visitor {
		rec := do(a, req{"GET", "/demo?lang=" + l.Code, "", nil})
		if rec.Code != 200 {
			t.Fatalf("/demo?lang=%s: %d", l.Code, rec.Code)
		}
		page := html.UnescapeString(rec.Body.String())
		for _, k := range keys {
			if want := b.For(l.Code).T(k); want == k || !strings.Contains(page, want) {
				t.Errorf("%s: the demo shop does not name the product %s as %q", l.Code, k, want)
			}
		}
		if l.Code == "en" {
			continue
		}
		for _, w := range english {
			if strings.Contains(page, w) {
				t.Errorf("%s: the demo shop says %q in English", l.Code, w)
			}
		}
	}
}
