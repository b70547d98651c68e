package templates

import (
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/words"
)

// ChangesSaid is an audit entry's detail and words: what was done (detail
// in English, said in words), then each of changes from a to b
// (consent.Describe), so that the trail names the service added and the
// category it went into, the category removed, what a revision changed,
// whether the console or `consentry sites apply` made it. The detail says
// them in en's words, as the CSV keeps it ("service from catalog; Added
// service YouTube to Marketing (…)").
func ChangesSaid(en *i18n.Localizer, detail string, said words.Words, a, b *consent.Site, changes []consent.Change) (string, []words.Words) {
	all := append([]words.Words{said}, ChangeWords(a, b, changes)...)
	for _, r := range ChangeRows(en, a, b, changes) {
		detail += "; " + r.String()
	}
	return detail, all
}

// ChangeWords are changes from a to b (consent.Describe) as the audit trail
// keeps them: in the messages ChangeRows says them with, filled with what
// changed, so that the trail says which service went into which category,
// or which category was removed, in each reader's language. A service is
// named as written with its catalog ID, a category by its name and key
// ("Marketing (marketing)"), as they were when the change was made.
func ChangeWords(a, b *consent.Site, cs []consent.Change) []words.Words {
	w := changeWords{sites: []*consent.Site{b, a}}
	out := make([]words.Words, 0, len(cs))
	for _, c := range cs {
		out = append(out, w.said(c))
	}
	return out
}

func (w changeWords) said(c consent.Change) words.Words {
	if c.What == "" {
		return words.Say("a_audit_change_to", map[string]words.Words{"What": words.Written(c.Path), "New": words.Written(c.New)})
	}
	args := map[string]words.Words{}
	for k, v := range map[string]string{"Service": c.Service, "Cookie": c.Cookie, "Category": c.Category, "Field": c.Field, "Item": c.Item} {
		if v == "" {
			continue // no slot of its message
		}
		switch k {
		case "Service":
			args[k] = w.serviceWords(v)
		case "Category":
			args[k] = w.categoryWords(v)
		case "Field":
			args[k] = words.SayCode("a_field_", v)
		case "Item":
			args[k] = w.itemWords(c)
		default:
			args[k] = words.Written(v)
		}
	}
	what := words.Say("a_chg_field_item", args)
	switch {
	case c.What == consent.ChangedField && c.Item == "":
		what = words.SayCode("a_field_", c.Field)
	case c.What != consent.ChangedField:
		what = words.Say("a_chg_"+c.What, args)
	}
	old, new := w.valueWords(c, c.Old, c.OldDays), w.valueWords(c, c.New, c.NewDays)
	switch c.What {
	case consent.AddedService:
		if c.New == "" {
			return what
		}
		names := strings.Split(c.New, ", ")
		return words.Say("a_audit_change_note", map[string]words.Words{"What": what,
			"Note": words.SayN("a_chg_cookies", len(names), map[string]words.Words{"Names": words.Written(c.New)})})
	case consent.AddedCookie:
		return words.Say("a_audit_change_note", map[string]words.Words{"What": what, "Note": new})
	}
	switch {
	case c.Old != "" && c.New != "":
		return words.Say("a_audit_change_from_to", map[string]words.Words{"What": what, "Old": old, "New": new})
	case c.New != "":
		return words.Say("a_audit_change_to", map[string]words.Words{"What": what, "New": new})
	case c.Old != "":
		return words.Say("a_audit_change_was", map[string]words.Words{"What": what, "Old": old})
	}
	return what
}

// serviceWords names a service as written, with its catalog ID when it
// has one.
func (w changeWords) serviceWords(name string) words.Words {
	for _, s := range w.sites {
		if s == nil {
			continue
		}
		for _, sv := range s.Services {
			if sv.Name == name && sv.Catalog != "" {
				return words.Say("a_audit_named", map[string]words.Words{"Name": words.Written(name), "ID": words.Written(sv.Catalog)})
			}
		}
	}
	return words.Written(name)
}

// categoryWords names a category by the site's own English name for it, or
// the console's words for a built-in one, and its key.
func (w changeWords) categoryWords(key string) words.Words {
	if key == "" {
		return words.Written("—")
	}
	textKey, _ := consent.CategoryTextKeys(key)
	name := words.Words{Key: textKey, Text: key}
	for _, s := range w.sites {
		if s != nil && s.Texts["en"][textKey] != "" {
			name = words.Written(s.Texts["en"][textKey])
			break
		}
	}
	return words.Say("a_audit_named", map[string]words.Words{"Name": name, "ID": words.Written(key)})
}

// itemWords is item in words to keep.
func (w changeWords) itemWords(c consent.Change) words.Words {
	switch c.Field {
	case "consent_mode":
		return w.categoryWords(c.Item)
	case "appearance":
		if k := appearanceLabels[c.Item]; k != "" {
			return words.Say(k, nil)
		}
	case "vendor_signals":
		if n, ok := vendorSignals[c.Item]; ok {
			return words.Written(n)
		}
	}
	return words.Written(c.Item)
}

// valueWords is value in words to keep.
func (w changeWords) valueWords(c consent.Change, v string, days int) words.Words {
	switch {
	case c.Values == consent.Period && c.Days:
		switch days {
		case consent.ForEver:
			return words.Say("a_for_ever", nil)
		case consent.Session:
			return words.Say("cookie_session", nil)
		}
		return words.SayN("a_n_days", days, nil)
	case c.Values == consent.CategoryKeys:
		return w.categoryWords(v)
	case c.Values == consent.Modes && v != "":
		return words.Words{Key: "a_rule_" + strings.ReplaceAll(v, "-", "_"), Text: v}
	case c.Values == consent.YesNo:
		return words.Say("a_"+v, nil)
	case (c.Field == "purpose" || c.Field == "description") && v != "", w.nameKey(c, v):
		return words.Words{Key: v, Text: v} // a catalog text's or the demo's message key, as visitors read it
	case c.Field == "provider" && w.keyedSite(v) != "":
		return words.Words{Key: w.keyedSite(v), Text: v} // Consentry's own service, provided by the demo under its name
	}
	return words.Written(v)
}
