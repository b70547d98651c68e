package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/static"
)

// visitorCSS is the stylesheet every visitor gets: the first layer's and
// the preference center's.
func visitorCSS(t *testing.T) string {
	t.Helper()
	var css strings.Builder
	for _, f := range []string{"consentry.css", "prefs.css"} {
		b, err := static.FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		css.Write(b)
	}
	return css.String()
}

// TestStylesheetFallsBackToTheDefaults: the banner answer leaves out the
// colours a site kept (Appearance.OwnCSSVars), so each var() of the visitor
// stylesheet must fall back to DefaultAppearance's colour for it.
func TestStylesheetFallsBackToTheDefaults(t *testing.T) {
	d := consent.DefaultAppearance
	want := map[string]string{"--cy-bg": d.Background, "--cy-fg": d.Text, "--cy-accent": d.Accent, "--cy-accent-fg": d.AccentText}
	uses := regexp.MustCompile(`var\((--cy-[a-z-]+)\s*(?:,\s*([^)]*))?\)`).FindAllStringSubmatch(visitorCSS(t), -1)
	if len(uses) == 0 {
		t.Fatal("the visitor stylesheet uses no colour variable")
	}
	for _, u := range uses {
		if w, ok := want[u[1]]; !ok || !strings.EqualFold(longHex(strings.TrimSpace(u[2])), w) {
			t.Errorf("%s falls back to %q, want the default %q", u[0], u[2], w)
		}
	}
}

// longHex writes #abc as #aabbcc.
func longHex(c string) string {
	if len(c) != 4 || c[0] != '#' {
		return c
	}
	return "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
}

// TestVisitorCSSDoesNotMove: nothing in the banner, the placeholder or the
// preference center moves (no transition, no animation), so a visitor who
// asks their system for reduced motion (WCAG 2.3.3) gets none without a
// prefers-reduced-motion rule; one added must come inside such a rule.
func TestVisitorCSSDoesNotMove(t *testing.T) {
	css := visitorCSS(t)
	if m := regexp.MustCompile(`(?:transition|animation)[a-z-]*\s*:[^;}]*`).FindAllString(css, -1); len(m) > 0 {
		t.Errorf("the visitor stylesheet moves (%q): stop it under @media (prefers-reduced-motion: reduce), and drop this test's assumption", m)
	}
}
