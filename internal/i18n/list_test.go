package i18n_test

import (
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestAnd: an "and"-list reads as the language writes one, with two items
// and with more: CLDR's patterns, Thai's spaces, Arabic's و joined to the
// word, Japanese および, Spanish e before an i sound, Welsh ac before a vowel.
func TestAnd(t *testing.T) {
	for _, c := range []struct {
		lang  string
		items []string
		want  string
	}{
		{"en", nil, ""},
		{"en", []string{"A"}, "A"},
		{"en", []string{"A", "B"}, "A and B"},
		{"en", []string{"A", "B", "C"}, "A, B and C"},
		{"de", []string{"A", "B", "C"}, "A, B und C"},
		{"ar", []string{"أ", "ب", "ج"}, "أ وب وج"},
		{"fa", []string{"الف", "ب", "پ"}, "الف، ب و پ"},
		{"th", []string{"ก", "ข"}, "กและข"},
		{"th", []string{"ก", "ข", "ค"}, "ก ข และค"},
		{"ja", []string{"「A」", "「B」", "「C」"}, "「A」、「B」および「C」"},
		{"zh-Hans", []string{"甲", "乙", "丙"}, "甲、乙和丙"},
		{"es", []string{"«Publicidad»", "«Investigación»"}, "«Publicidad» e «Investigación»"},
		{"es", []string{"medir", "hielo"}, "medir y hielo"},
		{"cy", []string{"i gofio", "i fesur", "i ddangos"}, "i gofio, i fesur ac i ddangos"},
		{"cy", []string{"“Marchnata”", "“Dadansoddi”"}, "“Marchnata” a “Dadansoddi”"},
		{"xx", []string{"A", "B"}, "A and B"},
	} {
		if got := i18n.And(c.lang, c.items); got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.lang, c.items, got, c.want)
		}
	}
}

// TestEveryLanguageHasItsAnd: every visitor language joins an "and"-list by
// its own word, none by the English fallback but English.
func TestEveryLanguageHasItsAnd(t *testing.T) {
	for _, l := range i18n.Visitor[1:] {
		if got := i18n.And(l.Code, []string{"A", "B"}); got == "A and B" {
			t.Errorf("%s joins by English: %q", l.Code, got)
		}
	}
}
