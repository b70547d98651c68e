// Package i18n negotiates the visitor's language and translates messages
// through go-i18n, from the files embedded by package locales.
package i18n

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	"github.com/consentry/consentry/locales"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Bundle holds every language's messages.
type Bundle struct {
	b       *goi18n.Bundle
	tags    []language.Tag
	visitor *matcher
	console *matcher
	// locs holds one localizer per supported language, built once: building
	// one parses language tags, too slow to do on every consent request.
	locs map[string]*Localizer
}

// Load reads every language of Visitor (active.<code>.toml) and Console
// (admin.<code>.toml) from the embedded locales, and fails when a listed
// language has no file or a file names a language not listed.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	want := map[string]bool{}
	var tags []language.Tag
	for _, l := range Visitor {
		tags = append(tags, language.MustParse(l.Code))
		if _, ok := derived[l.Code]; ok {
			buf, err := VisitorMessages(l.Code)
			if err != nil {
				return nil, err
			}
			if _, err := b.ParseMessageFileBytes(buf, "active."+l.Code+".toml"); err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			continue
		}
		want["active."+l.Code+".toml"] = true
	}
	var ctags []language.Tag
	for _, code := range Console {
		if !slices.ContainsFunc(Visitor, func(l Language) bool { return l.Code == code }) {
			return nil, fmt.Errorf("i18n: console language %s is not a visitor language", code)
		}
		ctags = append(ctags, language.MustParse(code))
		want["admin."+code+".toml"] = true
	}
	files, err := fs.Glob(locales.FS, "*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !want[f] {
			return nil, fmt.Errorf("i18n: %s is not a listed language (i18n.Visitor, i18n.Console)", f)
		}
		delete(want, f)
		if _, err := b.LoadMessageFileFS(locales.FS, f); err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("i18n: missing %s", strings.Join(slices.Sorted(maps.Keys(want)), ", "))
	}
	bundle := &Bundle{b: b, tags: tags, visitor: newMatcher(tags), console: newMatcher(ctags), locs: map[string]*Localizer{}}
	for _, t := range tags {
		bundle.locs[t.String()] = newLocalizer(b, t.String())
	}
	return bundle, nil
}

// VisitorMessages is the message file of one visitor language: its
// active.<code>.toml, or the file it is derived from, converted.
func VisitorMessages(code string) ([]byte, error) {
	d, ok := derived[code]
	if !ok {
		return fs.ReadFile(locales.FS, "active."+code+".toml")
	}
	buf, err := fs.ReadFile(locales.FS, "active."+d.from+".toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: %s is made from %s: %w", code, d.from, err)
	}
	return []byte(d.convert(string(buf))), nil
}

// ConsoleLanguages lists the languages the staff console is complete in.
func (b *Bundle) ConsoleLanguages() []string { return codes(b.console.tags) }

// MatchConsole is Match for the staff console's languages.
func (b *Bundle) MatchConsole(prefs ...string) string {
	return b.console.match(prefs)
}

func codes(tags []language.Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.String()
	}
	return out
}

// Languages lists the supported language codes, English first.
func (b *Bundle) Languages() []string { return codes(b.tags) }

// Match picks the supported language for a visitor. Each preference is a
// language tag or an Accept-Language value, most authoritative first (an
// explicit choice, then the page's lang, then the browser's header); the
// first one that matches a supported language wins, else English.
func (b *Bundle) Match(prefs ...string) string { return b.visitor.match(prefs) }

// matcher negotiates among a set of supported languages. It remembers what
// each preference resolved to: the same few values ("en", a browser's
// Accept-Language) arrive again and again, and parsing one costs more than
// the rest of a consent request's language handling.
type matcher struct {
	m    language.Matcher
	tags []language.Tag
	memo sync.Map // preference → supported code, "" for none
	size atomic.Int64
}

// memoMax bounds what a matcher remembers: preferences come from visitors,
// who could otherwise grow it without end. Past it, matching still works,
// it is only not remembered.
const memoMax = 4096

func newMatcher(tags []language.Tag) *matcher {
	return &matcher{m: language.NewMatcher(tags), tags: tags}
}

func (m *matcher) match(prefs []string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		if code := m.one(p); code != "" {
			return code
		}
	}
	return m.tags[0].String()
}

// one is the supported language a single preference matches, or "".
func (m *matcher) one(p string) string {
	if v, ok := m.memo.Load(p); ok {
		return v.(string)
	}
	code := ""
	parsed, _, err := language.ParseAcceptLanguage(p)
	parsed = slices.DeleteFunc(parsed, func(t language.Tag) bool {
		base, _ := t.Base()
		return notUnderstood[base.String()]
	})
	if err == nil && len(parsed) > 0 {
		if _, i, conf := m.m.Match(parsed...); conf != language.No {
			code = m.tags[i].String()
		}
	}
	if len(p) <= 256 && m.size.Load() < memoMax {
		if _, known := m.memo.LoadOrStore(p, code); !known {
			m.size.Add(1)
		}
	}
	return code
}

// Localizer translates into one language.
type Localizer struct {
	Lang      string
	l         *goi18n.Localizer
	num       *message.Printer
	overrides map[string]string
}

func newLocalizer(b *goi18n.Bundle, lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b, lang), num: numbers(lang)}
}

// numbers is the printer of counts in a language: CLDR's digit grouping
// (golang.org/x/text), with Latin digits in every language, as the rest of
// the pages (dates, percentages) show them: Arabic gets "8,888,257", not
// Arabic-Indic digits.
func numbers(lang string) *message.Printer {
	t, err := language.Parse(lang)
	if err != nil {
		t = language.Und
	}
	if lt, err := t.SetTypeForKey("nu", "latn"); err == nil {
		t = lt
	}
	return message.NewPrinter(t)
}

// Num is a count for people to read, grouped as the language groups digits:
// 8,888,257 in English, 8.888.257 in German. Never use it for anything a
// machine reads (URLs, form values, data attributes, exports).
func (l *Localizer) Num(n int64) string {
	if l.num == nil || (n > -1000 && n < 1000) {
		return strconv.FormatInt(n, 10)
	}
	return l.num.Sprint(number.Decimal(n))
}

// List joins items as the language separates the items of a list: by the
// Arabic comma in Arabic, Persian and Urdu ("تفضيلات، تحليلات"), by the
// enumeration comma in Chinese and Japanese ("偏好、营销"), else by a
// comma and a space.
func (l *Localizer) List(items []string) string {
	return strings.Join(items, l.ListSep())
}

// ListSep is what List puts between two items, for a list the visitor's
// browser joins (the cookies a blocked embed's placeholder names).
func (l *Localizer) ListSep() string {
	switch l.Lang {
	case "ar", "fa", "ur":
		return "، "
	case "zh-Hans", "zh-Hant", "ja":
		return "、"
	}
	return ", "
}

// Semicolon is what separates two sentences of one line (an audit entry's
// details): the Arabic semicolon in the languages written in Arabic script,
// which keeps a Latin value between two sentences in its place; in French
// a semicolon with a narrow no-break space before it, as Colon.
func (l *Localizer) Semicolon() string {
	switch l.Lang {
	case "ar", "fa", "ur":
		return "؛ "
	case "fr":
		return "\u202f; "
	}
	return "; "
}

// Colon is what joins a label to its value ("Reason: …"): French puts a
// narrow no-break space before the colon ("Motif : …"), which keeps the
// colon from starting a line; other languages nothing. Every label joined
// to a value is joined by it, on the console's pages and the visitor's,
// and French texts write the same space before their own : ; ? ! and »
// and after « (TestFrenchPunctuationHasItsSpace).
func (l *Localizer) Colon() string { return Colon(l.Lang) }

// Colon is Localizer.Colon of lang, for a text in a language no localizer
// at hand speaks: the visitor's, on a console page.
func Colon(lang string) string {
	if lang == "fr" {
		return "\u202f: "
	}
	return ": "
}

// Dec is a number with digits decimals for people to read, with the
// language's decimal separator and grouping: 4.5 in English, 4,5 in German
// and French. Like Num, never for anything a machine reads.
func (l *Localizer) Dec(f float64, digits int) string {
	if l.num == nil {
		return strconv.FormatFloat(f, 'f', digits, 64)
	}
	return l.num.Sprint(number.Decimal(f, number.Scale(digits)))
}

// Pct is a fraction as a percentage with digits decimals for people to
// read, as the language writes one: 42.5% in English, 42,5 % in German and
// French. Like Num, never for anything a machine reads.
func (l *Localizer) Pct(f float64, digits int) string {
	if l.num == nil {
		return strconv.FormatFloat(100*f, 'f', digits, 64) + "%"
	}
	return l.num.Sprint(number.Percent(f, number.Scale(digits)))
}

// With returns a new localizer whose T prefers overrides (message ID → text),
// such as a site's own wording, to the bundle's messages.
func (l *Localizer) With(overrides map[string]string) *Localizer {
	c := *l
	c.overrides = overrides
	return &c
}

// Own is the text overrides give id (a site's own wording), and whether
// they give one: a text the server composes (the banner's body, the GPC
// note) is the owner's as written when they wrote one, else composed.
func (l *Localizer) Own(id string) (string, bool) {
	s, ok := l.overrides[id]
	return s, ok
}

// For returns a localizer for a supported language code (see Match). It is
// shared: use With to add overrides, never change its fields.
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.locs[lang]; ok {
		return l
	}
	return newLocalizer(b.b, lang)
}

// T translates a message. A missing message shows its ID, which the locale
// parity test makes impossible in a release.
func (l *Localizer) T(id string) string {
	if s, ok := l.overrides[id]; ok {
		return s
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return s
}

// N translates a message with a plural count, available as {{.Count}}.
// The plural form is chosen from the number; {{.Count}} shows it grouped
// (see Num).
func (l *Localizer) N(id string, count int) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count,
		TemplateData: map[string]any{"Count": l.Num(int64(count))}})
	if err != nil {
		return id
	}
	return s
}

// ND translates a message with a plural count, available as {{.Count}},
// and more template data. As with N, the plural form is chosen from the
// number and {{.Count}} shows it grouped.
func (l *Localizer) ND(id string, count int, data map[string]any) string {
	d := map[string]any{"Count": l.Num(int64(count))}
	for k, v := range data {
		d[k] = v
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: d})
	if err != nil {
		return id
	}
	return s
}

// TData translates a message whose text names template data, such as
// {{.Service}}.
func (l *Localizer) TData(id string, data map[string]any) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Dir is the text direction of the language: "rtl" or "ltr".
func (l *Localizer) Dir() string { return dirOf(l.Lang) }
