package i18n_test

import (
	"maps"
	"regexp"
	"slices"
	"testing"
)

// straightApostrophe is a typewriter apostrophe within a word ("visitor's").
var straightApostrophe = regexp.MustCompile(`\pL'\pL`)

// TestEnglishApostrophesAreTypographic: the English texts, the visitor's
// and the console's, write an apostrophe as ’ ("this visitor’s records"),
// as most of them did; six console texts had the typewriter's ' beside
// others with ’ on the same pages ("Erase this visitor's personal data?"
// above "the request’s").
func TestEnglishApostrophesAreTypographic(t *testing.T) {
	for _, file := range []string{"active.en.toml", "admin.en.toml"} {
		m := load(t, file)
		for _, id := range slices.Sorted(maps.Keys(m)) {
			for form, text := range m[id] {
				if at := straightApostrophe.FindString(text); at != "" {
					t.Errorf("%s %s (%s): %q has a typewriter apostrophe (%q); write ’", file, id, form, text, at)
				}
			}
		}
	}
}
