// Package catalog is the service catalog: known third-party services with
// their cookies (from the Open Cookie Database), the hosts their scripts
// and iframes load from, a suggested category, Consentry's own purpose
// texts (visitor message IDs) and the provider's privacy link. A site adds
// a service from it by ID, in the console or as `catalog: ID` in YAML.
package catalog

//go:generate go run ./gen

import (
	_ "embed"
	"encoding/json"
	"iter"
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/consent"
)

// Entry is one known service.
type Entry struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Provider       string   `json:"provider"`
	Category       string   `json:"category"` // the suggested one
	DescriptionKey string   `json:"description_key"`
	PolicyURL      string   `json:"policy_url"`
	Hosts          []string `json:"hosts,omitempty"`
	Cookies        []Cookie `json:"cookies"`
}

// Cookie is one cookie of a known service.
type Cookie struct {
	Name       string `json:"name"` // may end in * for a prefix
	Days       int    `json:"days,omitempty"`
	Session    bool   `json:"session,omitempty"`
	PurposeKey string `json:"purpose_key"`
	Domain     string `json:"domain,omitempty"`
	// Source is the Open Cookie Database row the facts come from.
	Source string `json:"source"`
}

//go:embed catalog.json
var data []byte

var entries = func() []Entry {
	var out []Entry
	if err := json.Unmarshal(data, &out); err != nil {
		panic("catalog.json: " + err.Error())
	}
	return out
}()

// All returns every entry, in catalog order.
func All() []Entry { return entries }

// Get returns the entry with an ID.
func Get(id string) (Entry, bool) {
	i := slices.IndexFunc(entries, func(e Entry) bool { return e.ID == id })
	if i < 0 {
		return Entry{}, false
	}
	return entries[i], true
}

// Search returns the entries whose ID, name, provider, host or cookie
// matches every word of q, case-insensitively; all of them for "".
func Search(q string) []Entry {
	words := strings.Fields(strings.ToLower(q))
	var out []Entry
	for _, e := range entries {
		hay := strings.ToLower(e.ID + " " + e.Name + " " + e.Provider + " " + e.Category + " " + strings.Join(e.Hosts, " "))
		for _, k := range e.Cookies {
			hay += " " + strings.ToLower(k.Name)
		}
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(hay, w) }) {
			out = append(out, e)
		}
	}
	return out
}

// Size counts the catalog: services, cookies and distinct hosts.
func Size() (services, cookies, hosts int) {
	seen := map[string]bool{}
	for _, e := range entries {
		cookies += len(e.Cookies)
		for _, h := range e.Hosts {
			seen[h] = true
		}
	}
	return len(entries), cookies, len(seen)
}

// Service is the entry as a site's service, in category (its suggested one
// when "" or when the site lacks it; else necessary's fallback is left to
// validation).
func (e Entry) Service() consent.Service {
	sv := consent.Service{Catalog: e.ID, Name: e.Name, Provider: e.Provider, Category: e.Category,
		DescriptionKey: e.DescriptionKey, PolicyURL: e.PolicyURL, Hosts: slices.Clone(e.Hosts), Overrides: []string{}}
	for _, k := range e.Cookies {
		sv.Cookies = append(sv.Cookies, consent.Cookie{Name: k.Name, Domain: k.Domain, Provider: e.Provider,
			PurposeKey: k.PurposeKey, Days: k.Days, Session: k.Session})
	}
	return sv
}

// entryFor is the catalog's version of a site's service: its entry, or
// Consentry's own cookie for "consentry".
func entryFor(s *consent.Site, id string) (consent.Service, bool) {
	if id == "consentry" {
		return consent.OwnService(s.Name, s.Lifetime.Duration), true
	}
	e, ok := Get(id)
	return e.Service(), ok
}

// ofSite is Consentry's own service sv as its site now makes it (e, its
// entryFor): a provider that follows is the site's name, and so is each
// cookie's that named the service's provider, and its own cookie, when
// the cookies follow, lives as long as the site remembers a choice. It
// returns any other service as it is.
func ofSite(sv, e consent.Service) consent.Service {
	if sv.Catalog != "consentry" {
		return sv
	}
	sv.Cookies = slices.Clone(sv.Cookies)
	if !slices.Contains(sv.Overrides, "provider") {
		renameProvider(sv.Cookies, sv.Provider, e.Provider)
		sv.Provider = e.Provider
	}
	if !slices.Contains(sv.Overrides, "cookies") {
		for i, k := range sv.Cookies {
			if k.Name == consent.OwnCookie && k.Domain == "" && !k.Session {
				sv.Cookies[i].Days, sv.Cookies[i].Duration = e.Cookies[0].Days, ""
			}
		}
	}
	return sv
}

// FollowSite brings Consentry's own service along with its site, renamed
// or given another lifetime: it is derived from the site, not from the
// catalog, so that change is the site's, not a catalog update to take. A
// field the owner set stays theirs.
func FollowSite(s *consent.Site) {
	for sv, e := range catalogServices(s) {
		*sv = ofSite(*sv, e)
	}
}

// catalogServices yields each of a site's services added from the catalog
// (one whose entry it still has) with the catalog's version of it.
func catalogServices(s *consent.Site) iter.Seq2[*consent.Service, consent.Service] {
	return func(yield func(*consent.Service, consent.Service) bool) {
		for i := range s.Services {
			sv := &s.Services[i]
			if sv.Catalog == "" {
				continue
			}
			if e, ok := entryFor(s, sv.Catalog); ok && !yield(sv, e) {
				return
			}
		}
	}
}

// Fields are the fields of a catalog service that follow the catalog: a
// catalog update reaches a site's service in each of them unless the owner
// set it to something else (Service.Overrides). The category is not among
// them: it decides what a visitor consents to, so it stays the one the
// service was added in.
var Fields = []string{"name", "provider", "description_key", "policy_url", "hosts", "cookies"}

// field is one followed field of a service and of the catalog's version.
type field struct {
	name     string
	site, of any // *string, *[]string or *[]consent.Cookie
}

func fields(sv, e *consent.Service) []field {
	return []field{
		{"name", &sv.Name, &e.Name}, {"provider", &sv.Provider, &e.Provider},
		{"description_key", &sv.DescriptionKey, &e.DescriptionKey}, {"policy_url", &sv.PolicyURL, &e.PolicyURL},
		{"hosts", &sv.Hosts, &e.Hosts}, {"cookies", &sv.Cookies, &e.Cookies},
	}
}

// unset reports an empty field, which follows the catalog. An empty list
// is as empty as none: the service form sends hosts emptied as one, and
// neither JSON nor YAML keeps it apart from none.
func (f field) unset() bool {
	switch v := f.site.(type) {
	case *string:
		return *v == ""
	case *[]string:
		return len(*v) == 0
	default:
		return len(*f.site.(*[]consent.Cookie)) == 0
	}
}

func (f field) same() bool {
	switch v := f.site.(type) {
	case *string:
		return *v == *f.of.(*string)
	case *[]string:
		return slices.Equal(*v, *f.of.(*[]string))
	default:
		return slices.Equal(*f.site.(*[]consent.Cookie), *f.of.(*[]consent.Cookie))
	}
}

func (f field) take() {
	switch v := f.site.(type) {
	case *string:
		*v = *f.of.(*string)
	case *[]string:
		*v = slices.Clone(*f.of.(*[]string))
	default:
		*f.site.(*[]consent.Cookie) = slices.Clone(*f.of.(*[]consent.Cookie))
	}
}

func (f field) clear() {
	switch v := f.site.(type) {
	case *string:
		*v = ""
	case *[]string:
		*v = nil
	default:
		*f.site.(*[]consent.Cookie) = nil
	}
}

// Resolve fills a site's catalog services from the catalog, as `catalog:
// ID` in YAML asks: a field the YAML leaves out follows the catalog, one it
// sets to something else than the catalog says is the site's own and is
// marked so (Overrides), for export and for later catalog updates.
func Resolve(s *consent.Site) error {
	for i := range s.Services {
		sv := &s.Services[i]
		if sv.Catalog == "" {
			continue
		}
		e, ok := entryFor(s, sv.Catalog)
		if !ok {
			return consent.FieldError(consent.EInvalid, "services", "service %d: %q is not in the catalog (see consentry catalog list)", i+1, sv.Catalog)
		}
		if sv.Category == "" {
			sv.Category = e.Category
		}
		sv.Overrides = []string{}
		for _, f := range fields(sv, &e) {
			switch {
			case f.unset():
				f.take()
			case !f.same():
				sv.Overrides = append(sv.Overrides, f.name)
			}
		}
	}
	return nil
}

// InferOverrides marks, in each of a site's catalog services stored before
// Consentry kept a service's own fields apart from those that follow the
// catalog (Overrides nil, as such a service decodes), every field that
// says something else than the catalog as the owner's: such a service
// keeps each value it was stored with, in exports and through catalog
// updates, as it did then, instead of showing an owner's field as an update
// and losing it from an exported file. A field that differs only because
// the catalog changed since is taken as the owner's too, so nothing is
// changed silently; an empty field follows the catalog, as it does in YAML
// (an empty field there is the catalog's). The stores call it on every
// site they read.
func InferOverrides(s *consent.Site) {
	for sv, e := range catalogServices(s) {
		if sv.Overrides != nil {
			continue
		}
		// Consentry's own service says the site's name and lifetime as
		// they were when it was stored: those were the site's, not the
		// owner's choice for the service.
		now := ofSite(*sv, e)
		sv.Overrides = []string{}
		for _, f := range fields(&now, &e) {
			if !f.unset() && !f.same() {
				sv.Overrides = append(sv.Overrides, f.name)
			}
		}
	}
}

// Edited records an owner's edit of a catalog service in the console's
// service form, from old (as stored) to sv (as saved), which keeps its
// catalog ID: a followed field the form sent back as it showed it keeps
// following the catalog, or stays the owner's; one the owner changed is
// theirs when it now says something else than the catalog, and follows the
// catalog again when it says what the catalog does, or when it was emptied
// (it takes the catalog's, as a field left out of YAML does). A pending
// catalog update of a field the owner did not touch stays pending.
func Edited(s *consent.Site, old consent.Service, sv *consent.Service) {
	e, ok := entryFor(s, sv.Catalog)
	if sv.Catalog == "" || !ok {
		return
	}
	was := fields(sv, &old)
	sv.Overrides = []string{}
	for i, f := range fields(sv, &e) {
		switch {
		case was[i].same():
			if slices.Contains(old.Overrides, f.name) {
				sv.Overrides = append(sv.Overrides, f.name)
			}
		case f.unset():
			f.take()
		case !f.same():
			sv.Overrides = append(sv.Overrides, f.name)
		}
	}
}

// Minimize clears every field of a site's catalog services that follows
// the catalog, so that exported YAML shows `catalog: ID` and only what the
// site set itself: applying it again takes whatever the catalog says then,
// newer hosts and cookies included. Resolve undoes it.
func Minimize(s *consent.Site) {
	for sv, e := range catalogServices(s) {
		if sv.Category == e.Category {
			sv.Category = ""
		}
		for _, f := range fields(sv, &e) {
			if !slices.Contains(sv.Overrides, f.name) {
				f.clear()
			}
		}
		sv.Overrides = nil
	}
}

// Update is a catalog update a site has not taken yet: a field of one of
// its catalog services that follows the catalog and says something else
// than the catalog now does (the catalog learnt a host, a cookie, a link).
type Update struct {
	Service string // the service's name on the site
	Catalog string // its catalog ID
	Field   string // one of Fields
	// Added and Removed are the hosts or cookie names the update adds and
	// removes; Old and New a changed text, or a cookie list whose facts
	// (lifetime, purpose) changed.
	Added, Removed []string
	Old, New       string
}

// Updates lists the catalog updates a site has not taken, in service order.
// Cookies that differ only in naming the service's provider, which an
// update of the provider changes, are part of that update, not one more.
func Updates(s *consent.Site) []Update {
	var out []Update
	for sv, e := range catalogServices(s) {
		for _, f := range fields(sv, &e) {
			if slices.Contains(sv.Overrides, f.name) || f.same() || f.name == "cookies" && followsProvider(sv, &e) ||
				f.name == "cookies" && slices.Equal(ofSite(*sv, e).Cookies, e.Cookies) {
				continue
			}
			u := Update{Service: sv.Name, Catalog: sv.Catalog, Field: f.name}
			switch v := f.site.(type) {
			case *string:
				u.Old, u.New = *v, *f.of.(*string)
			case *[]string:
				u.Added, u.Removed = added(*v, *f.of.(*[]string)), added(*f.of.(*[]string), *v)
			default:
				names := func(ks []consent.Cookie) []string {
					var out []string
					for _, k := range ks {
						out = append(out, k.Name)
					}
					return out
				}
				old, now := names(*f.site.(*[]consent.Cookie)), names(*f.of.(*[]consent.Cookie))
				u.Added, u.Removed = added(old, now), added(now, old)
				if len(u.Added)+len(u.Removed) == 0 {
					u.Old, u.New = strings.Join(old, ", "), strings.Join(now, ", ")
				}
			}
			out = append(out, u)
		}
	}
	return out
}

// followsProvider reports a service whose provider follows the catalog and
// is to change, and whose cookies differ from the catalog's only in
// naming that provider: taking the provider's update takes theirs.
func followsProvider(sv, e *consent.Service) bool {
	if slices.Contains(sv.Overrides, "provider") || sv.Provider == e.Provider {
		return false
	}
	ks := slices.Clone(sv.Cookies)
	renameProvider(ks, sv.Provider, e.Provider)
	return slices.Equal(ks, e.Cookies)
}

// renameProvider gives the cookies that name provider from the provider to
// instead, as a service's cookies follow its provider.
func renameProvider(ks []consent.Cookie, from, to string) {
	for i := range ks {
		if ks[i].Provider == from {
			ks[i].Provider = to
		}
	}
}

// String says the update in a line: "Google Maps: hosts + google.com/maps".
func (u Update) String() string {
	var b strings.Builder
	b.WriteString(u.Service + ": " + strings.ReplaceAll(u.Field, "_", " "))
	for _, x := range u.Added {
		b.WriteString(" + " + x)
	}
	for _, x := range u.Removed {
		b.WriteString(" - " + x)
	}
	if u.Old != "" || u.New != "" {
		b.WriteString(" " + u.Old + " → " + u.New)
	}
	return b.String()
}

// added are the items of b that a lacks.
func added(a, b []string) []string {
	var out []string
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// Refresh takes every catalog update a site has not taken (see Updates):
// each field of its catalog services that follows the catalog becomes what
// the catalog says now. Fields the owner set stay as they are.
func Refresh(s *consent.Site) {
	for sv, e := range catalogServices(s) {
		for _, f := range fields(sv, &e) {
			if !slices.Contains(sv.Overrides, f.name) {
				f.take()
			}
		}
	}
}
