package i18n

import "strings"

// euroPatterns is where each visitor language writes the euro sign beside
// an amount (#) and with which space, as CLDR's standard currency format
// does for the euro: "€7.90" in English, "7,90 €" in French and German,
// "€ 7,90" in Dutch, "7,90 EUR" where the euro has no sign of its own in
// the language's CLDR data. golang.org/x/text formats numbers from CLDR but
// not currencies (it puts the sign first everywhere).
var euroPatterns = func() map[string]string {
	m := map[string]string{}
	for p, langs := range map[string]string{
		"€#":                   "en cy ga hi id ja ko ms mt th tr ur zh-Hans zh-Hant",
		"#\u00a0€":             "bg bs ca cs da de el es et eu fi fr gl hr it lt lv mk nb pl pt ru sk sl sq sr sr-Latn sv vi",
		"€\u00a0#":             "nl pt-BR sw",
		"#€":                   "bn",
		"#\u00a0EUR":           "hu is ro uk",
		"EUR\u00a0#":           "es-419",
		"\u200f#\u00a0€":       "ar",
		"\u200f#\u00a0\u200f€": "he",
		"\u200e€\u00a0#":       "fa",
	} {
		for _, l := range strings.Fields(langs) {
			m[l] = p
		}
	}
	return m
}()

// Euros is a price in euros for people to read, as the language writes
// one: the amount with two decimals, grouped and separated as Dec does,
// and the euro sign where the language puts it. Like Num, never for
// anything a machine reads.
func (l *Localizer) Euros(amount float64) string {
	p, ok := euroPatterns[l.Lang]
	if !ok {
		p = euroPatterns["en"]
	}
	return strings.Replace(p, "#", l.Dec(amount, 2), 1)
}
