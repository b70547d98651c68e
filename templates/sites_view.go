package templates

import (
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
)

// SitesView lists the sites.
type SitesView struct {
	Sites []*consent.Site
	Error Phrase
	// Invalid are the new-site form's fields Error is about, which it marks.
	Invalid Faults
	// ID, Name and Origin are what the owner typed into the new-site form
	// when it was refused, so that nothing typed is lost.
	ID, Name, Origin string
	// Refused are, by site, the decisions refused lately from origins the
	// site does not allow (Origin unset): the list flags those sites.
	Refused map[string]RefusedOrigin
}

// SiteView is the site editor: the draft, the live revision, what publishing
// would change, and the revisions so far.
type SiteView struct {
	Draft     *consent.Site
	Live      *consent.Site // nil before the first publication
	Pending   []consent.Change
	Revisions []store.Revision
	Languages []string
	Lang      string          // the language whose texts are being edited
	Defaults  *i18n.Localizer // the default texts in that language
	// Edit is the service the form shows: the one of the draft at
	// EditIndex being edited, or one refused when added (EditIndex -1).
	Edit      *consent.Service
	EditIndex int
	// EditCookies are the cookie lines as typed, shown again when refused.
	EditCookies string
	Error       Phrase
	// Invalid are the fields Error is about, as the form's labels name
	// them ("lifetime"), which the form marks.
	Invalid Faults
	// Typed is the Basics form as posted when it was refused: its text
	// fields show again what was typed, not what is stored.
	Typed url.Values
	// Query is the catalog search; Found what it found (the popular
	// services when nothing was searched); CatalogSize the catalog's size.
	Query       string
	Found       []catalog.Entry
	CatalogSize int
	// Updates are the catalog updates the draft has not taken.
	Updates []catalog.Update
	// Assumed are origins just saved that were typed without a scheme, to
	// which https:// was given.
	Assumed []string
	// Published says the live revision was just published, so that the
	// owner is told it is live.
	Published bool
	// Allowed is the refused origin whose allowing published it, if so.
	Allowed string
	// Refused are the origins the live revision does not allow that
	// decisions were refused from lately, most refused first.
	Refused []RefusedOrigin
	// Saved is the section (its id) whose form just saved the draft, so
	// that the owner is told there, where they are, that it is saved and
	// not yet live; "" when nothing was just saved.
	Saved string
	// Publishing is the publish form as posted when it was refused: it
	// shows again the kind chosen, the note and what changed as typed.
	Publishing url.Values
}

// RefusedOrigin is how many decisions from pages on Origin were refused in
// the last 24 hours (Day) and the last week (Week), Origin being no origin
// the site allows.
type RefusedOrigin struct {
	Origin    string
	Day, Week int64
}

// RefusedSaid says how many decisions from r's origin were refused, in the
// last 24 hours when any were, else in the last week; the origin is as
// written.
func RefusedSaid(a Admin, r RefusedOrigin) Phrase {
	origin := map[string]words.Words{"Origin": words.Written(r.Origin)}
	w := words.SayN("a_refused_day", int(r.Day), origin)
	if r.Day == 0 {
		w = words.SayN("a_refused_week", int(r.Week), origin)
	}
	p, _ := say(a.T, w)
	return p
}

// RefusedSiteSaid says how many decisions a site refused for their
// origins, in the last 24 hours when any were, else in the last week.
func RefusedSiteSaid(a Admin, r RefusedOrigin) string {
	if r.Day > 0 {
		return a.T.N("a_refused_site_day", int(r.Day))
	}
	return a.T.N("a_refused_site_week", int(r.Week))
}

// AllowedSaid says that decisions from origin are accepted from now on,
// the origin as written.
func AllowedSaid(a Admin, origin string) Phrase {
	p, _ := Said(a.T, "a_refused_allowed", map[string]any{"Origin": origin})
	return p
}

// Editorial reports whether the publish form offers an editorial revision
// first: the kind the owner chose in a refused form, else editorial when
// no change is material (consent.AnyMaterial).
func (v SiteView) Editorial() bool {
	if k := v.Publishing.Get("kind"); k != "" {
		return k == "editorial"
	}
	return !consent.AnyMaterial(v.Pending)
}

// publishTyped is the publish form's field as typed in a refused form,
// else stored.
func (v SiteView) publishTyped(field, stored string) string {
	if t, ok := v.Publishing[field]; ok && len(t) > 0 {
		return t[0]
	}
	return stored
}

// WhatChangedMissing are the languages, named in the console's language,
// that the draft's "what changed" text is not written in yet: visitors
// asked again who read one of them are told only that cookies changed
// (banner_changed), so the owner sees them before publishing.
func WhatChangedMissing(a Admin, v SiteView) []string {
	var out []string
	for _, l := range v.Languages {
		if strings.TrimSpace(v.Draft.WhatChanged[l]) == "" {
			out = append(out, LanguageNameIn(a.T.Lang, l))
		}
	}
	return out
}

// popular are the catalog services a new site most often needs, shown
// before the owner searches.
var popular = []string{"google-analytics", "google-tag-manager", "google-ads", "meta-pixel", "youtube", "vimeo",
	"hotjar", "microsoft-clarity", "microsoft-uet", "linkedin-insight", "tiktok-pixel", "hubspot", "matomo", "stripe", "google-recaptcha"}

// CatalogResults searches the catalog for the site editor: at most 25
// matches, or the popular services when q is empty.
func CatalogResults(q string) []catalog.Entry {
	if strings.TrimSpace(q) == "" {
		var out []catalog.Entry
		for _, id := range popular {
			if e, ok := catalog.Get(id); ok {
				out = append(out, e)
			}
		}
		return out
	}
	found := catalog.Search(q)
	return found[:min(len(found), 25)]
}

// onSite reports whether the site has a catalog entry's service already.
func onSite(s *consent.Site, id string) bool {
	return slices.ContainsFunc(s.Services, func(sv consent.Service) bool { return sv.Catalog == id })
}

// suggested is the category a catalog entry goes into on this site: the
// catalog's suggestion when the site has it.
func suggested(s *consent.Site, e catalog.Entry) string {
	if _, ok := s.Category(e.Category); ok {
		return e.Category
	}
	return ""
}

// updateField names a followed field of a catalog service in the console's
// language.
func updateField(a Admin, field string) string {
	switch field {
	case "hosts":
		return a.T.T("a_hosts")
	case "cookies":
		return a.T.T("a_cookies")
	case "policy_url":
		return a.T.T("a_privacy_link")
	case "provider":
		return a.T.T("a_provider")
	case "description_key":
		return a.T.T("a_description")
	}
	return a.T.T("a_field_name")
}

// cookieList names a catalog entry's first n cookies, "…" for the rest,
// joined as the console's language joins a list.
func cookieList(a Admin, e catalog.Entry, n int) string {
	var out []string
	for i, k := range e.Cookies {
		if i == n {
			out = append(out, "…")
			break
		}
		out = append(out, k.Name)
	}
	return cookieNameList(a, out)
}

// cookieNameList joins cookie names as the console's language joins a list
// ("_ga، _gid" in Arabic), in a right-to-left console each isolated left to
// right: in an Arabic line "_ga_*" showed as "*_ga_", its underscore and
// star at the other end. A left-to-right console needs no isolates, and
// gets none: they are invisible characters that a name copied from the
// table would carry into a search or a YAML file.
func cookieNameList(a Admin, names []string) string {
	if a.T.Dir() == "rtl" {
		for i, n := range names {
			names[i] = "\u2066" + n + "\u2069"
		}
	}
	return a.T.List(names)
}

// DiffView compares two revisions.
type DiffView struct {
	Site    string // the ID, for the way back to the editor
	Name    string // the site's name, as its editor's heading says it
	A, B    int
	Changes []ChangeRow
}

// EmbedView is what a site owner pastes.
type EmbedView struct {
	Site      *consent.Site
	Base      string
	Src       string
	Integrity string
	Languages []string
	// Previews are the languages previewed: English, those the site has
	// its own texts in, and the one asked for.
	Previews []string
	// Live is whether the site has a published revision: until it has, its
	// tag shows visitors no banner, and the page says so.
	Live bool
}

// NoScriptURL is the no-JavaScript preferences page of the site, returning
// to the site's own origin (its first allowed origin, or a stand-in to
// replace): the return address is a query value, so it is encoded as one
// (https%3A%2F%2Fshop.example%2F), as an owner's copy must be.
func (v EmbedView) NoScriptURL() string {
	origin := "https://YOUR-SITE"
	if len(v.Site.Origins) > 0 {
		origin = v.Site.Origins[0]
	}
	return v.Base + "/p/" + url.PathEscape(v.Site.ID) + "?" + url.Values{"return": {origin + "/"}}.Encode()
}

// ServiceTag is a site's service with its vendor's tag, rewritten to wait
// for consent.
type ServiceTag struct {
	Name, Category, Tag string
}

// Tags are the site's catalog services' tags, rewritten for blocking.
func (v EmbedView) Tags() []ServiceTag {
	var out []ServiceTag
	for _, sv := range v.Site.Services {
		if tag, ok := catalog.Tag(sv.Catalog, sv.Category); ok {
			out = append(out, ServiceTag{Name: sv.Name, Category: sv.Category, Tag: tag})
		}
	}
	return out
}

// EditableTexts are the message IDs a site may reword: the banner's and
// each of its categories' name and description.
func EditableTexts(s *consent.Site) []string {
	out := append([]string{}, consent.TextKeys...)
	for _, c := range s.Categories {
		name, desc := consent.CategoryTextKeys(c.Key)
		out = append(out, name, desc)
	}
	return out
}

func origins(s *consent.Site) string { return strings.Join(s.Origins, "\n") }

func rules(s *consent.Site) string {
	var out []string
	for c, m := range s.Rules {
		out = append(out, c+" "+string(m))
	}
	sortStrings(out)
	return strings.Join(out, "\n")
}

func consentMap(s *consent.Site) string {
	var out []string
	for c, t := range s.ConsentMap {
		out = append(out, c+": "+strings.Join(t, " "))
	}
	sortStrings(out)
	return strings.Join(out, "\n")
}

func cookieLines(v SiteView) string {
	if v.EditCookies != "" || v.Edit == nil {
		return v.EditCookies
	}
	var out []string
	for _, k := range svc(v).Cookies {
		out = append(out, CookieLine(k))
	}
	return strings.Join(out, "\n")
}

// InForm is a service as the service form shows it in the language being
// edited: a name, a description and cookie purposes given by message keys
// (a catalog service's, the demo's) in that language's words, as visitors
// read them, not as empty fields. The handler compares what comes back
// with it, so a text sent back as shown keeps its key, and every visitor
// still reads it in their own language.
func InForm(t *i18n.Localizer, sv consent.Service) consent.Service {
	sv.Name = ServiceName(t, sv)
	if sv.Description == "" && sv.DescriptionKey != "" {
		sv.Description = orKey(t, sv.DescriptionKey, "")
	}
	sv.Cookies = slices.Clone(sv.Cookies)
	for i, k := range sv.Cookies {
		if k.Purpose == "" && k.PurposeKey != "" {
			sv.Cookies[i].Purpose = orKey(t, k.PurposeKey, "")
		}
	}
	return sv
}

// CookieLine is one cookie as the service form shows it: name | days |
// session or persistent | purpose [| domain]. A lifetime from before days
// were counted shows as it was written ("6 months").
func CookieLine(k consent.Cookie) string {
	kind := "persistent"
	if k.Session {
		kind = "session"
	}
	days := k.Duration
	if k.Days > 0 {
		days = strconv.Itoa(k.Days)
	} else if k.Session {
		days = "0"
	}
	line := k.Name + " | " + days + " | " + kind + " | " + k.Purpose
	if k.Domain != "" {
		line += " | " + k.Domain
	}
	return line
}

func lifetimeDays(s *consent.Site) string {
	return strconv.Itoa(int(s.LifetimeOrDefault().Hours() / 24))
}

// retentionDays is a site's retention in whole days; "0" keeps for ever.
func retentionDays(s *consent.Site) string {
	return strconv.Itoa(int(s.Retention.Hours() / 24))
}

func sortStrings(s []string) { sort.Strings(s) }

// contrast is the WCAG contrast of two colours, as "4.5:1 ✓" or "2.1:1 ✗",
// with the console language's decimal separator ("4,5:1 ✓" in German). It
// is cut, not rounded, to one decimal: WCAG's thresholds are not rounded,
// and 4.48:1 shown as "4.5:1 ✗" beside "needs 4.5:1" would contradict
// itself.
func contrast(t *i18n.Localizer, fg, bg string) string {
	r := consent.Contrast(fg, bg)
	mark := "✓"
	if r < consent.MinContrast {
		mark = "✗"
	}
	return t.Dec(math.Floor(r*10)/10, 1) + ":1 " + mark
}

// textLabel names an editable text as the owner sees it on the banner:
// "Banner heading", "Category name: Analytics".
func textLabel(a Admin, v SiteView, key string) string {
	return TextLabel(a.T, v.Defaults, v.Draft, v.Lang, key)
}

// TextLabel is how the site editor's texts form labels the text key of
// site in lang, in the console's language (t): "Banner heading",
// "Category name: Analytics", the category named as it is in lang
// (defaults holds that language's default texts). An error that names a
// text by its key names it so.
func TextLabel(t, defaults *i18n.Localizer, site *consent.Site, lang, key string) string {
	for _, c := range site.Categories {
		name, desc := consent.CategoryTextKeys(c.Key)
		if key != name && key != desc {
			continue
		}
		// A name refused as too long is not repeated in the label.
		called := CategoryName(defaults, c)
		if own := site.Texts[lang][name]; strings.TrimSpace(own) != "" && utf8.RuneCountInString(own) <= consent.MaxTextLen {
			called = own
		}
		if key == name {
			return t.T("a_t_category_name") + t.Colon() + called
		}
		return t.T("a_t_category_desc") + t.Colon() + called
	}
	return orKey(t, textLabelID(key), key)
}

// Editing names the draft's service the service form edits, as the draft
// holds it (not as typed in a refused edit), and false when the form adds one.
func (v SiteView) Editing() (string, bool) {
	if v.Edit == nil || v.EditIndex < 0 || v.EditIndex >= len(v.Draft.Services) {
		return "", false
	}
	return v.Draft.Services[v.EditIndex].Name, true
}

// typedOr is the Basics form's field as the owner typed it when the form was
// refused, else stored, the value the draft holds.
func (v SiteView) typedOr(field, stored string) string {
	if t, ok := v.Typed[field]; ok && len(t) > 0 {
		return t[0]
	}
	return stored
}
