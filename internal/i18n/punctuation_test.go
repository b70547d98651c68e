package i18n_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/consentry/consentry/internal/i18n"
)

// TestPunctuation: a label is joined to its value by a colon with a narrow
// no-break space before it in French ("Motif : …"), by a colon alone in
// the other languages; two sentences of one line by a semicolon with the
// same space before it in French, by the Arabic semicolon in Arabic.
func TestPunctuation(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, colon, semicolon string }{
		{"fr", "\u202f: ", "\u202f; "},
		{"en", ": ", "; "},
		{"de", ": ", "; "},
		{"es", ": ", "; "},
		{"ar", ": ", "؛ "},
	} {
		l := b.For(tc.lang)
		if got := l.Colon(); got != tc.colon {
			t.Errorf("%s colon: %q, want %q", tc.lang, got, tc.colon)
		}
		if got := l.Semicolon(); got != tc.semicolon {
			t.Errorf("%s semicolon: %q, want %q", tc.lang, got, tc.semicolon)
		}
	}
}

// frenchSpaceMissing lists, in one French text, each : ; ? ! and » that
// has no narrow no-break space (U+202F) before it and each « that has
// none after it: an ordinary space, which a line may break at, or none.
// A colon, semicolon or mark not followed by a space or a punctuation
// mark is not running text's (https://, 4,5:1, ?lang=) and is left alone.
func frenchSpaceMissing(text string) []string {
	r := []rune(text)
	var out []string
	for i, c := range r {
		var ok bool
		switch {
		case c == '«':
			ok = i+1 < len(r) && r[i+1] == '\u202f'
		case c == '»' || strings.ContainsRune(":;?!", c) && (i+1 == len(r) || !unicode.IsLetter(r[i+1]) && !unicode.IsDigit(r[i+1]) && r[i+1] != '/'):
			ok = i > 0 && r[i-1] == '\u202f'
		default:
			continue
		}
		if !ok {
			out = append(out, string(r[max(0, i-12):min(len(r), i+12)]))
		}
	}
	return out
}

func TestFrenchSpaceMissing(t *testing.T) {
	for text, want := range map[string]int{
		"Motif\u202f: oui\u202f; non\u202f? «\u202fA\u202f»\u202f!":      0,
		"https://shop.example, 4,5:1, /p/demo?lang=fr, (jours\u202f; 0)": 0,
		"Motif : oui":         1,
		"Motif: oui":          1,
		"Motif\u00a0: oui":    1,
		"oui ; non":           1,
		"Effacer ?":           1,
		"« A »":               2,
		"«A»":                 2,
		"Autorisés :":         1,
		"(jours ; 0), oui !)": 2,
	} {
		if got := frenchSpaceMissing(text); len(got) != want {
			t.Errorf("%q: %d found (%q), want %d", text, len(got), got, want)
		}
	}
}

// TestFrenchPunctuationHasItsSpace: every colon, semicolon, question and
// exclamation mark of the French texts, the visitor's and the console's,
// has a narrow no-break space before it, as Colon and Semicolon put
// between a label and its value, and every guillemet one inside it
// ("«\u202fParamètres des cookies\u202f»"), so that none starts or ends
// a line alone. The visitor's had an ordinary space or a no-break space of
// full width, the console's guillemets, semicolons and question marks an
// ordinary space. The example of a Consent Mode line is code, as typed.
func TestFrenchPunctuationHasItsSpace(t *testing.T) {
	code := map[string]string{"e_consent_mode_line": "analytics: analytics_storage"}
	for _, file := range []string{"active.fr.toml", "admin.fr.toml"} {
		m := load(t, file)
		for _, id := range slices.Sorted(maps.Keys(m)) {
			for form, text := range m[id] {
				if c, ok := code[id]; ok {
					text = strings.ReplaceAll(text, c, "")
				}
				for _, at := range frenchSpaceMissing(text) {
					t.Errorf("%s %s (%s): no narrow no-break space at %q", file, id, form, at)
				}
			}
		}
	}
}
