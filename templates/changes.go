package templates

import (
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
)

// ChangeRow is one change as a site owner reads it, in the console's
// language: what changed ("Added service Google Analytics 4 to
// Analytics"), its old and new value where it has them, and a note
// ("cookies: _ga, _ga_*"). What the owner typed (a service's or a
// cookie's name, an origin, a host) is a value as written, in a <bdi> of
// its own on the page.
type ChangeRow struct {
	What, Old, New, Note Phrase
	// Material is whether the change alters what visitors consented to
	// (consent.Change.Material): the publish form marks it.
	Material bool
}

// ChangeRows words changes from a to b (consent.Describe) in t's language:
// the console's publish form and revisions' comparison, and sites apply in
// English. A category is named as visitors read it in that language, the
// site's own name for it first.
func ChangeRows(t *i18n.Localizer, a, b *consent.Site, cs []consent.Change) []ChangeRow {
	w := changeWords{t: t, sites: []*consent.Site{b, a}}
	out := make([]ChangeRow, 0, len(cs))
	for _, c := range cs {
		r := w.row(c)
		r.Material = c.Material
		out = append(out, r)
	}
	return out
}

type changeWords struct {
	t     *i18n.Localizer
	sites []*consent.Site // the newer first; either may be nil
}

func (w changeWords) row(c consent.Change) ChangeRow {
	t := w.t
	data := map[string]any{"Service": c.Service, "Cookie": c.Cookie, "Category": Plain(w.category(c.Category)), "Field": Plain(w.field(c)), "Item": w.item(c)}
	r := ChangeRow{Old: w.value(c, c.Old, c.OldDays), New: w.value(c, c.New, c.NewDays)}
	switch c.What {
	case consent.AddedService:
		r.New = nil
		if c.New != "" {
			names := strings.Split(c.New, ", ")
			shown := names[:min(len(names), 6)]
			if len(names) > len(shown) {
				shown = append(shown, "…")
			}
			r.Note = fill(t.ND("a_chg_cookies", len(names), map[string]any{"Names": "\uE0000\uE001"}), []Phrase{Written(t.List(shown))})
		}
	case consent.AddedCookie:
		r.Note, r.New = r.New, nil
	case consent.ChangedField:
		if c.Item == "" {
			return ChangeRow{What: Plain(w.field(c)), Old: r.Old, New: r.New}
		}
		r.What, _ = Said(t, "a_chg_field_item", data)
		return r
	case "":
		return ChangeRow{What: Written(c.Path), Old: Written(c.Old), New: Written(c.New)}
	}
	r.What, _ = Said(t, "a_chg_"+c.What, data)
	return r
}

// category names a category by its key.
func (w changeWords) category(key string) string {
	if key == "" {
		return ""
	}
	name, _ := consent.CategoryTextKeys(key)
	for _, lang := range []string{w.t.Lang, "en"} {
		for _, s := range w.sites {
			if s != nil && s.Texts[lang][name] != "" {
				return s.Texts[lang][name]
			}
		}
		if lang == w.t.Lang {
			if n := orKey(w.t, name, ""); n != "" {
				return n
			}
		}
	}
	return key
}

// field names the field that changed as the editor's form labels it.
func (w changeWords) field(c consent.Change) string {
	if c.Field == "" {
		return ""
	}
	return orKey(w.t, "a_field_"+c.Field, c.Field)
}

// appearanceLabels are the basics form's labels of the appearance's parts.
var appearanceLabels = map[string]string{"layout": "a_layout", "position": "a_position_banner", "background": "a_background",
	"text": "a_text_colour", "accent": "a_accent", "accent_text": "a_accent_text", "non_blocking": "a_non_blocking"}

// vendorSignals name the vendor signals as the basics form does.
var vendorSignals = map[string]string{"uet": "Microsoft UET", "meta": "Meta Pixel (fbq)"}

// item names the part of a field that changed: in words where the editor
// labels it, else as written (an origin, a host).
func (w changeWords) item(c consent.Change) Phrase {
	switch c.Field {
	case "consent_mode":
		return Plain(w.category(c.Item))
	case "appearance":
		return Plain(orKey(w.t, appearanceLabels[c.Item], c.Item))
	case "vendor_signals":
		if n, ok := vendorSignals[c.Item]; ok {
			return Written(n)
		}
	case "links":
		lang, which, _ := strings.Cut(c.Item, " ")
		id := "a_privacy_link"
		if which == "legal" {
			id = "a_legal_link"
		}
		return Plain(w.t.T(id) + InLanguage(lang))
	case "texts":
		lang, key, _ := strings.Cut(c.Item, " ")
		return Plain(w.text(key) + InLanguage(lang))
	}
	return Written(c.Item)
}

// text names a text a site may reword, as the texts form labels it.
func (w changeWords) text(key string) string {
	for _, s := range w.sites {
		if s == nil {
			continue
		}
		for _, cat := range s.Categories {
			switch name, desc := consent.CategoryTextKeys(cat.Key); key {
			case name:
				return w.t.T("a_t_category_name") + w.t.Colon() + w.category(cat.Key)
			case desc:
				return w.t.T("a_t_category_desc") + w.t.Colon() + w.category(cat.Key)
			}
		}
	}
	return orKey(w.t, "a_t_"+key, key)
}

// value says one side of a change in the console's language: a period, a
// category, a country rule's mode, yes or no; anything else as written.
func (w changeWords) value(c consent.Change, v string, days int) Phrase {
	switch {
	case c.Values == consent.Period && c.Days:
		switch days {
		case consent.ForEver:
			return Plain(w.t.T("a_for_ever"))
		case consent.Session:
			return Plain(w.t.T("cookie_session"))
		}
		return Plain(w.t.N("a_n_days", days))
	case c.Values == consent.CategoryKeys:
		return Plain(w.category(v))
	case c.Values == consent.Modes && v != "":
		return Plain(RuleWords(w.t, v))
	case c.Values == consent.YesNo:
		if v == "yes" {
			return Plain(w.t.T("a_yes"))
		}
		return Plain(w.t.T("a_no"))
	case c.Field == "purpose" || c.Field == "description" || w.nameKey(c, v):
		return Plain(orKey(w.t, v, v)) // a catalog text's or the demo's message key, as visitors read it
	case c.Field == "provider":
		if key := w.keyedSite(v); key != "" {
			return Plain(orKey(w.t, key, v)) // Consentry's own service, provided by the demo under its name
		}
	}
	return Written(v)
}

// nameKey reports whether v, a side of a change of a site's or a
// service's name, is the message key naming it in every language (the
// demo's) rather than a name of the owner's own.
func (w changeWords) nameKey(c consent.Change, v string) bool {
	if c.Field != "name" || v == "" {
		return false
	}
	for _, s := range w.sites {
		switch {
		case s == nil:
		case c.What == consent.ChangedField && s.NameKey == v:
			return true
		case c.What == consent.ChangedService:
			for _, sv := range s.Services {
				if sv.NameKey == v {
					return true
				}
			}
		}
	}
	return false
}

// keyedSite is the message key naming a site whose own name is name, or
// "": the provider of a site's own service (consent.OwnService) is the
// site's name, which visitors read in their language when a key names it
// (ShownServices).
func (w changeWords) keyedSite(name string) string {
	for _, s := range w.sites {
		if s != nil && s.NameKey != "" && s.Name == name {
			return s.NameKey
		}
	}
	return ""
}

// String is the row on one line: "Name: Shop → Shop 2", "Added service
// Hotjar to Analytics (cookies: _hjSessionUser_*)".
func (r ChangeRow) String() string {
	s, old, new := r.What.String(), r.Old.String(), r.New.String()
	switch {
	case old != "" && new != "":
		s += ": " + old + " → " + new
	case new != "":
		s += ": " + new
	case old != "":
		s += ": " + old + " → —"
	}
	if note := r.Note.String(); note != "" {
		s += " (" + note + ")"
	}
	return s
}
