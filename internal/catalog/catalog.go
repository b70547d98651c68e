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
		DescriptionKey: e.DescriptionKey, PolicyURL: e.PolicyURL, Hosts: slices.Clone(e.Hosts)}
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

// Resolve fills every unset field of a site's catalog services from the
// catalog, as `catalog: ID` in YAML asks: what the YAML sets wins.
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
		for _, f := range []struct{ v, def *string }{
			{&sv.Name, &e.Name}, {&sv.Provider, &e.Provider}, {&sv.Category, &e.Category},
			{&sv.DescriptionKey, &e.DescriptionKey}, {&sv.PolicyURL, &e.PolicyURL},
		} {
			if *f.v == "" {
				*f.v = *f.def
			}
		}
		if sv.Hosts == nil {
			sv.Hosts = e.Hosts
		}
		if sv.Cookies == nil {
			sv.Cookies = e.Cookies
		}
	}
	return nil
}

// Minimize clears every field of a site's catalog services that says what
// the catalog says, so that exported YAML shows `catalog: ID` and only
// what the site changed. Resolve undoes it.
func Minimize(s *consent.Site) {
	for i := range s.Services {
		sv := &s.Services[i]
		e, ok := entryFor(s, sv.Catalog)
		if sv.Catalog == "" || !ok {
			continue
		}
		for _, f := range []struct{ v, def *string }{
			{&sv.Name, &e.Name}, {&sv.Provider, &e.Provider}, {&sv.Category, &e.Category},
			{&sv.DescriptionKey, &e.DescriptionKey}, {&sv.PolicyURL, &e.PolicyURL},
		} {
			if *f.v == *f.def {
				*f.v = ""
			}
		}
		if slices.Equal(sv.Hosts, e.Hosts) {
			sv.Hosts = nil
		}
		if slices.Equal(sv.Cookies, e.Cookies) {
			sv.Cookies = nil
		}
	}
}
