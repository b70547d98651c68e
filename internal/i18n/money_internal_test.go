package i18n

import "testing"

// TestEveryLanguageWritesEuros: every visitor language has its own place
// for the euro sign, and the table names no language that is not one.
func TestEveryLanguageWritesEuros(t *testing.T) {
	known := map[string]bool{}
	for _, l := range Visitor {
		known[l.Code] = true
		if _, ok := euroPatterns[l.Code]; !ok {
			t.Errorf("%s: no pattern for a price in euros", l.Code)
		}
	}
	for code := range euroPatterns {
		if !known[code] {
			t.Errorf("%s has a pattern but is not a visitor language", code)
		}
	}
}
