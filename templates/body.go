package templates

import (
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// purposeKeys are the built-in categories that have a purpose phrase
// (purpose_<key>), a piece of the banner's body sentence: "to remember your
// preferences".
var purposeKeys = []string{consent.Preferences, consent.Analytics, consent.Marketing}

// bodyFrames are the message IDs of the frame of the banner's body in each
// mode, with {{.Purposes}} (what the optional categories are for) and
// {{.More}} (a custom category's own description, after the sentence that
// names the purposes): frame_*, not banner_body_*, which name the body as
// shown (an owner's own text, a snapshot's message). In an opt-in
// region nothing runs before the visitor's permission; in an opt-out or a
// notice region everything but what Global Privacy Control holds off runs
// from the start (consent.Site.Defaults), and the body must not say it
// waits for permission.
var bodyFrames = map[consent.Mode]string{
	consent.OptIn:  "frame_opt_in",
	consent.OptOut: "frame_opt_out",
	consent.Notice: "frame_notice",
}

// BannerBody is the banner's body text for site in mode, in t's language:
// the owner's own text for this mode (consent.OwnBodyKey) where they wrote
// one, else their banner_body (for every mode) where they wrote that, else
// composed from the mode's frame and the purposes of the categories the
// site has. A built-in category says what it is for in a phrase of the
// body's sentence; a custom category, which has no phrase, is said by its
// own name and description after it, or, without a description, by its
// name in that sentence (purpose_categories). A site with only required categories
// says it uses only what it needs.
func BannerBody(t *i18n.Localizer, site *consent.Site, mode consent.Mode) string {
	return bannerBody(t, site, mode, false)
}

// GPCBoundBody is the banner's body where the visitor's Global Privacy
// Control signal binds (consent.Mode.GPCBinds): BannerBody without the
// categories the signal keeps off, which it would say run unless the
// visitor says no ("…and show you relevant ads") when they never will; the
// note after it (GPCBinding) says the signal was honoured. An owner's own
// body is theirs, as written.
func GPCBoundBody(t *i18n.Localizer, site *consent.Site, mode consent.Mode) string {
	return bannerBody(t, site, mode, mode.GPCBinds(true))
}

// bannerBody is BannerBody, leaving out the categories Global Privacy
// Control keeps off when held.
func bannerBody(t *i18n.Localizer, site *consent.Site, mode consent.Mode, held bool) string {
	for _, k := range []string{consent.OwnBodyKey(mode), "banner_body"} {
		if own, ok := t.Own(k); ok {
			return own
		}
	}
	var purposes, more, unnamed []string
	custom := false
	for _, c := range site.Categories {
		switch {
		case c.Required, held && c.GPC:
		case slices.Contains(purposeKeys, c.Key):
			purposes = append(purposes, t.T("purpose_"+c.Key))
		default:
			custom = true
			if d := strings.TrimSpace(CategoryDescription(t, c)); d != "" {
				more = append(more, sentenceSep(t.Lang)+CategoryName(t, c)+t.Colon()+d)
			} else {
				unnamed = append(unnamed, t.Quote(CategoryName(t, c)))
			}
		}
	}
	if len(unnamed) > 0 {
		// Said by their names, in the sentence that says what the
		// cookies are for, as this mode says it.
		purposes = append(purposes, t.ND("purpose_categories", len(unnamed), map[string]any{"Categories": t.And(unnamed)}))
	}
	switch {
	case len(purposes) == 0 && !custom:
		return t.T("banner_body_none")
	case len(purposes) == 0:
		// Only custom categories, each with a description: the sentence
		// names them by where they are described.
		purposes = []string{t.T("purpose_other")}
	}
	frame, ok := bodyFrames[mode]
	if !ok {
		frame = bodyFrames[consent.OptIn]
	}
	return t.TData(frame, map[string]any{"Purposes": t.And(purposes), "More": strings.Join(more, "")})
}

// sentenceSep is what goes between two sentences: nothing after the full
// stop of Chinese and Japanese, a space elsewhere.
func sentenceSep(lang string) string {
	switch lang {
	case "zh-Hans", "zh-Hant", "ja":
		return ""
	}
	return " "
}

// gpcNames are the names the site gives the categories Global Privacy
// Control keeps off, each quoted.
func gpcNames(t *i18n.Localizer, site *consent.Site) []string {
	var names []string
	for _, c := range site.Categories {
		if c.GPC && !c.Required {
			names = append(names, t.Quote(CategoryName(t, c)))
		}
	}
	return names
}

// gpcNote is the note id (banner_gpc or gpc_binding) naming the categories
// the signal keeps off, each quoted and joined by the language's "and"
// ("“Marketing” and “Analytics” cookies stay off"); the owner's own id
// wins; "" when the signal holds no category of the site off, so there is
// nothing to say.
func gpcNote(t *i18n.Localizer, site *consent.Site, id string) string {
	names := gpcNames(t, site)
	if len(names) == 0 {
		return ""
	}
	if own, ok := t.Own(id); ok {
		return own
	}
	return t.ND(id, len(names), map[string]any{"Categories": t.And(names)})
}

// GPCBinding is what the banner says where Global Privacy Control binds (an
// opt-out or notice region with the signal on): which of the site's
// categories the signal keeps off, by the names the site gives them, and how
// to change that.
func GPCBinding(t *i18n.Localizer, site *consent.Site) string { return gpcNote(t, site, "gpc_binding") }

// GPCHonoured is what the banner says where the visitor sends Global
// Privacy Control and still decides (an opt-in region): which of the site's
// categories stay off unless they turn them on.
func GPCHonoured(t *i18n.Localizer, site *consent.Site) string { return gpcNote(t, site, "banner_gpc") }

// Body is the banner's body for this visitor's mode (BannerBody), without
// what their Global Privacy Control signal keeps off where it binds
// (GPCBoundBody).
func (b Banner) Body() string {
	if b.GPCBinds() {
		return GPCBoundBody(b.T, b.Site, b.Mode)
	}
	return BannerBody(b.T, b.Site, b.Mode)
}

// GPCNote is what the banner says where the signal binds (GPCBinding).
func (b Banner) GPCNote() string { return GPCBinding(b.T, b.Site) }

// GPCHonouredNote is what the banner says where the signal is honoured but
// does not bind (GPCHonoured).
func (b Banner) GPCHonouredNote() string { return GPCHonoured(b.T, b.Site) }

// DefaultText is what site shows for text key when its owner writes none
// (defaults: the language's texts without the site's own): the site
// editor's placeholder. The body is the opt-in region's; opt-out and notice
// regions read their own unless the owner writes one for all.
func DefaultText(defaults *i18n.Localizer, site *consent.Site, key string) string {
	for _, m := range []consent.Mode{consent.OptIn, consent.OptOut, consent.Notice} {
		if key != consent.OwnBodyKey(m) {
			continue
		}
		// Left empty, the mode shows the owner's text for every mode.
		if own := site.Texts[defaults.Lang]["banner_body"]; strings.TrimSpace(own) != "" {
			return own
		}
		return BannerBody(defaults, site, m)
	}
	switch key {
	case "banner_body":
		return BannerBody(defaults, site, consent.OptIn)
	case "gpc_binding":
		return GPCBinding(defaults, site)
	case "banner_gpc":
		return GPCHonoured(defaults, site)
	}
	return defaults.T(key)
}
