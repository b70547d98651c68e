package i18n_test

import (
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// Counts are grouped as the console's language groups digits (CLDR, through
// golang.org/x/text), always in Latin digits, as dates are.
func TestNum(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 8888257, "8,888,257"},
		{"en", 1550254, "1,550,254"},
		{"en", 999, "999"},
		{"en", 1000, "1,000"},
		{"en", 0, "0"},
		{"de", 8888257, "8.888.257"},
		{"de", 12345, "12.345"},
		// x/text's French data groups with U+00A0 NO-BREAK SPACE (newer
		// CLDR uses U+202F); either keeps the number on one line.
		{"fr", 8888257, "8\u00a0888\u00a0257"},
		{"fr", 1234, "1\u00a0234"},
		{"es", 8888257, "8.888.257"},
		// CLDR groups Spanish only from five digits; x/text groups from four.
		{"es", 8888, "8.888"},
		// Arabic: Latin digits, as the Arabic console's dates, grouped.
		{"ar", 8888257, "8,888,257"},
		{"ar", 12345, "12,345"},
		{"ar", 42, "42"},
	} {
		if got := b.For(tc.lang).Num(tc.n); got != tc.want {
			t.Errorf("%s: Num(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// A plural message shows its count grouped, while the plural form is still
// chosen from the number itself.
func TestPluralGrouped(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 decision"},
		{"en", 1234, "1,234 decisions"},
		{"en", 8888257, "8,888,257 decisions"},
		{"de", 1, "1 Entscheidung"},
		{"de", 8888257, "8.888.257 Entscheidungen"},
		// French and Spanish have a "many" form for whole millions.
		{"fr", 1000000, "1\u00a0000\u00a0000 de décisions"},
		{"fr", 1000001, "1\u00a0000\u00a0001 décisions"},
		{"es", 2000000, "2.000.000 de decisiones"},
		{"es", 12345, "12.345 decisiones"},
		// Arabic: 1,234 ends in 34 ("many"), 1,200 in 00 ("other"), 1,003 in 3 ("few").
		{"ar", 1234, "1,234 قرارًا"},
		{"ar", 1200, "1,200 قرار"},
		{"ar", 1003, "1,003 قرارات"},
		{"ar", 2, "قراران"},
	} {
		if got := b.For(tc.lang).N("a_n_decisions", tc.n); got != tc.want {
			t.Errorf("%s: N(a_n_decisions, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	got := b.For("de").ND("a_chart_desc", 12345, map[string]any{"From": "1. Nov. 2026", "To": "30. Nov. 2026"})
	if want := "12.345 Entscheidungen vom 1. Nov. 2026 bis 30. Nov. 2026."; got != want {
		t.Errorf("ND = %q, want %q", got, want)
	}
}

// Decimals use the language's decimal separator and grouping, in Latin
// digits: the site editor's contrast ratios.
func TestDec(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		f    float64
		want string
	}{
		{"en", 4.54, "4.5"}, {"en", 21, "21.0"}, {"en", 1234.56, "1,234.6"},
		{"de", 4.54, "4,5"}, {"de", 1234.56, "1.234,6"},
		{"fr", 4.54, "4,5"}, {"fr", 1234.56, "1\u00a0234,6"},
		{"es", 4.54, "4,5"},
		{"ar", 4.54, "4.5"}, {"ar", 1234.56, "1,234.6"},
	} {
		if got := b.For(tc.lang).Dec(tc.f, 1); got != tc.want {
			t.Errorf("%s: Dec(%v, 1) = %q, want %q", tc.lang, tc.f, got, tc.want)
		}
	}
}
