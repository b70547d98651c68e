// Package templates holds the templ components Consentry renders: the banner
// and preference center fragment, the no-JavaScript preferences page and the
// demo shop. Generated *_templ.go files are committed; `make generate`
// refreshes them.
package templates

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// Banner is what the banner and the preference center show one visitor.
type Banner struct {
	T       *i18n.Localizer // with the site's own texts
	Site    *consent.Site
	GPC     bool
	Mode    consent.Mode
	Granted map[string]bool // each category's toggle as it starts
	Changed bool            // the visitor chose under an older revision
	// InlineVars puts the site's colours in a style attribute on the root,
	// for snippet builds released before v=2 (they inline the stylesheet too).
	// Newer builds set them through the CSSOM, which a strict CSP allows.
	InlineVars bool
}

// Classes are the banner root's classes: cy, then the layout and the
// position unless they are the default's (a bar at the bottom), which
// consentry.css styles without a class of their own: every first visit
// downloads these.
func (b Banner) Classes() string {
	a, d := b.Site.Appearance.WithDefaults(), consent.DefaultAppearance
	c := "cy"
	if a.Layout != d.Layout {
		c += " cy-" + a.Layout
	}
	if a.Position != d.Position {
		c += " cy-" + a.Position
	}
	return c
}

// ModalAttr is the first layer's aria-modal: "false" when the site chose a
// banner that leaves its page usable (the snippet then neither covers the
// page nor keeps focus in the banner); the preference center is always modal.
func (b Banner) ModalAttr() string {
	if b.Site.Appearance.NonBlocking {
		return "false"
	}
	return "true"
}

// Checked reports whether a category's toggle starts on: never one the
// visitor's Global Privacy Control signal keeps off.
func (b Banner) Checked(c consent.Category) bool {
	return c.Required || b.Granted[c.Key] && !b.GPCLocks(c)
}

// GPCBinds reports whether the visitor's Global Privacy Control signal
// decides for them: in an opt-out or notice region it is a binding opt-out
// that no choice overrides (consent.Site.Decide), so the banner must not
// offer one; in an opt-in region it only leaves its categories out of
// "accept all".
func (b Banner) GPCBinds() bool { return b.Mode.GPCBinds(b.GPC) }

// GPCLocks reports whether c's switch is held off by the signal: shown off,
// disabled, and saying why.
func (b Banner) GPCLocks(c consent.Category) bool { return b.GPCBinds() && c.GPC && !c.Required }

// providerSentence says who provides a service as a sentence of the
// visitor's language, its full stop the language's own, followed by the
// service's description as the language follows a sentence ("Provider:
// Google. Counts visits.", "提供方：Google。统计访问次数。"); a name that ends a
// sentence itself (Snap Inc., X Corp., Joomla!) takes the sentence without
// a mark of its own, as a second one would read "Joomla!." or "Snap Inc.。".
func providerSentence(t *i18n.Localizer, provider, description string) string {
	key := "prefs_provider_sentence"
	if r, _ := utf8.DecodeLastRuneInString(provider); strings.ContainsRune(".!?…。！？", r) {
		key = "prefs_provider_named"
	}
	return strings.TrimSpace(t.TData(key, map[string]any{"Provider": provider, "Description": description}))
}

// Prefs is the no-JavaScript preferences page: the banner's texts in a plain
// form, or the confirmation after it was posted.
type Prefs struct {
	Banner
	Return    string   // where "back to the site" goes; "" when none
	Saved     []string // granted categories once a decision was recorded; nil before
	ConsentID string   // the visitor's consent ID, once they have chosen
	Token     string   // their signed token, for the receipt link
	Current   []string // granted categories of the visitor's standing choice; nil when none
}

// CurrentChoice names the categories of the standing choice beyond the
// required ones, or says that only those are allowed.
func (p Prefs) CurrentChoice() string {
	var keys []string
	for _, k := range p.Current {
		if c, ok := p.Site.Category(k); ok && !c.Required {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return p.T.T("page_only_necessary")
	}
	return categoryNames(p.Banner, keys)
}

// Demo is the demo shop page.
type Demo struct {
	T    *i18n.Localizer
	Site string
	NoJS string // the no-JavaScript preferences page, returning here
	// Video names the service the demo's video comes from, as the site
	// declares it, for the placeholder to name (its address is the demo's own).
	Video string
	// Caption is the message ID of what the video's caption says, as is
	// true where the visitor is (web: demoCaption).
	Caption string
}

// DemoNoticePage is one of the demo shop's notices: the message IDs of its
// title and its text, and the shop's page in the same language.
type DemoNoticePage struct {
	T           *i18n.Localizer
	Title, Body string
	// Kept says how long a choice is remembered, as the site is set up
	// (the privacy notice; "" on the legal notice).
	Kept string
	Back string
}

// Receipt is a visitor's own record as a page: every decision of their
// consent ID, newest first, in their language.
type Receipt struct {
	T         *i18n.Localizer
	ConsentID string
	Rows      []ReceiptRow
	JSON      string // the same receipt as a JSON download
	Site      string // the site's name; "" when the site is gone
	Back      string // the way back to the site, on an allowed origin; "" when none
	// Refused says, in the visitor's language, why the link shows no
	// receipt (its token expired or is not valid); "" when it shows one.
	Refused string
}

// ReceiptRow is one decision, its texts already translated.
type ReceiptRow struct {
	Time     time.Time
	Revision int
	Choice   string
	Allowed  string
}
