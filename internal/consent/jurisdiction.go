package consent

import (
	"regexp"
	"strings"
)

// Mode is how a jurisdiction asks for consent.
type Mode string

// The modes a jurisdiction rule can set.
const (
	// OptIn: nothing non-essential until the visitor grants it (GDPR,
	// ePrivacy). The mode for every country a site has no rule for, and for
	// an unknown country.
	OptIn Mode = "opt-in"
	// OptOut: categories granted by default, with a visible "Do not sell or
	// share" choice; Global Privacy Control opts out (CCPA/CPRA and similar).
	OptOut Mode = "opt-out"
	// Notice: inform only; categories granted by default.
	Notice Mode = "notice"
)

// GPCBinds reports whether a Global Privacy Control signal (gpc) binds in
// mode m: in an opt-out or notice region it holds the categories it covers
// off whatever the visitor chooses; in an opt-in one it does not bind (it
// only leaves those categories out of "accept all").
func (m Mode) GPCBinds(gpc bool) bool { return gpc && m != OptIn }

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidCountry reports whether s is an ISO 3166-1 alpha-2 code in upper case.
func ValidCountry(s string) bool { return countryPattern.MatchString(s) }

// Jurisdiction is the rule applied to one visitor.
type Jurisdiction struct {
	Country string // "" when unknown
	Mode    Mode
}

// Rule is how the record names the rule applied: the mode, and the country
// it was chosen for.
func (j Jurisdiction) Rule() string {
	if j.Country == "" {
		switch j.Mode { // every decision without a country header names one of these
		case OptIn:
			return "opt-in (country unknown)"
		case OptOut:
			return "opt-out (country unknown)"
		case Notice:
			return "notice (country unknown)"
		}
		return string(j.Mode) + " (country unknown)"
	}
	return string(j.Mode) + " (" + j.Country + ")"
}

// JurisdictionFor picks the rule for a visitor's country: the site's rule
// for that country, opt-in otherwise, and opt-in when the country is unknown.
func (s *Site) JurisdictionFor(country string) Jurisdiction {
	country = strings.ToUpper(strings.TrimSpace(country))
	if !ValidCountry(country) {
		return Jurisdiction{Mode: OptIn}
	}
	if m, ok := s.Rules[country]; ok {
		return Jurisdiction{Country: country, Mode: m}
	}
	return Jurisdiction{Country: country, Mode: OptIn}
}

// Defaults are the categories granted before the visitor decides: only the
// required ones in an opt-in region (nothing is ever pre-granted there);
// every category in an opt-out or notice region, except those Global Privacy
// Control opts out of when the signal is on.
func (s *Site) Defaults(m Mode, gpc bool) map[string]bool {
	out := map[string]bool{}
	for _, c := range s.Categories {
		out[c.Key] = c.Required || (m != OptIn && !(gpc && c.GPC))
	}
	return out
}
