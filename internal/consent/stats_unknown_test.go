package consent_test

import (
	"reflect"
	"testing"

	"github.com/consentry/consentry/internal/consent"
)

// TestUnknownCountryComesLast: the dashboard's countries and languages are
// most first, and the unknown one ("", no country header; the dashboard's
// "Unknown") comes after them all whatever its count: it is not a country.
// It sorted by its count, first when most decisions came without one.
func TestUnknownCountryComesLast(t *testing.T) {
	var counts []consent.Count
	for _, c := range []struct {
		dim, key string
		n        int64
	}{{"country", "", 9}, {"country", "DE", 5}, {"country", "FR", 7}, {"country", "AT", 5},
		{"lang", "", 3}, {"lang", "de", 2}, {"lang", "fr", 4}} {
		counts = append(counts, consent.Count{Site: "demo", Day: 20000, Dim: c.dim, Key: c.key, N: c.n})
	}
	s := consent.Summarize(counts, 20000, 20000)
	if want := []consent.KeyCount{{"FR", 7}, {"AT", 5}, {"DE", 5}, {"", 9}}; !reflect.DeepEqual(s.Countries, want) {
		t.Errorf("countries %v, want %v", s.Countries, want)
	}
	if want := []consent.KeyCount{{"fr", 4}, {"de", 2}, {"", 3}}; !reflect.DeepEqual(s.Langs, want) {
		t.Errorf("languages %v, want %v", s.Langs, want)
	}
}
