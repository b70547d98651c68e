// Package i18n negotiates the visitor's language and translates messages
// through go-i18n, from the files embedded by package locales.
package i18n

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/consentry/consentry/locales"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Bundle holds every language's messages.
type Bundle struct {
	b       *goi18n.Bundle
	tags    []language.Tag
	matcher language.Matcher
}

// Load reads every active.<lang>.toml from the embedded locales, English first.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(locales.FS, "active.*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(locales.FS, f); err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
	}
	tags := b.LanguageTags() // English, the default, comes first
	return &Bundle{b: b, tags: tags, matcher: language.NewMatcher(tags)}, nil
}

// Languages lists the supported language codes, English first.
func (b *Bundle) Languages() []string {
	out := make([]string, len(b.tags))
	for i, t := range b.tags {
		out[i] = t.String()
	}
	return out
}

// Match picks the supported language for a visitor. Each preference is a
// language tag or an Accept-Language value, most authoritative first (an
// explicit choice, then the page's lang, then the browser's header); the
// first one that matches a supported language wins, else English.
func (b *Bundle) Match(prefs ...string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		if _, i, conf := b.matcher.Match(tags...); conf != language.No {
			return b.tags[i].String()
		}
	}
	return b.tags[0].String()
}

// Localizer translates into one language.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
}

// For returns a localizer for a supported language code (see Match).
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang)}
}

// T translates a message. A missing message shows its ID, which the locale
// parity test makes impossible in a release.
func (l *Localizer) T(id string) string {
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
func (l *Localizer) Dir() string {
	switch strings.SplitN(l.Lang, "-", 2)[0] {
	case "ar", "he", "fa", "ur":
		return "rtl"
	}
	return "ltr"
}
