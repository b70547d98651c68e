package i18n_test

import (
	"testing"

	"github.com/consentry/consentry/internal/i18n"
)

// TestEuros: a price is written as each language writes one, after CLDR
// (and as Intl.NumberFormat in Chromium formats the euro): the sign before
// or after the amount, with a no-break space or none, the language's
// decimal separator and grouping.
func TestEuros(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang   string
		amount float64
		want   string
	}{
		{"en", 7.9, "€7.90"},
		{"en", 1234.5, "€1,234.50"},
		{"fr", 7.9, "7,90\u00a0€"},
		{"de", 12.5, "12,50\u00a0€"},
		{"nl", 9.99, "€\u00a09,99"},
		{"pt-BR", 9.99, "€\u00a09,99"},
		{"pt", 9.99, "9,99\u00a0€"},
		{"hu", 9.99, "9,99\u00a0EUR"},
		{"es-419", 9.99, "EUR\u00a09.99"},
		{"tr", 7.9, "€7,90"},
		{"ja", 7.9, "€7.90"},
		{"ar", 7.9, "\u200f7.90\u00a0€"},
		{"he", 7.9, "\u200f7.90\u00a0\u200f€"},
		{"fa", 7.9, "\u200e€\u00a07.90"},
		{"bn", 7.9, "7.90€"},
	} {
		if got := b.For(tc.lang).Euros(tc.amount); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.amount, got, tc.want)
		}
	}
}
