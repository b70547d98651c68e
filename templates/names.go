package templates

import (
	"strconv"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// CategoryName is a category's translated name; a custom category without a
// translation shows its key.
func CategoryName(t *i18n.Localizer, c consent.Category) string {
	name, _ := consent.CategoryTextKeys(c.Key)
	return orKey(t, name, c.Key)
}

// CategoryDescription is a category's translated description, or "".
func CategoryDescription(t *i18n.Localizer, c consent.Category) string {
	_, desc := consent.CategoryTextKeys(c.Key)
	return orKey(t, desc, "")
}

func orKey(t *i18n.Localizer, id, fallback string) string {
	if s := t.T(id); s != id {
		return s
	}
	return fallback
}

// categoryNames lists translated category names, as the language lists.
func categoryNames(b Banner, keys []string) string {
	var out []string
	for _, k := range keys {
		if c, ok := b.Site.Category(k); ok {
			out = append(out, CategoryName(b.T, c))
		}
	}
	return b.T.List(out)
}

// ServiceName is a service's name in the visitor's language: the message
// its name key names (the demo's services), else the name the site gave it.
func ServiceName(t *i18n.Localizer, sv consent.Service) string {
	if sv.NameKey == "" {
		return sv.Name
	}
	return orKey(t, sv.NameKey, sv.Name)
}

// SiteName is a site's name in the visitor's language: the message its
// name key names (the demo's), else the name its owner gave it.
func SiteName(t *i18n.Localizer, site *consent.Site) string {
	if site.NameKey == "" {
		return site.Name
	}
	return orKey(t, site.NameKey, site.Name)
}

// ShownServices are a site's services as a visitor reads them in one
// language: names given by a message key, catalog purposes and
// descriptions translated, lifetimes in days, as the cookie table's column
// counts them (a lifetime written before days were counted, "6 months",
// as ParseDays reads it; Consentry's own cookie as long as the site
// remembers a choice, consent.Site.AsSet). The banner shows them and the
// texts snapshot records them.
func ShownServices(t *i18n.Localizer, site *consent.Site) []consent.Service {
	out := make([]consent.Service, len(site.Services))
	for i, sv := range site.Services {
		sv.Name = ServiceName(t, sv)
		// Consentry's own service is the site's: provided by it under the
		// name the visitor reads (consent.OwnService).
		own := site.NameKey != "" && sv.Catalog == "consentry" && sv.Provider == site.Name
		if own {
			sv.Provider = SiteName(t, site)
		}
		if sv.Description == "" && sv.DescriptionKey != "" {
			sv.Description = orKey(t, sv.DescriptionKey, "")
		}
		sv.Cookies = append([]consent.Cookie(nil), sv.Cookies...)
		for j := range sv.Cookies {
			k := &sv.Cookies[j]
			*k = site.AsSet(*k)
			if own && k.Provider == site.Name {
				k.Provider = sv.Provider
			}
			if k.Purpose == "" && k.PurposeKey != "" {
				k.Purpose = orKey(t, k.PurposeKey, "")
			}
			switch days, session, ok := consent.ParseDays(k.Duration); {
			case k.Days > 0:
				k.Duration = strconv.Itoa(k.Days)
			case ok && !session:
				k.Duration = strconv.Itoa(days)
			case ok && k.Session:
				k.Duration = "" // the type column says it
			}
		}
		out[i] = sv
	}
	return out
}

// shownIn is the shown services of one category.
func shownIn(b Banner, category string) []consent.Service {
	var out []consent.Service
	for _, sv := range ShownServices(b.T, b.Site) {
		if sv.Category == category {
			out = append(out, sv)
		}
	}
	return out
}

// LanguageName is a language's name in itself ("Deutsch"), with its code:
// "Deutsch (de)".
func LanguageName(code string) string {
	if n := selfName(code); n != "" {
		return withCode(n, code)
	}
	return code
}

// LanguageNameIn is a language's name in the language in, the console's
// ("Französisch (fr)" to a German reader), with its code; the code alone
// for one it cannot name.
func LanguageNameIn(in, code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	n := display.Tags(language.Make(in)).Name(tag)
	if base, script, ok := scriptOf(tag); ok {
		// CLDR names sr-Latn by an old alias ("Serbo-Croatian"): name the
		// language and its script instead ("Serbian (Latin, sr-Latn)").
		namer := display.Tags(language.Make(in))
		if b := namer.Name(base); b != "" && !strings.Contains(n, b) {
			if s := display.Scripts(language.Make(in)).Name(script); s != "" {
				return b + " (" + s + ", " + code + ")"
			}
		}
	}
	if n == "" {
		return code
	}
	return withCode(n, code)
}

// withCode is a language's name followed by its code, in one pair of
// parentheses: "espagnol (Amérique latine, es-419)".
func withCode(name, code string) string {
	if strings.HasSuffix(name, ")") {
		return name[:len(name)-1] + ", " + code + ")"
	}
	return name + " (" + code + ")"
}

// InLanguage is what a label says after its text to name the language it
// is for, in one pair of parentheses: " (Deutsch, de)", not " (Deutsch (de))".
func InLanguage(code string) string {
	if n := selfName(code); n != "" {
		n = strings.NewReplacer(" (", ", ", ")", "").Replace(n) // "srpski, latinica"
		return " (" + n + ", " + code + ")"
	}
	return " (" + code + ")"
}

// scriptOf is a tag's language without its script, and the script, for a
// tag that names one.
func scriptOf(tag language.Tag) (language.Tag, language.Script, bool) {
	script, conf := tag.Script()
	if conf != language.Exact {
		return tag, script, false
	}
	b, _ := tag.Base()
	base, err := language.Compose(b)
	return base, script, err == nil
}

// selfName is a language's name in itself, or "" for a code it cannot read:
// a visitor language's own name ("srpski (latinica)"), else CLDR's.
func selfName(code string) string {
	if n := i18n.NameOf(code); n != code {
		return n
	}
	tag, err := language.Parse(code)
	if err != nil {
		return ""
	}
	return display.Self.Name(tag)
}
