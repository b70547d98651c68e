package consent

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The built-in category keys. Necessary is always granted; the others start
// denied in an opt-in region and are never pre-granted there.
const (
	Necessary   = "necessary"
	Preferences = "preferences"
	Analytics   = "analytics"
	Marketing   = "marketing"
)

// BuiltInCategories are the four categories every site starts with and
// keeps: necessary (always granted), preferences, analytics and marketing
// (which Global Privacy Control opts out of).
func BuiltInCategories() []Category {
	return []Category{{Key: Necessary, Required: true}, {Key: Preferences}, {Key: Analytics}, {Key: Marketing, GPC: true}}
}

// BuiltIn reports whether key names one of the built-in categories.
func BuiltIn(key string) bool {
	return key == Necessary || key == Preferences || key == Analytics || key == Marketing
}

// ConsentModeTypes are Google Consent Mode v2's storage types, in the fixed
// order the token's bit mask and the snippet share.
var ConsentModeTypes = []string{
	"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
	"functionality_storage", "personalization_storage", "security_storage",
}

// Site is one website that embeds the snippet, as of one published revision.
type Site struct {
	ID   string `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
	// NameKey names a visitor message that names the site in every
	// language (the demo's: "Green Cross Pharmacy (demo)" is "Apotheke zum
	// Grünen Kreuz (Demo)" to a German visitor); Name is how the owner
	// calls it, which the console shows, and renaming the site drops the
	// key, so that an owner's name is never overridden.
	NameKey    string     `json:"name_key,omitempty" yaml:"name_key,omitempty"`
	Origins    []string   `json:"origins" yaml:"origins"`
	Categories []Category `json:"categories" yaml:"categories"`
	Services   []Service  `json:"services" yaml:"services"`
	Lifetime   Duration   `json:"lifetime" yaml:"lifetime_days,omitempty"`
	// Retention is how long the site's decisions stay in the ledger: the
	// scheduled purge removes older ones (zero: kept for ever). It is at
	// least the consent lifetime, so a decision in force keeps its proof.
	Retention  Duration            `json:"retention,omitzero" yaml:"retention_days,omitempty"`
	ConsentMap map[string][]string `json:"consent_mode" yaml:"consent_mode"`
	Appearance Appearance          `json:"appearance" yaml:"appearance"`
	// Rules choose the mode per visitor country; any other country, and an
	// unknown one, is opt-in.
	Rules map[string]Mode `json:"rules,omitempty" yaml:"rules,omitempty"`
	// Texts override the default texts: language → message ID → text.
	Texts map[string]map[string]string `json:"texts,omitempty" yaml:"texts,omitempty"`
	// AgeNotice shows that the site is not directed at children and that
	// nothing profiling is pre-granted.
	AgeNotice bool `json:"age_notice,omitempty" yaml:"age_notice,omitempty"`
	// Links are the site's privacy policy and legal notice per language,
	// shown on the banner's first layer.
	Links map[string]Links `json:"links,omitempty" yaml:"links,omitempty"`
	// Signals maps vendor consent signals beside Google Consent Mode to the
	// category that grants them: "uet" (Microsoft UET consent mode) and
	// "meta" (the Meta pixel's fbq consent).
	Signals map[string]string `json:"vendor_signals,omitempty" yaml:"vendor_signals,omitempty"`
	// ChangeNote is the internal note on what changed in this revision, for
	// the console and the audit trail; visitors never see it.
	ChangeNote string `json:"change_note,omitempty" yaml:"change_note,omitempty"`
	// WhatChanged is the visitor-facing "what changed" text of a material
	// revision, per language.
	WhatChanged map[string]string `json:"what_changed,omitempty" yaml:"what_changed,omitempty"`
	// Editorial marks a revision that only fixes wording or adds
	// descriptions: nobody is asked again.
	Editorial bool `json:"editorial,omitempty" yaml:"-"`
	// MaterialRevision is the newest material revision at or before an
	// editorial one (0: this revision is itself material). A visitor's token
	// of that revision or later is current.
	MaterialRevision int `json:"material_revision,omitempty" yaml:"-"`
	// Revision is the number of the published revision this configuration
	// belongs to; zero for a draft that was never published.
	Revision int `json:"-" yaml:"-"`
	// Frozen is the SHA-256 of the configuration as the store keeps it for
	// this revision (its stored JSON), set by the store; zero for a draft.
	// The revision's texts snapshots name it (Texts.Config), so a
	// configuration changed after publishing no longer matches what the
	// evidence recorded.
	Frozen [32]byte `json:"-" yaml:"-"`
}

// Links are where a site's own privacy policy and legal notice are, in one
// language.
type Links struct {
	Privacy string `json:"privacy,omitempty" yaml:"privacy,omitempty"`
	Legal   string `json:"legal,omitempty" yaml:"legal,omitempty"`
}

// VendorSignals are the consent signals besides Google Consent Mode that a
// site can map to a category: Microsoft UET consent mode and the Meta pixel.
var VendorSignals = []string{"uet", "meta"}

// Material is the revision a visitor's decision must be at least as new as:
// the newest material revision. Editorial revisions keep the one before.
func (s *Site) Material() int {
	if s.Editorial && s.MaterialRevision > 0 {
		return s.MaterialRevision
	}
	return s.Revision
}

// Current reports whether a decision made under revision rev still stands:
// no material revision was published since.
func (s *Site) Current(rev int) bool { return rev >= s.Material() && rev <= s.Revision }

// LinksFor returns the links for a language, else the English ones, else
// those of the first language that has any: the policy is always readable.
func (s *Site) LinksFor(lang string) Links {
	if l, ok := s.Links[lang]; ok {
		return l
	}
	if l, ok := s.Links["en"]; ok {
		return l
	}
	langs := make([]string, 0, len(s.Links))
	for k := range s.Links {
		langs = append(langs, k)
	}
	slices.Sort(langs)
	if len(langs) > 0 {
		return s.Links[langs[0]]
	}
	return Links{}
}

// Category groups services that a visitor grants or denies together.
type Category struct {
	Key      string `json:"key" yaml:"key"`
	Required bool   `json:"required,omitempty" yaml:"required,omitempty"`
	// GPC marks a category that Global Privacy Control opts out of: it is
	// denied by default and left out of "accept all" while the signal is on.
	GPC bool `json:"gpc,omitempty" yaml:"gpc,omitempty"`
}

// Service is one third party or feature that sets cookies for a category.
type Service struct {
	// Catalog is the service catalog entry this service was added from.
	Catalog string `json:"catalog,omitempty" yaml:"catalog,omitempty"`
	Name    string `json:"name" yaml:"name,omitempty"`
	// NameKey names a visitor message that names the service in every
	// language (the demo's own services: "Shop session" is "Shop-Sitzung"
	// to a German visitor); Name is how the site calls it, which the
	// console matches services by and a language without the message
	// shows.
	NameKey     string `json:"name_key,omitempty" yaml:"name_key,omitempty"`
	Provider    string `json:"provider" yaml:"provider,omitempty"`
	Category    string `json:"category" yaml:"category,omitempty"`
	Description string `json:"description" yaml:"description,omitempty"`
	// DescriptionKey names a visitor message that describes the service in
	// every language; Description, when set, wins.
	DescriptionKey string   `json:"description_key,omitempty" yaml:"description_key,omitempty"`
	PolicyURL      string   `json:"policy_url,omitempty" yaml:"policy_url,omitempty"`
	Cookies        []Cookie `json:"cookies" yaml:"cookies,omitempty"`
	// Hosts are where the service's scripts and iframes load from (a host
	// covers its subdomains; a host with a path, like www.google.com/maps,
	// covers that first path segment only and wins over the host alone):
	// the snippet's automatic blocking holds them back until the category
	// is granted, and a blocked iframe's placeholder names the service.
	Hosts []string `json:"hosts,omitempty" yaml:"hosts,omitempty"`
	// Overrides name the fields of a catalog service that the owner set to
	// something else than the catalog said ("hosts", "cookies", …); every
	// other field follows the catalog, so a catalog update (a new host) is
	// offered to the site and taken by its next revision. A catalog
	// service always has the list, empty when it follows the catalog in
	// every field, and stores it so; one stored before Consentry kept them
	// has none (nil as it decodes), and the stores take every field of it
	// that differs from the catalog as the owner's (catalog.InferOverrides).
	Overrides []string `json:"overrides,omitzero" yaml:"-"`
}

// Cookie is one cookie a service sets; Name may end in "*" to match a prefix.
type Cookie struct {
	Name     string `json:"name" yaml:"name"`
	Domain   string `json:"domain,omitempty" yaml:"domain,omitempty"` // "" for the site's own host
	Provider string `json:"provider" yaml:"provider"`
	Purpose  string `json:"purpose" yaml:"purpose,omitempty"`
	// PurposeKey names a visitor message giving the purpose in every
	// language; Purpose, when set, wins.
	PurposeKey string `json:"purpose_key,omitempty" yaml:"purpose_key,omitempty"`
	// Days is how long the cookie lives; 0 with Session for a session cookie.
	Days int `json:"days,omitempty" yaml:"days,omitempty"`
	// Duration is free text from configurations made before Days.
	Duration string `json:"duration,omitempty" yaml:"duration,omitempty"`
	Session  bool   `json:"session,omitempty" yaml:"session,omitempty"`
}

// Duration is a time.Duration that reads and writes as text ("4380h").
type Duration struct{ time.Duration }

// MarshalText writes the duration as Go duration text.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads Go duration text.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the duration in whole days, as site owners count a
// lifetime.
func (d Duration) MarshalYAML() (any, error) {
	if d.Duration%(24*time.Hour) == 0 {
		return int(d.Duration / (24 * time.Hour)), nil
	}
	return d.String(), nil
}

// UnmarshalYAML reads days ("183", "6 months") or Go duration text.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if days, session, ok := ParseDays(n.Value); ok && !session {
		d.Duration = time.Duration(days) * 24 * time.Hour
		return nil
	}
	return d.UnmarshalText([]byte(n.Value))
}

// DefaultLifetime is how long a decision is remembered when a site does not
// say: about six months, CNIL's good practice.
const DefaultLifetime = 183 * 24 * time.Hour

// MaxTextLen is the most characters (not bytes: a limit must not be
// stricter for Arabic or Chinese than for English) of one text a site sets.
const MaxTextLen = 2000

// MaxCategories is the most categories a site may have: a banner with more
// could not be read, let alone chosen from, and the console's body limit is
// computed from it (each category adds two texts per language).
const MaxCategories = 20

// MaxRetention is the longest retention a site may set (ten years); longer
// is "for ever", retention zero.
const MaxRetention = 3653 * 24 * time.Hour

// MaxLifetime is the longest any decision may be remembered (13 months).
const MaxLifetime = 395 * 24 * time.Hour

var (
	siteIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	keyPattern    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// ValidSiteID reports whether id can name a site (lower-case letters, digits, dashes).
func ValidSiteID(id string) bool { return siteIDPattern.MatchString(id) }

// Validate checks a site configuration and names the first field at fault.
func (s *Site) Validate() error {
	if errs := s.IdentityErrors(); len(errs) > 0 {
		return errs[0]
	}
	return s.validateRest()
}

// ValidatePublish is Validate for a configuration about to become a
// revision visitors see, as both stores check it before publishing: a
// draft may still be incomplete, a revision may not. A visitor can always
// read the privacy policy (DESIGN.md), so the banner must find a privacy
// policy link in every language (PrivacyLinked).
func (s *Site) ValidatePublish() error {
	if err := s.Validate(); err != nil {
		return err
	}
	return s.PrivacyLinked()
}

// PrivacyLinked refuses links that leave a visitor without the privacy
// policy: none in any language, or a language with links but no privacy
// policy link among them (LinksFor takes a language's own links before
// falling back, so a legal notice alone hides every other language's
// policy). Languages are checked in alphabetical order, so that the same
// site is refused for the same language every time.
func (s *Site) PrivacyLinked() error {
	for _, lang := range slices.Sorted(maps.Keys(s.Links)) {
		if s.Links[lang].Privacy == "" {
			return FieldError(EInvalid, "links", "%s: a legal notice link needs a privacy policy link beside it, or visitors in this language see no privacy policy", lang).
				Say("e_privacy_link_beside_legal", map[string]any{"Lang": lang})
		}
	}
	if len(s.Links) == 0 {
		return FieldError(EInvalid, "links", "publishing needs a link to the privacy policy, in one language at least: a visitor can always read it before choosing").
			Say("e_privacy_link_needed", nil)
	}
	return nil
}

// IdentityErrors are what is wrong with a site's ID, its name and its
// origins, the first fault of each, in that order: Validate names the
// first, a form that asks for no more than these (a new site) says them
// all at once.
func (s *Site) IdentityErrors() []error {
	var errs []error
	if !ValidSiteID(s.ID) {
		errs = append(errs, FieldError(EInvalid, "id", "must be 1-63 lower-case letters, digits or dashes").Say("e_site_id", nil))
	}
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, FieldError(EInvalid, "name", "is required").Say("e_required", nil))
	}
	for i, o := range s.Origins {
		if NormalizeOrigin(o) == o {
			continue
		}
		if len(s.Origins) == 1 { // no entry to point at among others
			return append(errs, FieldError(EInvalid, "origins", "%q is not an origin like https://shop.example", o).
				Say("e_not_an_origin_one", map[string]any{"Value": clip(o, 60)}))
		}
		return append(errs, FieldError(EInvalid, "origins", "%q (entry %d) is not an origin like https://shop.example", o, i+1).
			Say("e_not_an_origin", map[string]any{"Value": clip(o, 60), "N": i + 1}))
	}
	return errs
}

// validateRest is Validate after the site's identity.
func (s *Site) validateRest() error {
	seen := map[string]bool{}
	for _, c := range s.Categories {
		if !keyPattern.MatchString(c.Key) {
			return FieldError(EInvalid, "categories", "key %q must be lower-case letters, digits or underscores", c.Key).
				Say("e_category_key", value(clip(c.Key, 60)))
		}
		if seen[c.Key] {
			return FieldError(EInvalid, "categories", "duplicate key %q", c.Key).Say("e_category_twice", value(c.Key))
		}
		seen[c.Key] = true
	}
	if len(s.Categories) > MaxCategories {
		return FieldError(EInvalid, "categories", "at most %d categories", MaxCategories).Say("e_too_many_categories", most(MaxCategories))
	}
	if !seen[Necessary] {
		return FieldError(EInvalid, "categories", "the %q category is required", Necessary).Say("e_necessary_required", value(Necessary))
	}
	for i, sv := range s.Services {
		// Its name first: the other refusals name the service by it.
		if strings.TrimSpace(sv.Name) == "" {
			return FieldError(EInvalid, "services", "service %d has no name", i+1).Say("e_service_no_name", map[string]any{"N": i + 1})
		}
		if sv.Category == "" {
			return FieldError(EInvalid, "services", "service %q names no category", sv.Name).
				Say("e_service_no_category", map[string]any{"Service": sv.Name})
		}
		if !seen[sv.Category] {
			return FieldError(EInvalid, "services", "service %q names unknown category %q", sv.Name, sv.Category).
				Say("e_service_category", map[string]any{"Service": sv.Name, "Value": clip(sv.Category, 60)})
		}
	}
	for cat, types := range s.ConsentMap {
		if !seen[cat] {
			return FieldError(EInvalid, "consent_mode", "unknown category %q", cat).Say("e_unknown_category", value(clip(cat, 60)))
		}
		for _, t := range types {
			if !slices.Contains(ConsentModeTypes, t) {
				return FieldError(EInvalid, "consent_mode", "unknown Consent Mode type %q", t).Say("e_unknown_consent_type", value(clip(t, 60)))
			}
		}
	}
	if s.Lifetime.Duration < 0 || s.Lifetime.Duration > MaxLifetime {
		return FieldError(EInvalid, "lifetime", "must be between 0 (default) and 13 months").Say("e_lifetime_range", nil)
	}
	if r := s.Retention.Duration; r != 0 && (r < s.LifetimeOrDefault() || r > MaxRetention) {
		return FieldError(EInvalid, "retention", "must be 0 (keep for ever) or from the consent lifetime (%d days) to %d days: a decision in force keeps its proof",
			int(s.LifetimeOrDefault()/(24*time.Hour)), int(MaxRetention/(24*time.Hour))).
			Say("e_retention_range", map[string]any{"Lifetime": int(s.LifetimeOrDefault() / (24 * time.Hour)), "Max": int(MaxRetention / (24 * time.Hour))})
	}
	for country, m := range s.Rules {
		if !ValidCountry(country) {
			return FieldError(EInvalid, "rules", "%q is not a two-letter country code in capitals", country).Say("e_rule_country", value(clip(country, 60)))
		}
		if m != OptIn && m != OptOut && m != Notice {
			return FieldError(EInvalid, "rules", "%s: %q is not a mode: use opt-in, opt-out or notice", country, m).
				Say("e_rule_mode", map[string]any{"Country": country, "Value": clip(string(m), 60)})
		}
	}
	for _, sv := range s.Services {
		if sv.PolicyURL != "" && !strings.HasPrefix(sv.PolicyURL, "https://") && !strings.HasPrefix(sv.PolicyURL, "http://") {
			return FieldError(EInvalid, "services", "service %q: the privacy policy link must be an http(s) URL", sv.Name).
				Say("e_service_policy_url", map[string]any{"Service": sv.Name})
		}
		for _, h := range sv.Hosts {
			if !hostPattern.MatchString(h) {
				return FieldError(EInvalid, "services", "service %q: %q is not a host like www.example.com, or a host and a path like www.google.com/maps", sv.Name, h).
					Say("e_service_host", map[string]any{"Service": sv.Name, "Value": clip(h, 60)})
			}
		}
		names := map[string]bool{}
		for _, k := range sv.Cookies {
			if k.Days < 0 || k.Days > 3650 {
				return FieldError(EInvalid, "services", "service %q, cookie %q: a lifetime is 0 to 3650 days", sv.Name, k.Name).
					Say("e_cookie_days", map[string]any{"Service": sv.Name, "Cookie": k.Name})
			}
			if k.Session && k.Days > 0 {
				return FieldError(EInvalid, "services", "service %q, cookie %q: a session cookie has no lifetime in days", sv.Name, k.Name).
					Say("e_cookie_session_days", map[string]any{"Service": sv.Name, "Cookie": k.Name})
			}
			if !cookiePattern.MatchString(k.Name) {
				return FieldError(EInvalid, "services", "service %q: %q is not a cookie name or a prefix ending in *", sv.Name, k.Name).
					Say("e_cookie_name", map[string]any{"Service": sv.Name, "Value": clip(k.Name, 60)})
			}
			if k.Domain != "" && !domainPattern.MatchString(k.Domain) {
				return FieldError(EInvalid, "services", "service %q, cookie %q: %q is not a domain like .shop.example", sv.Name, k.Name, k.Domain).
					Say("e_cookie_domain", map[string]any{"Service": sv.Name, "Cookie": k.Name, "Value": clip(k.Domain, 60)})
			}
			if names[k.Name] {
				return FieldError(EInvalid, "services", "service %q lists cookie %q twice", sv.Name, k.Name).
					Say("e_cookie_twice", map[string]any{"Service": sv.Name, "Cookie": k.Name})
			}
			names[k.Name] = true
		}
	}
	if utf8.RuneCountInString(s.ChangeNote) > 300 { // characters, as the message and the form's maxlength say
		return FieldError(EInvalid, "change_note", "must be at most 300 characters").Say("e_too_many_characters", most(300))
	}
	for sig, cat := range s.Signals {
		if !slices.Contains(VendorSignals, sig) {
			return FieldError(EInvalid, "vendor_signals", "%q is not a vendor signal: use %s", sig, strings.Join(VendorSignals, " or ")).
				Say("e_vendor_signal", value(clip(sig, 60)))
		}
		if !seen[cat] {
			return FieldError(EInvalid, "vendor_signals", "%s: unknown category %q", sig, cat).Say("e_signal_category", map[string]any{"Signal": sig, "Value": clip(cat, 60)})
		}
	}
	for lang, l := range s.Links {
		for _, u := range []struct{ field, v string }{{"privacy", l.Privacy}, {"legal", l.Legal}} {
			if u.v != "" && !strings.HasPrefix(u.v, "https://") && !strings.HasPrefix(u.v, "http://") {
				err := FieldError(EInvalid, "links", "%s: the %s link must be an http(s) URL", lang, u.field)
				if u.field == "legal" {
					return err.Say("e_legal_link_url", map[string]any{"Lang": lang})
				}
				return err.Say("e_privacy_link_url", map[string]any{"Lang": lang})
			}
		}
	}
	for lang, t := range s.WhatChanged {
		if utf8.RuneCountInString(t) > 500 {
			return FieldError(EInvalid, "what_changed", "%s: must be at most 500 characters", lang).Say("e_lang_too_many_characters", map[string]any{"Lang": lang, "Max": 500})
		}
	}
	return s.Appearance.Validate()
}

// cookiePattern is a cookie name (RFC 6265 token) that may end in * to
// match a prefix.
var cookiePattern = regexp.MustCompile(`^[!#$%&'+\-.^_` + "`" + `|~0-9A-Za-z]+\*?$`)

var hostPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(/[A-Za-z0-9._~-]+)?$`)

var domainPattern = regexp.MustCompile(`^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// ValidateTexts checks text overrides against the supported languages and
// the message IDs a site may override.
func (s *Site) ValidateTexts(langs []string) error {
	keys := map[string]bool{}
	for _, k := range TextKeys {
		keys[k] = true
	}
	for _, c := range s.Categories {
		name, desc := CategoryTextKeys(c.Key)
		keys[name], keys[desc] = true, true
	}
	for _, m := range []map[string]Links{s.Links} {
		for lang := range m {
			if !slices.Contains(langs, lang) {
				return FieldError(EInvalid, "links", "%q is not a supported language (%s)", lang, strings.Join(langs, ", ")).
					Say("e_not_a_language", value(clip(lang, 60)))
			}
		}
	}
	for lang := range s.WhatChanged {
		if !slices.Contains(langs, lang) {
			return FieldError(EInvalid, "what_changed", "%q is not a supported language (%s)", lang, strings.Join(langs, ", ")).
				Say("e_not_a_language", value(clip(lang, 60)))
		}
	}
	for lang, msgs := range s.Texts {
		if !slices.Contains(langs, lang) {
			return FieldError(EInvalid, "texts", "%q is not a supported language (%s)", lang, strings.Join(langs, ", ")).
				Say("e_not_a_language", value(clip(lang, 60)))
		}
		for k, v := range msgs {
			if !keys[k] {
				return unknownText(lang, k, keys)
			}
			if strings.TrimSpace(v) == "" || utf8.RuneCountInString(v) > MaxTextLen {
				return FieldError(EInvalid, "texts", "%s: %s must be 1 to %d characters", lang, k, MaxTextLen).
					Say("e_text_length", map[string]any{"Lang": lang, "Key": k, "Max": MaxTextLen})
			}
		}
	}
	return nil
}

// CategoryTextKeys are the message IDs of category key's name and
// description: the one place the category_<key> rule is written, for the
// banner, the site editor, text validation and the console alike.
func CategoryTextKeys(key string) (name, desc string) {
	return "category_" + key, "category_" + key + "_desc"
}

// TextKeys are the message IDs a site may override per language, besides
// category_<key> and category_<key>_desc for each of its categories.
// banner_body is the banner's text in every region; the owner's text for
// one region's mode (OwnBodyKey) stands there instead.
var TextKeys = []string{
	"banner_title", "banner_body", "banner_body_opt_in", "banner_body_opt_out", "banner_body_notice",
	"banner_accept", "banner_reject", "banner_customize", "banner_gpc",
	"banner_dns", "banner_changed", "age_notice", "prefs_title", "prefs_intro", "prefs_save", "gpc_binding",
}

// Category returns the category with key k.
func (s *Site) Category(k string) (Category, bool) {
	for _, c := range s.Categories {
		if c.Key == k {
			return c, true
		}
	}
	return Category{}, false
}

// ServicesIn returns the services of one category, in configuration order.
func (s *Site) ServicesIn(category string) []Service {
	var out []Service
	for _, sv := range s.Services {
		if sv.Category == category {
			out = append(out, sv)
		}
	}
	return out
}

// LifetimeOrDefault is how long this site's decisions are remembered.
func (s *Site) LifetimeOrDefault() time.Duration {
	if s.Lifetime.Duration == 0 {
		return DefaultLifetime
	}
	return s.Lifetime.Duration
}

// AllowsOrigin reports whether a page on origin may record consents for the site.
func (s *Site) AllowsOrigin(origin string) bool {
	return slices.Contains(s.Origins, NormalizeOrigin(origin))
}

// ConsentModeBits maps granted categories to Google Consent Mode types, as a
// bit mask over ConsentModeTypes. security_storage is always granted.
func (s *Site) ConsentModeBits(granted []string) int {
	bits := 1 << slices.Index(ConsentModeTypes, "security_storage")
	for _, g := range granted {
		for _, t := range s.ConsentMap[g] {
			bits |= 1 << slices.Index(ConsentModeTypes, t)
		}
	}
	return bits
}

// NormalizeOrigin returns scheme://host[:port] in lower case, or "" when s is
// not an http(s) origin.
func NormalizeOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "http" && strings.HasSuffix(host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return u.Scheme + "://" + host
}

// DefaultConsentMap is the typical category → Consent Mode mapping.
func DefaultConsentMap() map[string][]string {
	return map[string][]string{
		Preferences: {"functionality_storage", "personalization_storage"},
		Analytics:   {"analytics_storage"},
		Marketing:   {"ad_storage", "ad_user_data", "ad_personalization"},
	}
}

// PrepareRevision readies a configuration to be published after live (nil
// for a site's first revision). A material revision asks every visitor
// again; an editorial one keeps the newest material revision, and its
// "what changed" text, as what visitors' decisions are checked against.
// A first revision is always material.
func (s *Site) PrepareRevision(live *Site, editorial bool) {
	s.Editorial, s.MaterialRevision = false, 0
	if editorial && live != nil {
		s.Editorial, s.MaterialRevision = true, live.Material()
		s.WhatChanged = live.WhatChanged
	}
	if live == nil {
		s.WhatChanged = nil
	}
}

// DropCarried removes from s the internal note and the "what changed" text
// that are the same as live's: carried over from live (a file exported
// from it and applied again), not written for the revision s is about to
// become, which would tell every returning visitor of the last change as
// if it were new. It reports which it removed.
func (s *Site) DropCarried(live *Site) (note, whatChanged bool) {
	if live == nil {
		return false, false
	}
	if note = s.ChangeNote != "" && s.ChangeNote == live.ChangeNote; note {
		s.ChangeNote = ""
	}
	if whatChanged = len(s.WhatChanged) > 0 && maps.Equal(s.WhatChanged, live.WhatChanged); whatChanged {
		s.WhatChanged = nil
	}
	return note, whatChanged
}

// OwnService is Consentry itself, declared under Necessary on every new
// site: its first-party cookie holds the visitor's signed decision for as
// long as the site remembers one.
func OwnService(provider string, lifetime time.Duration) Service {
	if lifetime == 0 {
		lifetime = DefaultLifetime
	}
	return Service{Catalog: "consentry", Name: "Consentry", Provider: provider, Category: Necessary, DescriptionKey: "purpose_consent",
		Overrides: []string{}, Cookies: []Cookie{{Name: "consentry", Provider: provider, PurposeKey: "purpose_consent", Days: int(lifetime.Hours() / 24)}}}
}

// OwnCookie is the first-party cookie the snippet keeps a visitor's
// decision in.
const OwnCookie = "consentry"

// AsSet is a declared cookie as the site sets it. Consentry's own cookie
// lives as long as the site remembers a choice, whatever its declaration
// says: it was written when the site was created (or in the YAML), and
// changing the site's lifetime did not change it, so the preference
// center showed 183 days for a cookie set for 30.
func (s *Site) AsSet(k Cookie) Cookie {
	if k.Name == OwnCookie && k.Domain == "" {
		const day = 24 * time.Hour
		life := s.LifetimeOrDefault()
		k.Days, k.Duration, k.Session = int((life+day-1)/day), "", false
	}
	return k
}

// RemoveCategory takes a category off a site with everything that names it:
// its Consent Mode mapping, the vendor signals it grants and its texts.
// Necessary stays, and a category that still has services cannot go.
func (s *Site) RemoveCategory(key string) error {
	if key == Necessary {
		return FieldError(EInvalid, "categories", "%q is required and stays", key).Say("e_category_stays", value(key))
	}
	if _, ok := s.Category(key); !ok {
		return FieldError(EInvalid, "categories", "no category %q", key).Say("e_no_category", value(clip(key, 60)))
	}
	if len(s.ServicesIn(key)) > 0 {
		return FieldError(EInvalid, "categories", "%q still has services: move or remove them first", key).Say("e_category_in_use", value(key))
	}
	s.Categories = slices.DeleteFunc(s.Categories, func(c Category) bool { return c.Key == key })
	delete(s.ConsentMap, key)
	for sig, cat := range s.Signals {
		if cat == key {
			delete(s.Signals, sig)
		}
	}
	for lang, msgs := range s.Texts {
		delete(msgs, "category_"+key)
		delete(msgs, "category_"+key+"_desc")
		if len(msgs) == 0 {
			delete(s.Texts, lang)
		}
	}
	return nil
}

// unknownText refuses a text key no site text has, naming the nearest
// one (a typo such as banner_titel) and every one the site can change.
func unknownText(lang, k string, keys map[string]bool) error {
	valid := slices.Sorted(maps.Keys(keys))
	near, best := "", 4 // more than three edits away is no typo
	for _, v := range valid {
		if d := editDistance(k, v); d < best {
			near, best = v, d
		}
	}
	msg := fmt.Sprintf("%s: %q is not a text a site can change", lang, k)
	if near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return FieldError(EInvalid, "texts", "%s; the texts are: %s", msg, strings.Join(valid, ", "))
}

// editDistance is the Levenshtein distance of two keys.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// MaxRefusedOrigin is the longest origin a refused decision is counted
// under (RefusedOrigin): a host name is at most 253 bytes.
const MaxRefusedOrigin = 300

// RefusedOrigin is the origin a decision refused for its page's origin is
// counted under, as a site's list of origins would hold it, or "" when it
// is not an http(s) origin an owner could allow ("null" from a file or a
// sandboxed frame, anything longer than MaxRefusedOrigin): the scheme,
// host and port, never a path.
func RefusedOrigin(origin string) string {
	if len(origin) > MaxRefusedOrigin {
		return ""
	}
	return NormalizeOrigin(origin)
}
