package i18n

import (
	"strings"
	"unicode"
)

// andList is how a language joins the items of an "and"-list, after CLDR's
// standard list patterns (listPatterns type="standard"): two between the
// items of a list of two, middle between all but the last two of a longer
// one, end before its last. golang.org/x/text carries no list patterns (only
// unicode/cldr's XML types, without the data), so they are written here,
// for every visitor and console language.
//
// Where CLDR's pattern would not read right in a banner these follow the
// language's texts instead: English writes no serial comma (as en-GB does),
// Japanese joins by および, where CLDR has only 、, Persian, Urdu, Hindi and
// Indonesian write no comma before their "and".
type andList struct{ two, middle, end string }

var andLists = map[string]andList{
	"en":      {" and ", ", ", " and "},
	"ar":      {" و", " و", " و"},
	"bg":      {" и ", ", ", " и "},
	"bn":      {" এবং ", ", ", " এবং "},
	"bs":      {" i ", ", ", " i "},
	"ca":      {" i ", ", ", " i "},
	"cs":      {" a ", ", ", " a "},
	"cy":      {" a ", ", ", " a "},
	"da":      {" og ", ", ", " og "},
	"de":      {" und ", ", ", " und "},
	"el":      {" και ", ", ", " και "},
	"es":      {" y ", ", ", " y "},
	"es-419":  {" y ", ", ", " y "},
	"et":      {" ja ", ", ", " ja "},
	"eu":      {" eta ", ", ", " eta "},
	"fa":      {" و ", "، ", " و "},
	"fi":      {" ja ", ", ", " ja "},
	"fr":      {" et ", ", ", " et "},
	"ga":      {" agus ", ", ", " agus "},
	"gl":      {" e ", ", ", " e "},
	"he":      {" ו", ", ", " ו"},
	"hi":      {" और ", ", ", " और "},
	"hr":      {" i ", ", ", " i "},
	"hu":      {" és ", ", ", " és "},
	"id":      {" dan ", ", ", " dan "},
	"is":      {" og ", ", ", " og "},
	"it":      {" e ", ", ", " e "},
	"ja":      {"および", "、", "および"},
	"ko":      {" 및 ", ", ", " 및 "},
	"lt":      {" ir ", ", ", " ir "},
	"lv":      {" un ", ", ", " un "},
	"mk":      {" и ", ", ", " и "},
	"ms":      {" dan ", ", ", " dan "},
	"mt":      {" u ", ", ", " u "},
	"nb":      {" og ", ", ", " og "},
	"nl":      {" en ", ", ", " en "},
	"pl":      {" i ", ", ", " i "},
	"pt":      {" e ", ", ", " e "},
	"pt-BR":   {" e ", ", ", " e "},
	"ro":      {" și ", ", ", " și "},
	"ru":      {" и ", ", ", " и "},
	"sk":      {" a ", ", ", " a "},
	"sl":      {" in ", ", ", " in "},
	"sq":      {" dhe ", ", ", " dhe "},
	"sr":      {" и ", ", ", " и "},
	"sr-Latn": {" i ", ", ", " i "},
	"sv":      {" och ", ", ", " och "},
	"sw":      {" na ", ", ", " na "},
	"th":      {"และ", " ", " และ"},
	"tr":      {" ve ", ", ", " ve "},
	"uk":      {" і ", ", ", " і "},
	"ur":      {" اور ", "، ", " اور "},
	"vi":      {" và ", ", ", " và "},
	"zh-Hans": {"和", "、", "和"},
	"zh-Hant": {"和", "、", "和"},
}

// And joins items as one list of the language joined by its "and": "A",
// "A and B", "A, B and C"; "A، B و C" in Persian, "A、BおよびC" in
// Japanese. The banner names the purposes of a site's categories by it, and
// the categories Global Privacy Control keeps off. Items are used as they
// are: quote names first (Quote).
func (l *Localizer) And(items []string) string { return And(l.Lang, items) }

// And is Localizer.And of lang.
func And(lang string, items []string) string {
	p, ok := andLists[lang]
	if !ok {
		p = andLists["en"]
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + sounded(lang, p.two, items[1]) + items[1]
	}
	n := len(items)
	var b strings.Builder
	b.WriteString(items[0])
	for _, it := range items[1 : n-1] {
		b.WriteString(p.middle)
		b.WriteString(it)
	}
	b.WriteString(sounded(lang, p.end, items[n-1]))
	b.WriteString(items[n-1])
	return b.String()
}

// sounded is the "and" conj as the word after it makes it sound: Spanish
// says e, not y, before an i sound ("e «Investigación»", but "y hielo"),
// Welsh ac, not a, before a vowel ("ac i ddangos").
func sounded(lang, conj, next string) string {
	w := strings.ToLower(strings.TrimLeftFunc(next, func(r rune) bool { return !unicode.IsLetter(r) }))
	switch lang {
	case "es", "es-419":
		if (strings.HasPrefix(w, "i") || strings.HasPrefix(w, "í") || strings.HasPrefix(w, "hi") || strings.HasPrefix(w, "hí")) &&
			!strings.HasPrefix(w, "hie") && !strings.HasPrefix(w, "hia") {
			return strings.Replace(conj, "y", "e", 1)
		}
	case "cy":
		if w != "" && strings.ContainsRune("aeiouwyâêîôûŵŷ", []rune(w)[0]) {
			return strings.Replace(conj, " a ", " ac ", 1)
		}
	}
	return conj
}

// quotes are the quotation marks each language writes around a name it
// quotes (the banner's category names), as its texts write them.
var quotes = map[string][2]string{
	"ar": {"«", "»"}, "ca": {"«", "»"}, "el": {"«", "»"}, "es": {"«", "»"}, "es-419": {"«", "»"},
	"eu": {"«", "»"}, "fa": {"«", "»"}, "gl": {"«", "»"}, "it": {"«", "»"}, "nb": {"«", "»"},
	"pt": {"«", "»"}, "ru": {"«", "»"}, "uk": {"«", "»"},
	"fr": {"«\u202f", "\u202f»"},
	"bg": {"„", "“"}, "cs": {"„", "“"}, "de": {"„", "“"}, "et": {"„", "“"}, "is": {"„", "“"},
	"lt": {"„", "“"}, "mk": {"„", "“"}, "sk": {"„", "“"},
	"bs": {"„", "”"}, "he": {"„", "”"}, "hr": {"„", "”"}, "hu": {"„", "”"}, "pl": {"„", "”"},
	"ro": {"„", "”"}, "sr": {"„", "”"}, "sr-Latn": {"„", "”"},
	"fi": {"”", "”"}, "sv": {"”", "”"},
	"sl":      {"»", "«"},
	"ja":      {"「", "」"},
	"zh-Hant": {"「", "」"},
}

// Quote is name between the language's quotation marks: “Marketing” in
// English, „Marketing“ in German, « Marketing » in French, 「マーケティング」 in
// Japanese.
func (l *Localizer) Quote(name string) string {
	q, ok := quotes[l.Lang]
	if !ok {
		q = [2]string{"“", "”"}
	}
	return q[0] + name + q[1]
}
