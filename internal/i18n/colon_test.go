package i18n_test

import (
	"regexp"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestColon: a label is joined to its value by a colon with a narrow
// no-break space before it in French ("Motif : …"), by a colon alone in
// the console's other languages.
func TestColon(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"fr": "\u202f: ", "en": ": ", "de": ": ", "es": ": ", "ar": ": "} {
		if got := b.For(lang).Colon(); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// frenchColon is a colon in running French text (followed by a space or
// ending it), not one in a URL, a time or a code ("seq:hash").
var frenchColon = regexp.MustCompile(`(.)(:)(\s|$)`)

// TestFrenchConsoleColonsHaveTheirSpace: every colon of the French console's
// texts has the narrow no-break space before it that Colon puts between a
// label and its value, so a message's own colons and the joined ones look
// alike and none starts a line; they had an ordinary space, which a line
// may break at. The example of a Consent Mode line is code, as typed.
func TestFrenchConsoleColonsHaveTheirSpace(t *testing.T) {
	code := map[string]string{"e_consent_mode_line": "analytics: analytics_storage"}
	for id, m := range load(t, "admin.fr.toml") {
		for form, text := range m {
			if c, ok := code[id]; ok {
				text = regexp.MustCompile(regexp.QuoteMeta(c)).ReplaceAllString(text, "")
			}
			for _, match := range frenchColon.FindAllStringSubmatch(text, -1) {
				if match[1] != "\u202f" {
					t.Errorf("%s (%s): %q has %q before a colon, want a narrow no-break space", id, form, text, match[1])
				}
			}
		}
	}
}
