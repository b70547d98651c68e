package web_test

import (
	"strings"
	"testing"
)

// TestSplitStylesheet: a v=3 snippet's first answer names a stylesheet
// with the first layer's and the placeholder's rules and none of the
// preference center's, which its part=prefs answer names: a first visit
// waits for what the banner needs, not for the switches and tables. v=2
// builds keep the whole stylesheet, as do the pages (/c.css), which is the
// two parts in that order.
func TestSplitStylesheet(t *testing.T) {
	a := newApp(t, 0)
	get := func(path string) string {
		t.Helper()
		rec := do(a, req{"GET", path, "", nil})
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return rec.Body.String()
	}
	first := decode[bannerShape](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=3&lang=en", "", nil}))
	prefs := decode[bannerShape](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=3&lang=en&part=prefs", "", nil}))
	v2 := decode[bannerShape](t, do(a, req{"GET", "/api/v1/sites/demo/banner?v=2&lang=en&part=prefs", "", nil}))
	if v2.Stylesheet != "" {
		t.Errorf("a v=2 preference center names a stylesheet %q: its build links none", v2.Stylesheet)
	}
	if !strings.Contains(prefs.HTML, "cy-prefs") || prefs.Stylesheet == "" || first.Stylesheet == "" || first.Stylesheet == prefs.Stylesheet {
		t.Fatalf("v=3: first layer's stylesheet %q, preference center's %q", first.Stylesheet, prefs.Stylesheet)
	}
	one, two, whole := get(first.Stylesheet), get(prefs.Stylesheet), get("/c.css")
	for _, rule := range []string{".cy-banner{", ".cy-btn{", ".cy-ph{", ".cy-alt{"} {
		if !strings.Contains(one, rule) {
			t.Errorf("the first layer's stylesheet lacks %s", rule)
		}
	}
	for _, rule := range []string{".cy-prefs{", "input[role=switch]{", "table{", ".cy-close{", "main.cy{"} {
		if strings.Contains(one, rule) || !strings.Contains(two, rule) {
			t.Errorf("%s: in the first layer's stylesheet %v, in the preference center's %v; want only the latter",
				rule, strings.Contains(one, rule), strings.Contains(two, rule))
		}
	}
	if whole != one+two && whole != strings.TrimSuffix(one, "\n")+two {
		t.Errorf("/c.css (%d B) is not the first layer's stylesheet (%d B) and the preference center's (%d B)", len(whole), len(one), len(two))
	}
	if !strings.Contains(get(a.Server.StylesheetPath()), ".cy-prefs{") {
		t.Error("the whole stylesheet's immutable URL lacks the preference center")
	}
}
