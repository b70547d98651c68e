package i18n

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/rangetable"
)

// Language is one language Consentry speaks to visitors.
type Language struct {
	// Code is the BCP 47 tag used in ?lang=, lang="…", file names and the
	// consent record.
	Code string
	// Name is the language's name for itself, for pickers.
	Name string
	// Script holds the letters its texts are written in: the locale tests
	// check every text against it, so a value left in English shows up.
	Script *unicode.RangeTable
}

// NameOf is a language's name for itself, or its code when it is not a
// visitor language.
func NameOf(code string) string {
	for _, l := range Visitor {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// Dir is the language's text direction: "rtl" or "ltr".
func (l Language) Dir() string { return dirOf(l.Code) }

func dirOf(code string) string {
	switch strings.SplitN(code, "-", 2)[0] {
	case "ar", "he", "fa", "ur":
		return "rtl"
	}
	return "ltr"
}

var japanese = rangetable.Merge(unicode.Han, unicode.Hiragana, unicode.Katakana)

// Visitor is every language the banner, the preference center, the
// no-JavaScript page and the receipt are written in, English (the default
// and the source) first. It is the one list: loading fails when a message
// file is missing or one exists for a language not listed here, and code
// that works per language (texts snapshots, site texts) iterates it.
var Visitor = []Language{
	{"en", "English", unicode.Latin},
	// The 24 official languages of the European Union.
	{"bg", "български", unicode.Cyrillic},
	{"cs", "čeština", unicode.Latin},
	{"da", "dansk", unicode.Latin},
	{"de", "Deutsch", unicode.Latin},
	{"el", "Ελληνικά", unicode.Greek},
	{"es", "español", unicode.Latin},
	{"et", "eesti", unicode.Latin},
	{"fi", "suomi", unicode.Latin},
	{"fr", "français", unicode.Latin},
	{"ga", "Gaeilge", unicode.Latin},
	{"hr", "hrvatski", unicode.Latin},
	{"hu", "magyar", unicode.Latin},
	{"it", "italiano", unicode.Latin},
	{"lt", "lietuvių", unicode.Latin},
	{"lv", "latviešu", unicode.Latin},
	{"mt", "Malti", unicode.Latin},
	{"nl", "Nederlands", unicode.Latin},
	{"pl", "polski", unicode.Latin},
	{"pt", "português", unicode.Latin},
	{"ro", "română", unicode.Latin},
	{"sk", "slovenčina", unicode.Latin},
	{"sl", "slovenščina", unicode.Latin},
	{"sv", "svenska", unicode.Latin},
	// The rest of Europe.
	{"nb", "norsk bokmål", unicode.Latin},
	{"is", "íslenska", unicode.Latin},
	{"ca", "català", unicode.Latin},
	{"eu", "euskara", unicode.Latin},
	{"gl", "galego", unicode.Latin},
	{"cy", "Cymraeg", unicode.Latin},
	{"sq", "shqip", unicode.Latin},
	{"sr", "српски", unicode.Cyrillic},
	{"sr-Latn", "srpski (latinica)", unicode.Latin},
	{"mk", "македонски", unicode.Cyrillic},
	{"bs", "bosanski", unicode.Latin},
	{"uk", "українська", unicode.Cyrillic},
	{"ru", "русский", unicode.Cyrillic},
	{"tr", "Türkçe", unicode.Latin},
	// Right to left.
	{"ar", "العربية", unicode.Arabic},
	{"he", "עברית", unicode.Hebrew},
	{"fa", "فارسی", unicode.Arabic},
	{"ur", "اردو", unicode.Arabic},
	// Asia, Africa and the Americas.
	{"zh-Hans", "简体中文", unicode.Han},
	{"zh-Hant", "繁體中文", unicode.Han},
	{"ja", "日本語", japanese},
	{"ko", "한국어", unicode.Hangul},
	{"hi", "हिन्दी", unicode.Devanagari},
	{"bn", "বাংলা", unicode.Bengali},
	{"id", "Indonesia", unicode.Latin},
	{"ms", "Melayu", unicode.Latin},
	{"th", "ไทย", unicode.Thai},
	{"vi", "Tiếng Việt", unicode.Latin},
	{"pt-BR", "português (Brasil)", unicode.Latin},
	{"es-419", "español (Latinoamérica)", unicode.Latin},
	{"sw", "Kiswahili", unicode.Latin},
}

// Console is every language the staff console is written in (admin.<code>.toml),
// each also a visitor language.
var Console = []string{"en", "ar", "fr", "de", "es"}

// derived languages have no file of their own: their messages are another
// language's, converted. Serbian is written in both scripts; Cyrillic is
// the official one and the file, Latin a letter-for-letter transliteration.
var derived = map[string]struct {
	from    string
	convert func(string) string
}{
	"sr-Latn": {"sr", SerbianLatin},
}

// notUnderstood are matches golang.org/x/text offers that a visitor is
// better served in the default language than in: a Kurdish speaker is not
// to be answered in Turkish.
var notUnderstood = map[string]bool{"ku": true, "ckb": true, "kmr": true}

var serbianLatin = strings.NewReplacer(
	"А", "A", "Б", "B", "В", "V", "Г", "G", "Д", "D", "Ђ", "Đ", "Е", "E", "Ж", "Ž", "З", "Z", "И", "I",
	"Ј", "J", "К", "K", "Л", "L", "Љ", "Lj", "М", "M", "Н", "N", "Њ", "Nj", "О", "O", "П", "P", "Р", "R",
	"С", "S", "Т", "T", "Ћ", "Ć", "У", "U", "Ф", "F", "Х", "H", "Ц", "C", "Ч", "Č", "Џ", "Dž", "Ш", "Š",
	"а", "a", "б", "b", "в", "v", "г", "g", "д", "d", "ђ", "đ", "е", "e", "ж", "ž", "з", "z", "и", "i",
	"ј", "j", "к", "k", "л", "l", "љ", "lj", "м", "m", "н", "n", "њ", "nj", "о", "o", "п", "p", "р", "r",
	"с", "s", "т", "t", "ћ", "ć", "у", "u", "ф", "f", "х", "h", "ц", "c", "ч", "č", "џ", "dž", "ш", "š",
)

// SerbianLatin transliterates Serbian from Cyrillic to Latin script, the
// standard one-to-one mapping (Љ → Lj, Њ → Nj, Џ → Dž).
func SerbianLatin(s string) string { return serbianLatin.Replace(s) }
