// Package i18n negotiates the visitor's language and translates messages
// through go-i18n, from the files embedded by package locales.
package i18n

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/consentry/consentry/locales"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Bundle holds every language's messages.
type Bundle struct {
	b              *goi18n.Bundle
	tags           []language.Tag
	matcher        language.Matcher
	console        []language.Tag
	consoleMatcher language.Matcher
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
	return &Bundle{b: b, tags: tags, matcher: language.NewMatcher(tags),
		console: ctags, consoleMatcher: language.NewMatcher(ctags)}, nil
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
func (b *Bundle) ConsoleLanguages() []string { return codes(b.console) }

// MatchConsole is Match for the staff console's languages.
func (b *Bundle) MatchConsole(prefs ...string) string {
	return match(b.consoleMatcher, b.console, prefs)
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
func (b *Bundle) Match(prefs ...string) string { return match(b.matcher, b.tags, prefs) }

func match(m language.Matcher, tags []language.Tag, prefs []string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		parsed, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(parsed) == 0 {
			continue
		}
		parsed = slices.DeleteFunc(parsed, func(t language.Tag) bool {
			base, _ := t.Base()
			return notUnderstood[base.String()]
		})
		if len(parsed) == 0 {
			continue
		}
		if _, i, conf := m.Match(parsed...); conf != language.No {
			return tags[i].String()
		}
	}
	return tags[0].String()
}

// Localizer translates into one language.
type Localizer struct {
	Lang      string
	l         *goi18n.Localizer
	overrides map[string]string
}

// With returns a localizer whose T prefers overrides (message ID → text),
// such as a site's own wording, to the bundle's messages.
func (l *Localizer) With(overrides map[string]string) *Localizer {
	c := *l
	c.overrides = overrides
	return &c
}

// For returns a localizer for a supported language code (see Match).
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang)}
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
func (l *Localizer) N(id string, count int) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count,
		TemplateData: map[string]any{"Count": count}})
	if err != nil {
		return id
	}
	return s
}

// Dir is the text direction of the language: "rtl" or "ltr".
func (l *Localizer) Dir() string { return dirOf(l.Lang) }
