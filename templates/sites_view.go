package templates

import (
	"sort"
	"strconv"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/store"
)

// SitesView lists the sites.
type SitesView struct {
	Sites []*consent.Site
	Error string
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
	Edit      *consent.Service
	EditIndex int
	Error     string
}

// DiffView compares two revisions.
type DiffView struct {
	Site    string
	A, B    int
	Changes []consent.Change
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

func cookieLines(sv *consent.Service) string {
	if sv == nil {
		return ""
	}
	var out []string
	for _, k := range sv.Cookies {
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
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func lifetimeDays(s *consent.Site) string {
	return strconv.Itoa(int(s.LifetimeOrDefault().Hours() / 24))
}

func sortStrings(s []string) { sort.Strings(s) }
