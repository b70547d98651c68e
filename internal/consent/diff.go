package consent

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Change is one difference between two configurations of a site. Diff
// names it by the path of a field; Describe by What happened, to what
// (Service, Cookie, Category, Field, Item), for a reader to say it in its
// own language.
type Change struct {
	// What happened: one of ChangedField, AddedService and the others
	// (describe.go); "" from Diff.
	What string
	// Path is the field as Diff names it ("appearance.accent",
	// "origins[1]"); Describe leaves it empty but for a field it has no
	// words for.
	Path     string
	Old, New string
	// Values says what Old and New hold: Words, Period, CategoryKeys,
	// Modes or YesNo.
	Values string
	// Field is the configuration field that changed ("retention",
	// "consent_mode"), or the service's or cookie's ("provider",
	// "cookie_lifetime"); Item the part of it ("https://shop.example" of
	// the origins, "marketing" of the Consent Mode mapping, "US" of the
	// rules, "fr banner_title" of the texts, "en privacy" of the links,
	// "accent" of the appearance, "uet" of the vendor signals).
	Field, Item string
	// Service, Cookie and Category name what the change is to: a service
	// by its name, a cookie by its name, a category by its key.
	Service, Cookie, Category string
	// Days marks a period of whole days, as a site owner sets one (how long
	// a choice is remembered, how long decisions are kept, a cookie's
	// lifetime): OldDays and NewDays hold it, ForEver for no end and
	// Session for a session cookie, for a reader to say in its own
	// language; Old and New say it in English (DaysWords).
	Days             bool
	OldDays, NewDays int
	// Material reports whether the change alters what visitors consented
	// to, so that publishing it asks them again by default (material.go).
	// Describe sets it.
	Material bool
}

// ForEver is a period with no end: a retention of zero keeps decisions for
// ever.
const ForEver = -1

// DaysWords says a period of whole days in English, as the console's form
// and the YAML count it: "400 days", "1 day", "for ever".
func DaysWords(days int) string {
	switch days {
	case ForEver:
		return "for ever"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// periods are the fields that hold a period, each with how long it is on
// a site: in whole days (ForEver for no end), or ok false when it is not a
// whole number of days (YAML also takes Go duration text, "4380h").
var periods = map[string]func(*Site) (days int, ok bool){
	// A lifetime of zero is the default's: the console shows and the banner
	// uses that many days, and so does a change.
	"lifetime": func(s *Site) (int, bool) { return wholeDays(s.LifetimeOrDefault()) },
	"retention": func(s *Site) (int, bool) {
		if s.Retention.Duration == 0 {
			return ForEver, true
		}
		return wholeDays(s.Retention.Duration)
	},
}

func wholeDays(d time.Duration) (int, bool) {
	const day = 24 * time.Hour
	return int(d / day), d%day == 0
}

// Diff lists what differs between two configurations, field by field, in
// path order. Revision numbers are not compared. A period is compared and
// shown in days, as the owner sets it ("400 days"), never as the duration
// it is stored as.
func Diff(a, b *Site) []Change {
	fa, fb := flatten(a), flatten(b)
	var out []Change
	for p, v := range fa {
		if w, ok := fb[p]; !ok || w != v {
			out = append(out, Change{Path: p, Field: p, Old: v, New: fb[p]})
		}
	}
	for p, w := range fb {
		if _, ok := fa[p]; !ok {
			out = append(out, Change{Path: p, Field: p, New: w})
		}
	}
	for i, c := range out {
		if days := periods[c.Path]; days != nil {
			o, ook := periodOf(a, days)
			n, nok := periodOf(b, days)
			if ook && nok {
				out[i].Days, out[i].OldDays, out[i].NewDays = true, o, n
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func flatten(s *Site) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	b, _ := json.Marshal(s) // a Site always marshals
	var v any
	json.Unmarshal(b, &v)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case nil:
		default:
			out[path] = fmt.Sprint(x)
		}
	}
	if m, ok := v.(map[string]any); ok {
		// How a revision was published is not part of what it says, nor
		// what its publisher wrote about it (the internal note, the "what
		// changed" text): those are written for one revision, and an export
		// leaves them out, so their absence from the next is no change.
		delete(m, "editorial")
		delete(m, "material_revision")
		delete(m, "change_note")
		delete(m, "what_changed")
	}
	walk("", v)
	for p, days := range periods {
		if n, ok := days(s); ok {
			out[p] = DaysWords(n)
		} // else the Go duration text it was written in
	}
	return out
}

// periodOf is a site's period in days; none (ok, and "" in Old or New)
// when there is no site.
func periodOf(s *Site, days func(*Site) (int, bool)) (int, bool) {
	if s == nil {
		return 0, true
	}
	return days(s)
}
