package consent

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// What a change did, for a reader that words it in its own language (the
// console's publish page, sites apply): each is one sentence there.
const (
	// ChangedField: the site's Field (at Item, when it has parts) went
	// from Old to New.
	ChangedField = "field"
	// AddedItem and RemovedItem: Item joined or left the list in Field
	// (an allowed origin).
	AddedItem   = "added"
	RemovedItem = "removed"
	// Reordered: the services or categories (Field) are in a new order.
	Reordered = "order"
	// AddedService and RemovedService: Service, in Category; New lists an
	// added service's cookies.
	AddedService   = "service_added"
	RemovedService = "service_removed"
	// ChangedService: Field of Service went from Old to New.
	ChangedService = "service"
	// AddedCookie and RemovedCookie: Cookie of Service; New is an added
	// cookie's lifetime.
	AddedCookie   = "cookie_added"
	RemovedCookie = "cookie_removed"
	// ChangedCookie: Field of Cookie of Service went from Old to New.
	ChangedCookie = "cookie"
	// AddedCategory, RemovedCategory: Category; CategoryGPC: whether
	// Global Privacy Control opts out of Category, Old and New "yes"/"no".
	AddedCategory   = "category_added"
	RemovedCategory = "category_removed"
	CategoryGPC     = "category_gpc"
)

// What Old and New of a change hold, for a reader that words them in its
// own language.
const (
	// Words: as they are, a name, a URL, a text.
	Words = ""
	// Period: OldDays and NewDays (with Days set), ForEver or Session
	// included; Old and New say it in English.
	Period = "days"
	// CategoryKeys: the keys of categories, for the reader to name.
	CategoryKeys = "category"
	// YesNo: "yes" or "no".
	YesNo = "yes/no"
	// Modes: a country rule's mode (opt-in, opt-out, notice), or "" for
	// none.
	Modes = "mode"
)

// Session is a cookie's lifetime that ends with the browser session.
const Session = -2

// Describe lists what differs between two configurations, one change a
// line as a site owner thinks of it: a service added with its cookies, not
// one line per field; an allowed origin added, not a list index. Each
// change says whether it is material (material.go). A nil a is a site's
// first revision: everything in b is new but its ID, which names the site
// and never changes, so it is no change.
func Describe(a, b *Site) []Change {
	if a == nil {
		a = &Site{ID: b.ID}
	}
	// The site's name first: a rename is what the owner did, and what it
	// brings along (Consentry's own service, provided under the site's
	// name) follows it. Listed last, the rename read as an afterthought of
	// the provider's rows it caused.
	out := nameChanges(a, b)
	out = append(out, serviceChanges(a, b)...)
	out = append(out, categoryChanges(a, b)...)
	out = append(out, siteChanges(a, b)...)
	if len(out) == 0 && len(Diff(a, b)) > 0 {
		// What is left is the order of a list inside a service; said
		// as the field that changed rather than not at all.
		for _, c := range Diff(a, b) {
			c.What, c.Material = ChangedField, materialField(c.Field)
			out = append(out, c)
		}
	}
	return out
}

func serviceKey(sv Service) string {
	if sv.Catalog != "" {
		return "catalog:" + sv.Catalog
	}
	return "name:" + sv.Name
}

func serviceChanges(a, b *Site) []Change {
	var out []Change
	olds := map[string]Service{}
	for _, sv := range a.Services {
		olds[serviceKey(sv)] = sv
	}
	news := map[string]bool{}
	var kept []string
	for _, sv := range b.Services {
		news[serviceKey(sv)] = true
		old, ok := olds[serviceKey(sv)]
		if !ok {
			out = append(out, Change{What: AddedService, Service: sv.Name, Category: sv.Category, New: cookieNames(sv),
				Material: consented(sv.Category)})
			continue
		}
		kept = append(kept, serviceKey(sv))
		out = append(out, changedService(old, sv)...)
	}
	var was []string
	for _, sv := range a.Services {
		if !news[serviceKey(sv)] {
			out = append(out, Change{What: RemovedService, Service: sv.Name, Category: sv.Category, Material: consented(sv.Category)})
		} else {
			was = append(was, serviceKey(sv))
		}
	}
	if !slices.Equal(was, kept) {
		out = append(out, Change{What: Reordered, Field: "services"}) // asks nothing new
	}
	return out
}

// changedService are the changes to one service kept from a to b. None is
// material while the service stays under Necessary.
func changedService(a, b Service) []Change {
	var out []Change
	asked := consented(a.Category) || consented(b.Category)
	for _, f := range []struct {
		field, old, new string
		material        bool
	}{
		{"name", named(a), named(b), true}, {"provider", a.Provider, b.Provider, true},
		{"description", describes(a), describes(b), rewords(describes(a), describes(b))},
		{"privacy_link", a.PolicyURL, b.PolicyURL, rewords(a.PolicyURL, b.PolicyURL)},
		{"hosts", strings.Join(a.Hosts, " "), strings.Join(b.Hosts, " "), false},
	} {
		if f.old != f.new {
			out = append(out, Change{What: ChangedService, Service: b.Name, Field: f.field, Old: f.old, New: f.new, Material: asked && f.material})
		}
	}
	if a.Category != b.Category {
		out = append(out, Change{What: ChangedService, Service: b.Name, Field: "category", Values: CategoryKeys, Old: a.Category, New: b.Category,
			Material: asked})
	}
	for _, k := range b.Cookies {
		i := slices.IndexFunc(a.Cookies, func(o Cookie) bool { return o.Name == k.Name })
		if i < 0 {
			c := Change{What: AddedCookie, Service: b.Name, Cookie: k.Name, Material: asked}
			c.New, c.NewDays, c.Days = lifeOf(k)
			if c.Days {
				c.Values = Period
			}
			out = append(out, c)
			continue
		}
		out = append(out, changedCookie(b.Name, a.Cookies[i], k, asked)...)
	}
	for _, o := range a.Cookies {
		if !slices.ContainsFunc(b.Cookies, func(k Cookie) bool { return k.Name == o.Name }) {
			out = append(out, Change{What: RemovedCookie, Service: b.Name, Cookie: o.Name, Material: asked})
		}
	}
	return out
}

// named is what names a service: the message key that names it in every
// language, else its own name.
func named(sv Service) string {
	if sv.NameKey != "" {
		return sv.NameKey
	}
	return sv.Name
}

// siteNamed is what names a site: the message key that names it in every
// language, else its own name.
func siteNamed(s *Site) string {
	if s.NameKey != "" {
		return s.NameKey
	}
	return s.Name
}

// describes is what describes a service: its own words, else the message
// key of the catalog's.
func describes(sv Service) string {
	if sv.Description != "" {
		return sv.Description
	}
	return sv.DescriptionKey
}

// changedCookie are the changes to one cookie. What visitors were told of
// it is material: its lifetime, its provider, a purpose reworded; its
// domain is where the banner removes it from.
func changedCookie(service string, a, b Cookie, asked bool) []Change {
	var out []Change
	c := Change{What: ChangedCookie, Service: service, Cookie: b.Name}
	if a.Days != b.Days || a.Session != b.Session || a.Duration != b.Duration {
		l := c
		l.Field, l.Material = "cookie_lifetime", asked
		var od, nd bool
		l.Old, l.OldDays, od = lifeOf(a)
		l.New, l.NewDays, nd = lifeOf(b)
		if od && nd {
			l.Values, l.Days = Period, true
		}
		out = append(out, l)
	}
	for _, f := range []struct {
		field, old, new string
		material        bool
	}{
		{"purpose", purposeOf(a), purposeOf(b), rewords(purposeOf(a), purposeOf(b))},
		{"provider", a.Provider, b.Provider, true},
		{"domain", a.Domain, b.Domain, false},
	} {
		if f.old != f.new {
			p := c
			p.Field, p.Old, p.New, p.Material = f.field, f.old, f.new, asked && f.material
			out = append(out, p)
		}
	}
	return out
}

func purposeOf(k Cookie) string {
	if k.Purpose != "" {
		return k.Purpose
	}
	return k.PurposeKey
}

// lifeOf is a cookie's lifetime in English, and in days (Session for a
// session cookie) when it can be counted in days: a lifetime written
// before days were counted ("6 months") is read as ParseDays reads it.
func lifeOf(k Cookie) (words string, days int, counted bool) {
	switch {
	case k.Session:
		return "session", Session, true
	case k.Days > 0:
		return DaysWords(k.Days), k.Days, true
	}
	if days, session, ok := ParseDays(k.Duration); ok && !session {
		return DaysWords(days), days, true
	}
	return k.Duration, 0, false
}

func cookieNames(sv Service) string {
	names := make([]string, 0, len(sv.Cookies))
	for _, k := range sv.Cookies {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

func categoryChanges(a, b *Site) []Change {
	var out []Change
	var was, kept []string
	for _, c := range b.Categories {
		if _, ok := a.Category(c.Key); !ok {
			out = append(out, Change{What: AddedCategory, Category: c.Key, Material: true})
		} else {
			kept = append(kept, c.Key)
		}
	}
	for _, c := range a.Categories {
		n, ok := b.Category(c.Key)
		switch {
		case !ok:
			out = append(out, Change{What: RemovedCategory, Category: c.Key, Material: true})
			continue
		case n.GPC != c.GPC:
			out = append(out, Change{What: CategoryGPC, Category: c.Key, Values: YesNo, Old: yesNo(c.GPC), New: yesNo(n.GPC), Material: true})
		}
		was = append(was, c.Key)
	}
	if !slices.Equal(was, kept) {
		out = append(out, Change{What: Reordered, Field: "categories"}) // asks nothing new
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// siteChanges are the changes to the site's own fields, one a part: an
// origin, a category's Consent Mode types, a country's rule, one text in
// one language. A field no line below knows is said as Diff says it.
// nameChanges is the change of the site's name, if any.
func nameChanges(a, b *Site) []Change {
	old, new := a.Name, b.Name
	if a.NameKey != b.NameKey {
		// A key naming the site in every language (the demo's) given up
		// for a name of the owner's own, or the other way round: one
		// change of the name visitors read.
		old, new = siteNamed(a), siteNamed(b)
	}
	if old == new {
		return nil
	}
	return []Change{{What: ChangedField, Field: "name", Old: old, New: new, Material: materialField("name")}}
}

func siteChanges(a, b *Site) []Change {
	var out []Change
	field := func(f, item, old, new string) {
		if old != new {
			out = append(out, Change{What: ChangedField, Field: f, Item: item, Old: old, New: new, Material: materialField(f)})
		}
	}
	for _, o := range b.Origins {
		if !slices.Contains(a.Origins, o) {
			out = append(out, Change{What: AddedItem, Field: "origins", Item: o})
		}
	}
	for _, o := range a.Origins {
		if !slices.Contains(b.Origins, o) {
			out = append(out, Change{What: RemovedItem, Field: "origins", Item: o})
		}
	}
	x, y := *a, *b
	x.Services, y.Services, x.Categories, y.Categories = nil, nil, nil, nil
	x.Name, y.Name, x.NameKey, y.NameKey, x.Origins, y.Origins = "", "", "", "", nil, nil
	for _, c := range Diff(&Site{Lifetime: a.Lifetime, Retention: a.Retention}, &Site{Lifetime: b.Lifetime, Retention: b.Retention}) {
		c.What, c.Material = ChangedField, materialField(c.Field)
		if c.Days {
			c.Values = Period
		}
		out = append(out, c)
	}
	x.Lifetime, y.Lifetime, x.Retention, y.Retention = Duration{}, Duration{}, Duration{}, Duration{}
	for _, k := range union(a.ConsentMap, b.ConsentMap) {
		field("consent_mode", k, strings.Join(a.ConsentMap[k], ", "), strings.Join(b.ConsentMap[k], ", "))
	}
	x.ConsentMap, y.ConsentMap = nil, nil
	for _, k := range union(a.Rules, b.Rules) {
		if a.Rules[k] != b.Rules[k] {
			out = append(out, Change{What: ChangedField, Field: "rules", Item: k, Values: Modes, Old: string(a.Rules[k]), New: string(b.Rules[k]),
				Material: materialField("rules")})
		}
	}
	x.Rules, y.Rules = nil, nil
	for _, lang := range union(a.Texts, b.Texts) {
		for _, k := range union(a.Texts[lang], b.Texts[lang]) {
			field("texts", lang+" "+k, a.Texts[lang][k], b.Texts[lang][k])
		}
	}
	x.Texts, y.Texts = nil, nil
	for _, lang := range union(a.Links, b.Links) {
		field("links", lang+" privacy", a.Links[lang].Privacy, b.Links[lang].Privacy)
		field("links", lang+" legal", a.Links[lang].Legal, b.Links[lang].Legal)
	}
	x.Links, y.Links = nil, nil
	p, q := a.Appearance, b.Appearance
	for _, f := range [][3]string{{"layout", p.Layout, q.Layout}, {"position", p.Position, q.Position}, {"background", p.Background, q.Background},
		{"text", p.Text, q.Text}, {"accent", p.Accent, q.Accent}, {"accent_text", p.AccentText, q.AccentText}} {
		field("appearance", f[0], f[1], f[2])
	}
	if p.NonBlocking != q.NonBlocking {
		out = append(out, Change{What: ChangedField, Field: "appearance", Item: "non_blocking", Values: YesNo, Old: yesNo(p.NonBlocking), New: yesNo(q.NonBlocking)})
	}
	x.Appearance, y.Appearance = Appearance{}, Appearance{}
	if a.AgeNotice != b.AgeNotice {
		out = append(out, Change{What: ChangedField, Field: "age_notice", Values: YesNo, Old: yesNo(a.AgeNotice), New: yesNo(b.AgeNotice)})
	}
	x.AgeNotice, y.AgeNotice = false, false
	for _, k := range union(a.Signals, b.Signals) {
		if a.Signals[k] != b.Signals[k] {
			out = append(out, Change{What: ChangedField, Field: "vendor_signals", Item: k, Values: CategoryKeys, Old: a.Signals[k], New: b.Signals[k], Material: true})
		}
	}
	x.Signals, y.Signals = nil, nil
	for _, c := range Diff(&x, &y) {
		c.What, c.Material = ChangedField, materialField(c.Field)
		out = append(out, c)
	}
	return out
}

// union is the keys of two maps, sorted.
func union[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// String says the change in English, for a log or a test; the console and
// sites apply word it in their own language (templates.ChangeRow).
func (c Change) String() string {
	s := strings.Join(slices.DeleteFunc([]string{c.What, c.Service, c.Cookie, c.Category, c.Field, c.Item}, func(s string) bool { return s == "" }), " ")
	if c.Old != "" || c.New != "" {
		s += fmt.Sprintf(": %s → %s", c.Old, c.New)
	}
	return s
}
