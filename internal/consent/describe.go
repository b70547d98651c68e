package consent

import (
	"fmt"
	"slices"
	"strings"
)

// Describe lists what differs between two configurations in words a site
// owner reads: a service or category added or removed as one line (a new
// service with its cookies, not one line per field), a changed field as
// "where: what" with its old and new value. Each change says whether it is
// material (material.go).
func Describe(a, b *Site) []Change {
	if a == nil {
		a = &Site{}
	}
	var out []Change
	key := func(sv Service) string {
		if sv.Catalog != "" {
			return "catalog:" + sv.Catalog
		}
		return "name:" + sv.Name
	}
	olds := map[string]Service{}
	for _, sv := range a.Services {
		olds[key(sv)] = sv
	}
	news := map[string]bool{}
	for _, sv := range b.Services {
		news[key(sv)] = true
		old, ok := olds[key(sv)]
		if !ok {
			out = append(out, Change{Path: fmt.Sprintf("Service “%s”", sv.Name), New: fmt.Sprintf("added in %s, %s", sv.Category, cookieNames(sv)),
				Material: consented(sv.Category)})
			continue
		}
		out = append(out, serviceChanges(old, sv)...)
	}
	for _, sv := range a.Services {
		if !news[key(sv)] {
			out = append(out, Change{Path: fmt.Sprintf("Service “%s”", sv.Name), Old: fmt.Sprintf("in %s, %s", sv.Category, cookieNames(sv)),
				Material: consented(sv.Category)})
		}
	}
	for _, c := range b.Categories {
		if _, ok := a.Category(c.Key); !ok {
			out = append(out, Change{Path: fmt.Sprintf("Category “%s”", c.Key), New: "added", Material: true})
		}
	}
	for _, c := range a.Categories {
		n, ok := b.Category(c.Key)
		switch {
		case !ok:
			out = append(out, Change{Path: fmt.Sprintf("Category “%s”", c.Key), Old: "removed", Material: true})
		case n.GPC != c.GPC:
			out = append(out, Change{Path: fmt.Sprintf("Category “%s”: off under Global Privacy Control", c.Key), Old: fmt.Sprint(c.GPC), New: fmt.Sprint(n.GPC),
				Material: true})
		}
	}
	x, y := *a, *b
	x.Services, y.Services, x.Categories, y.Categories = nil, nil, nil, nil
	for _, c := range Diff(&x, &y) {
		c.Path, c.Material = words(c.Path), materialField(c.Field)
		out = append(out, c)
	}
	if len(out) == 0 {
		// What is left is order alone (services or categories moved), or a
		// field of a service no line above words.
		for _, c := range Diff(a, b) {
			c.Path, c.Material = words(c.Path), materialField(c.Field)
			out = append(out, c)
		}
	}
	return out
}

// serviceChanges are the changes to one service kept from a to b. None is
// material while the service stays under Necessary.
func serviceChanges(a, b Service) []Change {
	var out []Change
	where := fmt.Sprintf("Service “%s”", b.Name)
	asked := consented(a.Category) || consented(b.Category)
	for _, f := range []struct {
		what, old, new string
		material       bool
	}{
		{"name", a.Name, b.Name, true}, {"provider", a.Provider, b.Provider, true}, {"category", a.Category, b.Category, true},
		{"description", a.Description, b.Description, rewords(a.Description, b.Description)},
		{"privacy link", a.PolicyURL, b.PolicyURL, rewords(a.PolicyURL, b.PolicyURL)},
		{"hosts", strings.Join(a.Hosts, " "), strings.Join(b.Hosts, " "), false},
	} {
		if f.old != f.new {
			out = append(out, Change{Path: where + ": " + f.what, Old: f.old, New: f.new, Material: asked && f.material})
		}
	}
	for _, k := range b.Cookies {
		i := slices.IndexFunc(a.Cookies, func(o Cookie) bool { return o.Name == k.Name })
		switch {
		case i < 0:
			out = append(out, Change{Path: fmt.Sprintf("%s: cookie “%s”", where, k.Name), New: "added, " + lifetime(k), Material: asked})
		case a.Cookies[i] != k:
			o := a.Cookies[i]
			out = append(out, Change{Path: fmt.Sprintf("%s: cookie “%s”", where, k.Name), Old: lifetime(o) + " " + o.Purpose, New: lifetime(k) + " " + k.Purpose,
				Material: asked && materialCookie(o, k)})
		}
	}
	for _, o := range a.Cookies {
		if !slices.ContainsFunc(b.Cookies, func(k Cookie) bool { return k.Name == o.Name }) {
			out = append(out, Change{Path: fmt.Sprintf("%s: cookie “%s”", where, o.Name), Old: "removed", Material: asked})
		}
	}
	return out
}

func lifetime(k Cookie) string {
	switch {
	case k.Session:
		return "session"
	case k.Days > 0:
		return fmt.Sprintf("%d days", k.Days)
	}
	return k.Duration
}

func cookieNames(sv Service) string {
	names := make([]string, 0, len(sv.Cookies))
	for _, k := range sv.Cookies {
		names = append(names, k.Name)
	}
	if len(names) > 6 {
		names = append(names[:6], "…")
	}
	return fmt.Sprintf("%d cookies: %s", len(sv.Cookies), strings.Join(names, ", "))
}

// fieldWords name a configuration's fields as the editor labels them.
var fieldWords = map[string]string{
	"name": "Name", "origins": "Allowed origins", "lifetime": "Choice remembered for", "retention": "Keep decisions in the log for", "consent_mode": "Consent Mode",
	"appearance": "Appearance", "rules": "Country rules", "texts": "Texts", "age_notice": "Age notice", "links": "Links",
	"vendor_signals": "Vendor signals", "change_note": "Internal note", "what_changed": "What changed",
	"layout": "layout", "position": "position", "background": "background colour", "text": "text colour",
	"accent": "button colour", "accent_text": "button text colour", "non_blocking": "non-blocking", "privacy": "privacy policy", "legal": "legal notice",
}

// words turns a field path ("appearance.accent", "texts.fr.banner_title")
// into words ("Appearance: button colour", "Texts: fr: banner_title").
func words(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		base, idx, _ := strings.Cut(p, "[")
		if w, ok := fieldWords[base]; ok {
			base = w
		}
		if idx != "" {
			base += " " + strings.TrimSuffix(idx, "]")
		}
		parts[i] = base
	}
	return strings.Join(parts, ": ")
}
