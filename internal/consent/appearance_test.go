package consent_test

import (
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// TestOwnCSSVars: the banner answer carries only the colours a site changed
// from the defaults, in any case of hex digits; the stylesheet falls back to
// the rest (TestStylesheetFallsBackToTheDefaults in web).
func TestOwnCSSVars(t *testing.T) {
	for _, c := range []struct {
		a    consent.Appearance
		want string
	}{
		{consent.Appearance{}, ""},
		{consent.DefaultAppearance, ""},
		{consent.Appearance{Background: "#FFFFFF", Accent: "#1D4ED8"}, ""},
		{consent.Appearance{Accent: "#7c2d12"}, "--cy-accent:#7c2d12"},
		{consent.Appearance{Background: "#111111", Text: "#eeeeee", AccentText: "#000000"}, "--cy-bg:#111111;--cy-fg:#eeeeee;--cy-accent-fg:#000000"},
	} {
		if got := c.a.OwnCSSVars(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.a, got, c.want)
		}
	}
}
