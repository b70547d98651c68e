package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getSites lists the sites, with a form for a new one.
func (s *Server) getSites(c echo.Context) error { return s.sitesPage(c, http.StatusOK, nil) }

// sitesPage lists the sites; after a refused new site (a POST), its form
// keeps what the owner typed.
func (s *Server) sitesPage(c echo.Context, status int, msg templates.Phrase) error {
	sites, err := s.cfg.Store.SiteList(c.Request().Context())
	if err != nil {
		return err
	}
	v := templates.SitesView{Sites: sites, Error: msg}
	if v.Refused, err = s.refusingSites(c, sites); err != nil {
		return err
	}
	if c.Request().Method == http.MethodPost {
		v.ID, v.Name, v.Origin = c.FormValue("id"), c.FormValue("name"), c.FormValue("origin")
		v.Invalid, _ = c.Get(invalidKey).(templates.Faults)
	}
	return render(c, status, templates.SitesPage(s.adminT(c, currentUser(c)), v))
}

// postSites creates a site as a draft with the four built-in categories.
func (s *Server) postSites(c echo.Context) error {
	site := &consent.Site{
		ID: strings.TrimSpace(c.FormValue("id")), Name: strings.TrimSpace(c.FormValue("name")),
		Categories: consent.BuiltInCategories(),
		ConsentMap: consent.DefaultConsentMap(),
		Signals:    map[string]string{"uet": consent.Marketing, "meta": consent.Marketing},
	}
	site.Services = []consent.Service{consent.OwnService(site.Name, 0)}
	back := "/admin/sites/" + site.ID
	if o := strings.TrimSpace(c.FormValue("origin")); o != "" {
		site.Origins = []string{cleanOrigin(o)}
		if !strings.Contains(o, "://") {
			back += "?assumed=" + url.QueryEscape(site.Origins[0]) // said on the next page
		}
	}
	show := func(msg templates.Phrase) error { return s.sitesPage(c, http.StatusBadRequest, msg) }
	// Every field's fault at once: the form asks for no more.
	errs := site.IdentityErrors()
	if _, err := s.cfg.Store.Draft(c.Request().Context(), site.ID); err == nil {
		errs = append([]error{consent.FieldError(consent.EInvalid, "id", "a site %q exists already", site.ID).
			Say("e_site_exists", map[string]any{"Value": site.ID})}, errs...)
	}
	if len(errs) > 0 {
		return s.formError(c, errors.Join(errs...), templates.NewSiteLabels, show)
	}
	if err := s.cfg.Store.SaveDraft(c.Request().Context(), site); err != nil {
		return s.formError(c, err, templates.NewSiteLabels, show)
	}
	if err := s.audit(c, currentUser(c).Email, "site_create", site.ID, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// siteEditor gathers what the site page shows: the draft, the live
// revision and the difference between them.
func (s *Server) siteEditor(c echo.Context) (templates.SiteView, error) {
	ctx := c.Request().Context()
	id := c.Param("site")
	draft, err := s.cfg.Store.Draft(ctx, id)
	if err != nil {
		return templates.SiteView{}, err
	}
	// The language whose texts are edited: the page's, or the refused
	// form's, so that what was typed shows again, or the one a refusal
	// is about (editorLangKey).
	v := templates.SiteView{Draft: draft, Languages: s.cfg.I18n.Languages(), Lang: s.cfg.I18n.Match(c.FormValue("lang"))}
	if lang, ok := c.Get(editorLangKey).(string); ok {
		v.Lang = lang
	}
	live, err := s.cfg.Store.Site(ctx, id)
	switch {
	case err == nil:
		v.Live = live
	case consent.ErrorCode(err) != consent.ENotFound:
		return v, err
	}
	v.Pending = consent.Describe(v.Live, draft)
	if v.Live != nil {
		if v.Refused, err = s.refusedOrigins(c, v.Live); err != nil {
			return v, err
		}
	}
	if v.Live != nil {
		// The live revision's "what changed", which a draft begun from it
		// carries, is not this draft's: shown in the publish form it would
		// be published again, telling returning visitors of the last
		// change as if it were new, and counted as written
		// (templates.WhatChangedMissing). sites apply drops it alike.
		shown := *draft
		shown.DropCarried(v.Live)
		v.Draft = &shown
	}
	if v.Revisions, err = s.cfg.Store.Revisions(ctx, id); err != nil {
		return v, err
	}
	v.Defaults = s.cfg.I18n.For(v.Lang)
	v.Query = c.QueryParam("catalog")
	v.Found = templates.CatalogResults(v.Query)
	v.CatalogSize, _, _ = catalog.Size()
	v.Updates = catalog.Updates(draft)
	if c.Request().Method == http.MethodGet {
		// Said once, on the page Publish or a save leads to (setFlash);
		// only the live revision is said to be live: one published since
		// by someone else is not this owner's.
		f := s.takeFlash(c, "/admin/sites/"+draft.ID)
		if n, ok := strings.CutPrefix(f, flashPublished); ok {
			v.Published = v.Live != nil && n == strconv.Itoa(v.Live.Revision)
		} else if n, ok := strings.CutPrefix(f, flashAllowed); ok {
			n, origin, _ := strings.Cut(n, " ")
			if v.Published = v.Live != nil && n == strconv.Itoa(v.Live.Revision); v.Published {
				v.Allowed = origin
			}
		} else {
			v.Saved = f
		}
	}
	for _, o := range c.QueryParams()["assumed"] {
		if slices.Contains(draft.Origins, o) {
			v.Assumed = append(v.Assumed, o)
		}
	}
	if n, err := strconv.Atoi(c.QueryParam("edit")); err == nil && n >= 0 && n < len(draft.Services) {
		v.Edit, v.EditIndex = &draft.Services[n], n
	}
	return v, nil
}

func (s *Server) getSite(c echo.Context) error { return s.sitePage(c, http.StatusOK, nil) }

func (s *Server) sitePage(c echo.Context, status int, msg templates.Phrase) error {
	return s.sitePageWith(c, status, msg, nil)
}

// sitePageWith shows the editor with what the owner typed (a refused
// change) instead of the stored draft, so that nothing typed is lost.
func (s *Server) sitePageWith(c echo.Context, status int, msg templates.Phrase, typed *consent.Site) error {
	v, err := s.siteEditor(c)
	if err != nil {
		return err
	}
	if typed != nil {
		v.Draft = typed
	}
	if sv, ok := c.Get("typed_service").(*consent.Service); ok {
		v.Edit, v.EditIndex, v.EditCookies = sv, -1, c.FormValue("cookies")
		if n, err := strconv.Atoi(c.FormValue("index")); err == nil {
			v.EditIndex = n
		}
	}
	if typed, _ := c.Get("typed_basics").(bool); typed {
		v.Typed, _ = c.FormParams()
	}
	if typed, _ := c.Get(publishTypedKey).(bool); typed {
		v.Publishing, _ = c.FormParams()
	}
	v.Error = msg
	v.Invalid, _ = c.Get(invalidKey).(templates.Faults)
	return render(c, status, templates.SitePage(s.adminT(c, currentUser(c)), v))
}

// siteEdit is a part of a site's draft that one of the editor's forms
// saves, as its site_edit audit entry names it: in English (the detail)
// and in words, the editor's heading of the part or what was done to it;
// and the editor's section (an id) where the owner is taken back and told
// the draft is saved.
type siteEdit struct {
	what    string
	said    words.Words
	section string
}

var (
	editBasics          = siteEdit{"basics", words.Say("a_basics", nil), "basics"}
	editTexts           = siteEdit{"texts", words.Say("a_texts", nil), "texts"}
	editCategory        = siteEdit{"category", words.Say("a_audit_edit_category", nil), "categories"}
	editCategoryRemoved = siteEdit{"category removed", words.Say("a_audit_edit_category_removed", nil), "categories"}
	editCategoryRenamed = siteEdit{"category renamed", words.Say("a_audit_edit_category_renamed", nil), "categories"}
	editService         = siteEdit{"service", words.Say("a_audit_edit_service", nil), "services"}
	editServiceCatalog  = siteEdit{"service from catalog", words.Say("a_audit_edit_service_catalog", nil), "catalog"}
	editCatalogUpdate   = siteEdit{"catalog update", words.Say("a_audit_edit_catalog_update", nil), "services"}
	editServiceRemoved  = siteEdit{"service removed", words.Say("a_audit_edit_service_removed", nil), "services"}
	editWhatChanged     = siteEdit{"what changed", words.Say("a_what_changed", nil), "publish"}
)

// editDraft applies one form's change to a copy of the draft and saves it
// whole, or shows the first error and saves nothing. Saved, it returns the
// owner to the section they edited (a fragment), not to the page's top,
// and says there, once, that the draft is saved; back from the catalog,
// to their search.
func (s *Server) editDraft(c echo.Context, what siteEdit, change func(*consent.Site) error) error {
	ctx := c.Request().Context()
	draft, err := s.cfg.Store.Draft(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	before := draft.Clone() // what the audit entry compares with
	show := func(msg templates.Phrase) error { return s.sitePageWith(c, http.StatusBadRequest, msg, draft) }
	labels := templates.SiteLabels
	if what.what == editBasics.what {
		labels = templates.BasicsLabels // its form's own
	}
	refuse := func(err error) error {
		return s.formError(c, s.linksLabelled(c, labels, s.textsLabelled(c, draft, err)), labels, show)
	}
	if err := change(draft); err != nil {
		return refuse(err)
	}
	catalog.FollowSite(draft) // renamed, or given another lifetime
	if err := draft.ValidateTexts(s.cfg.I18n.Languages()); err != nil {
		return refuse(err)
	}
	if err := s.cfg.Store.SaveDraft(ctx, draft); err != nil {
		return refuse(err)
	}
	detail, said := templates.ChangesSaid(s.cfg.I18n.For("en"), what.what, what.said, before, draft, consent.Describe(before, draft))
	if err := s.audit(c, currentUser(c).Email, "site_edit", draft.ID, detail, said...); err != nil {
		return err
	}
	back := "/admin/sites/" + draft.ID
	if err := s.setFlash(c, back, what.section); err != nil {
		return err
	}
	q := url.Values{}
	if l := c.FormValue("lang"); l != "" {
		q.Set("lang", l)
	}
	if assumed, _ := c.Get("assumed").([]string); len(assumed) > 0 {
		q["assumed"] = assumed
	}
	if what.section == editServiceCatalog.section && c.FormValue("q") != "" {
		q.Set("catalog", c.FormValue("q"))
	}
	if len(q) > 0 {
		back += "?" + q.Encode()
	}
	return c.Redirect(http.StatusSeeOther, back+"#"+what.section)
}

// textsLabelled is err naming the text it is about ({{.Key}} of
// e_text_length) as the texts form labels it, "Banner heading", not by its
// key, "title"; any other error as it is. The API's English message keeps
// the key.
func (s *Server) textsLabelled(c echo.Context, site *consent.Site, err error) error {
	var e *consent.Error
	if !errors.As(err, &e) || e.Key != "e_text_length" {
		return err
	}
	lang, _ := e.Args["Lang"].(string)
	key, _ := e.Args["Key"].(string)
	labelled := *e
	labelled.Args = maps.Clone(e.Args)
	labelled.Args["Key"] = templates.TextLabel(s.adminT(c, currentUser(c)).T, s.cfg.I18n.For(lang), site, lang, key)
	return &labelled
}

// linksLabelled is a refused link, on a form that has a field for it
// (labels name privacy_link or legal_link), about that field: the form's
// label in the form's language says which link and in which language
// ("Privacy policy link (English, en): must be an http(s) URL"), as the
// message did ("Link: en: the privacy policy link must be …"). A link in
// another language than the form's, and any other error, is as it is.
func (s *Server) linksLabelled(c echo.Context, labels templates.Labels, err error) error {
	var e *consent.Error
	if !errors.As(err, &e) || e.Field != "links" {
		return err
	}
	field := map[string]string{"e_privacy_link_url": "privacy_link", "e_legal_link_url": "legal_link"}[e.Key]
	lang, _ := e.Args["Lang"].(string)
	if _, ok := labels[field]; !ok || field == "" || lang != s.cfg.I18n.Match(c.FormValue("lang")) {
		return err
	}
	labelled := *e
	labelled.Field, labelled.Key, labelled.Args = field, "e_link_url", map[string]any{"InLanguage": lang}
	return &labelled
}

// editorLangKey holds the language the site editor shows a refused
// publication's page in, when the refusal is about a field of that
// language rather than of the page's.
const editorLangKey = "editor_lang"

// privacyLinkLabelled is a publication refused for want of a privacy
// policy link (consent.Site.PrivacyLinked) as said of the Basics form's
// privacy policy link, in the language it is missing in (the page's own
// when no language has one): the editor comes back in that language with
// the field marked, and the refusal starts with its label in that
// language ("Privacy policy link (German, de): needed beside the legal
// notice link …"). Any other refusal keeps the publish page's labels.
func (s *Server) privacyLinkLabelled(c echo.Context, err error) (templates.Labels, error) {
	var e *consent.Error
	if !errors.As(err, &e) || e.Key != "e_privacy_link_needed" && e.Key != "e_privacy_link_beside_legal" {
		return templates.SiteLabels, err
	}
	lang, key := s.cfg.I18n.Match(c.FormValue("lang")), "e_link_needed"
	if l, ok := e.Args["Lang"].(string); ok {
		lang, key = l, "e_link_needed_beside_legal"
	}
	c.Set(editorLangKey, lang)
	labelled := *e
	labelled.Field, labelled.Key, labelled.Args = "privacy_link", key, map[string]any{"InLanguage": lang}
	return templates.BasicsLabels, &labelled
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// asShown is a text field's value after a save: the stored text when the
// form sent back what it showed, else what was sent, trimmed. A browser
// sends a textarea's line breaks as CRLF and drops its first one, and the
// handlers trim what is typed, so a text stored with a line break inside or
// at its end (a YAML block) would otherwise change on a save that changed
// nothing.
func asShown(stored, sent string) string {
	sent = strings.TrimSpace(strings.ReplaceAll(sent, "\r\n", "\n"))
	if sent != "" && sent == strings.TrimSpace(stored) {
		return stored
	}
	return sent
}

// keepShown is a choice's value after a save: the stored one when the form
// sent back what it showed for it. A form cannot say "unset": it shows an
// appearance or a lifetime the site leaves to the default as the default's
// value (a colour in lower case, as a colour input has it), and storing
// that back would turn "the default" into a copy of today's default that
// Diff lists as a change nobody made.
func keepShown[T comparable](stored, shown, sent T) T {
	if sent == shown {
		return stored
	}
	return sent
}

// postSiteBasics saves name, origins, lifetime, rules, Consent Mode mapping,
// appearance and the age notice.
func (s *Server) postSiteBasics(c echo.Context) error {
	c.Set("typed_basics", true)
	return s.editDraft(c, editBasics, func(d *consent.Site) error {
		// Every field is read, and every fault said at once: a refused
		// field keeps its stored value (the form shows what was typed), the
		// others what was typed, so that nothing the owner changed is lost.
		var errs []error
		if name := asShown(d.Name, c.FormValue("name")); name != d.Name {
			d.Name, d.NameKey = name, "" // the owner's own name, in every language
		}
		d.Origins = nil
		var assumed []string
		for _, o := range lines(c.FormValue("origins")) {
			d.Origins = append(d.Origins, cleanOrigin(o))
			if !strings.Contains(o, "://") {
				assumed = append(assumed, cleanOrigin(o))
			}
		}
		c.Set("assumed", assumed)
		const day = 24 * time.Hour
		if days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("lifetime_days"))); err != nil || days < 1 || days > 395 {
			errs = append(errs, consent.FieldError(consent.EInvalid, "lifetime", "give the number of days a choice is remembered, 1 to 395").
				Say("e_lifetime_days", map[string]any{"Max": 395}))
		} else {
			d.Lifetime.Duration = keepShown(d.Lifetime.Duration, d.LifetimeOrDefault()/day*day, time.Duration(days)*day)
		}
		// Retention: empty or 0 keeps decisions for ever; Validate checks
		// the range against the lifetime.
		keep := 0
		var err error
		if v := strings.TrimSpace(c.FormValue("retention_days")); v != "" {
			keep, err = strconv.Atoi(v)
		}
		if err != nil || keep < 0 || keep > consent.MaxDays {
			errs = append(errs, consent.FieldError(consent.EInvalid, "retention", "give the number of days decisions stay in the log, or 0 to keep them for ever").
				Say("e_retention_days", nil))
		} else {
			d.Retention.Duration = keepShown(d.Retention.Duration, d.Retention.Duration/day*day, time.Duration(keep)*day)
		}
		d.AgeNotice = c.FormValue("age_notice") == "1"
		if rules, err := basicsRules(c.FormValue("rules")); err != nil {
			errs = append(errs, err)
		} else {
			d.Rules = rules
		}
		if cm, err := basicsConsentMap(c.FormValue("consent_mode")); err != nil {
			errs = append(errs, err)
		} else {
			d.ConsentMap = cm
		}
		was, shown := d.Appearance, d.Appearance.WithDefaults()
		d.Appearance = consent.Appearance{
			Layout:      keepShown(was.Layout, shown.Layout, c.FormValue("layout")),
			Position:    keepShown(was.Position, shown.Position, c.FormValue("position")),
			Background:  keepShown(was.Background, strings.ToLower(shown.Background), c.FormValue("background")),
			Text:        keepShown(was.Text, strings.ToLower(shown.Text), c.FormValue("text")),
			Accent:      keepShown(was.Accent, strings.ToLower(shown.Accent), c.FormValue("accent")),
			AccentText:  keepShown(was.AccentText, strings.ToLower(shown.AccentText), c.FormValue("accent_text")),
			NonBlocking: c.FormValue("non_blocking") == "1",
		}
		d.Signals = map[string]string{}
		for _, sig := range consent.VendorSignals {
			if cat := c.FormValue("signal_" + sig); cat != "" {
				d.Signals[sig] = cat
			}
		}
		if lang := s.cfg.I18n.Match(c.FormValue("lang")); c.FormValue("lang") != "" {
			was := d.Links[lang]
			l := consent.Links{Privacy: asShown(was.Privacy, c.FormValue("privacy_link")), Legal: asShown(was.Legal, c.FormValue("legal_link"))}
			if d.Links == nil {
				d.Links = map[string]consent.Links{}
			}
			d.Links[lang] = l
			if l == (consent.Links{}) {
				delete(d.Links, lang)
			}
		}
		return errors.Join(errs...)
	})
}

// basicsRules reads the Basics form's country rules, one "US opt-out" a
// line.
func basicsRules(text string) (map[string]consent.Mode, error) {
	rules := map[string]consent.Mode{}
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if len(f) != 2 {
			return nil, consent.FieldError(consent.EInvalid, "rules", "%q: write one rule a line, like: US opt-out", l).
				Say("e_rule_line", map[string]any{"Value": auth.Clip(l, 80)})
		}
		if _, dup := rules[strings.ToUpper(f[0])]; dup {
			return nil, consent.FieldError(consent.EInvalid, "rules", "%s has two rules", strings.ToUpper(f[0])).
				Say("e_rule_twice", map[string]any{"Value": auth.Clip(strings.ToUpper(f[0]), 80)})
		}
		rules[strings.ToUpper(f[0])] = consent.Mode(f[1])
	}
	return rules, nil
}

// basicsConsentMap reads the Basics form's Consent Mode mapping, one
// "analytics: analytics_storage" a line.
func basicsConsentMap(text string) (map[string][]string, error) {
	m := map[string][]string{}
	for _, l := range lines(text) {
		cat, types, ok := strings.Cut(l, ":")
		if !ok {
			return nil, consent.FieldError(consent.EInvalid, "consent_mode", "%q: write one category a line, like: analytics: analytics_storage", l).
				Say("e_consent_mode_line", map[string]any{"Value": auth.Clip(l, 80)})
		}
		m[strings.TrimSpace(cat)] = strings.Fields(types)
	}
	return m, nil
}

// postSiteCategory adds a custom category, named in the chosen language.
func (s *Server) postSiteCategory(c echo.Context) error {
	return s.editDraft(c, editCategory, func(d *consent.Site) error {
		key := strings.TrimSpace(c.FormValue("key"))
		d.Categories = append(d.Categories, consent.Category{Key: key, GPC: c.FormValue("gpc") == "1"})
		lang := s.cfg.I18n.Match(c.FormValue("lang"))
		if d.Texts == nil {
			d.Texts = map[string]map[string]string{}
		}
		if d.Texts[lang] == nil {
			d.Texts[lang] = map[string]string{}
		}
		name, desc := strings.TrimSpace(c.FormValue("name")), strings.TrimSpace(c.FormValue("description"))
		if name == "" {
			return consent.FieldError(consent.EInvalid, "name", "a category needs a name visitors understand").Say("e_category_name", nil)
		}
		nameKey, descKey := consent.CategoryTextKeys(key)
		d.Texts[lang][nameKey] = name
		if desc != "" {
			d.Texts[lang][descKey] = desc
		}
		return nil
	})
}

// postSiteCategoryDelete removes a category that no service uses; only
// necessary stays.
func (s *Server) postSiteCategoryDelete(c echo.Context) error {
	return s.editDraft(c, editCategoryRemoved, func(d *consent.Site) error {
		return d.RemoveCategory(c.Param("key"))
	})
}

// postSiteCategoryRename renames a category and rewords its description in
// one language.
func (s *Server) postSiteCategoryRename(c echo.Context) error {
	return s.editDraft(c, editCategoryRenamed, func(d *consent.Site) error {
		key := c.Param("key")
		if _, ok := d.Category(key); !ok {
			return consent.FieldError(consent.EInvalid, "categories", "no category %q", key).Say("e_no_category", map[string]any{"Value": auth.Clip(key, 80)})
		}
		lang := s.cfg.I18n.Match(c.FormValue("lang"))
		if d.Texts == nil {
			d.Texts = map[string]map[string]string{}
		}
		if d.Texts[lang] == nil {
			d.Texts[lang] = map[string]string{}
		}
		name, desc := consent.CategoryTextKeys(key)
		for id, v := range map[string]string{name: c.FormValue("name"), desc: c.FormValue("description")} {
			if v = asShown(d.Texts[lang][id], v); v == "" {
				delete(d.Texts[lang], id)
			} else {
				d.Texts[lang][id] = v
			}
		}
		if len(d.Texts[lang]) == 0 {
			delete(d.Texts, lang)
		}
		return nil
	})
}

// postSiteService adds a service, or replaces the one at index n. An edited
// service keeps what the form does not show (its catalog entry, the hosts
// automatic blocking holds back, the message keys that name and describe
// it in every language), and a cookie whose line comes back as the form
// showed it stays as it was: the form cannot say a cookie's provider,
// purpose key or a lifetime written before days were counted ("6 months"),
// and rebuilding it from its line would change a service nobody changed. A
// name, description or purpose given by a message key shows in the words
// of the language being edited (templates.InForm): sent back as shown, it
// keeps its key, so visitors read it in their own language; a name the
// owner changed is theirs in every language; a line edited elsewhere than
// its purpose keeps the cookie's purpose key. An edited catalog service
// stays one: the fields the owner changed are theirs, the others keep
// following the catalog (catalog.Edited).
func (s *Server) postSiteService(c echo.Context) error {
	return s.editDraft(c, editService, func(d *consent.Site) error {
		n, err := strconv.Atoi(c.FormValue("index"))
		if err == nil {
			if err := sameService(d, n, c.FormValue("was")); err != nil {
				return err
			}
		}
		editing := err == nil && n >= 0 && n < len(d.Services)
		var old consent.Service
		if editing {
			old = d.Services[n]
		}
		lang := s.cfg.I18n.Match(c.FormValue("lang"))
		shown := templates.InForm(s.cfg.I18n.For(lang).With(d.Texts[lang]), old)
		sv := old
		sv.Name, sv.Provider = asShown(shown.Name, c.FormValue("name")), asShown(old.Provider, c.FormValue("provider"))
		if sv.Name == shown.Name {
			sv.Name = old.Name // the key, if any, names it in every language
		} else {
			sv.NameKey = "" // the owner's own name, in every language
		}
		sv.Category, sv.Description = c.FormValue("category"), asShown(shown.Description, c.FormValue("description"))
		if sv.Description == shown.Description {
			sv.Description = old.Description // "" when the key says it
		}
		sv.PolicyURL, sv.Cookies = asShown(old.PolicyURL, c.FormValue("policy_url")), nil
		// Hosts are checked as YAML's are, by the draft's validation.
		sv.Hosts = strings.Fields(c.FormValue("hosts"))
		c.Set("typed_service", &sv) // shown again, as typed, if refused
		// A catalog service's cookies that follow the catalog keep the
		// catalog's provider, as they do from YAML.
		followsCookies := old.Catalog != "" && !slices.Contains(old.Overrides, "cookies")
		for _, l := range lines(c.FormValue("cookies")) {
			f := cookieFields(l)
			if len(f) < 4 || len(f) > 5 || (f[2] != "session" && f[2] != "persistent") {
				return consent.FieldError(consent.EInvalid, "cookies", "%q: write one cookie a line as: name | days | session or persistent | purpose [| domain]", l).
					Say("e_cookie_line", map[string]any{"Value": auth.Clip(l, 80)})
			}
			i := slices.IndexFunc(old.Cookies, func(k consent.Cookie) bool { return k.Name == f[0] })
			if i >= 0 && slices.Equal(f, cookieFields(templates.CookieLine(shown.Cookies[i]))) {
				k := old.Cookies[i]
				if k.Provider == old.Provider && !followsCookies {
					k.Provider = sv.Provider // follows the service's, as a new line's does
				}
				sv.Cookies = append(sv.Cookies, k)
				continue
			}
			k := consent.Cookie{Name: f[0], Provider: sv.Provider, Session: f[2] == "session", Purpose: f[3]}
			if i >= 0 && f[3] == strings.TrimSpace(shown.Cookies[i].Purpose) {
				// The purpose is as the form showed it (in the edited
				// language's words for one given by a message key): the
				// owner changed another part of the line, and the key
				// keeps the purpose in every visitor language.
				k.Purpose, k.PurposeKey = old.Cookies[i].Purpose, old.Cookies[i].PurposeKey
			}
			if !k.Session {
				days, _, ok := consent.ParseDays(f[1])
				if !ok || days < 1 {
					return consent.FieldError(consent.EInvalid, "cookies", "%q: %q is not a lifetime: give the number of days, like 395", l, f[1]).
						Say("e_cookie_lifetime", map[string]any{"Line": auth.Clip(l, 80), "Value": auth.Clip(f[1], 40)})
				}
				k.Days = days
			}
			if len(f) == 5 {
				k.Domain = f[4]
			}
			sv.Cookies = append(sv.Cookies, k)
		}
		if editing {
			catalog.Edited(d, old, &sv) // the fields changed are the owner's
			d.Services[n] = sv
		} else {
			d.Services = append(d.Services, sv)
		}
		return nil
	})
}

// cookieFields splits a cookie line of the service form at its bars.
func cookieFields(l string) []string {
	f := strings.Split(strings.TrimSpace(l), "|")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// postSiteCatalog adds a service from the catalog, in the category the
// owner picked (the catalog's suggestion by default).
func (s *Server) postSiteCatalog(c echo.Context) error {
	return s.editDraft(c, editServiceCatalog, func(d *consent.Site) error {
		e, ok := catalog.Get(c.FormValue("id"))
		if !ok {
			return consent.FieldError(consent.EInvalid, "catalog", "%q is not in the catalog", c.FormValue("id")).
				Say("e_not_in_catalog", map[string]any{"Value": auth.Clip(c.FormValue("id"), 80)})
		}
		sv := e.Service()
		if cat := c.FormValue("category"); cat != "" {
			sv.Category = cat
		}
		if _, ok := d.Category(sv.Category); !ok {
			return consent.FieldError(consent.EInvalid, "catalog", "%s: this site has no category %q; pick one of its own", e.Name, sv.Category).
				Say("e_catalog_category", map[string]any{"Service": e.Name, "Value": auth.Clip(sv.Category, 80)})
		}
		if slices.ContainsFunc(d.Services, func(x consent.Service) bool { return x.Catalog == e.ID }) {
			return consent.FieldError(consent.EInvalid, "catalog", "%s is on this site already", e.Name).Say("e_catalog_twice", map[string]any{"Service": e.Name})
		}
		d.Services = append(d.Services, sv)
		return nil
	})
}

// postSiteCatalogUpdate takes the catalog's updates into the draft: every
// field of its catalog services that follows the catalog becomes what the
// catalog says now; publishing makes it a revision like any other change.
func (s *Server) postSiteCatalogUpdate(c echo.Context) error {
	return s.editDraft(c, editCatalogUpdate, func(d *consent.Site) error {
		catalog.Refresh(d)
		return nil
	})
}

func (s *Server) postSiteServiceDelete(c echo.Context) error {
	return s.editDraft(c, editServiceRemoved, func(d *consent.Site) error {
		n, err := strconv.Atoi(c.Param("n"))
		if err == nil && c.FormValue("was") != "" {
			if err := sameService(d, n, c.FormValue("was")); err != nil {
				return err
			}
		}
		if err != nil || n < 0 || n >= len(d.Services) {
			return consent.FieldError(consent.EInvalid, "services", "no service %q", c.Param("n")).Say("e_no_service", map[string]any{"Value": auth.Clip(c.Param("n"), 80)})
		}
		if err := sameService(d, n, c.FormValue("was")); err != nil {
			return err
		}
		d.Services = slices.Delete(d.Services, n, n+1)
		return nil
	})
}

// sameService refuses an edit or removal of the draft's service n when the
// page it came from showed another one there (was, its name), or none is
// there any more: the draft changed since (another tab, another admin),
// and acting on the number alone would change or remove a service the
// owner never chose, or add the edited one anew.
func sameService(d *consent.Site, n int, was string) error {
	if was == "" {
		return nil
	}
	now := ""
	if n >= 0 && n < len(d.Services) {
		if now = d.Services[n].Name; now == was {
			return nil
		}
	}
	return consent.FieldError(consent.EUnprocessed, "services", "the draft changed since the page was opened: service %d is %q, not %q", n, now, was).
		Say("e_service_moved", map[string]any{"Was": auth.Clip(was, 80)})
}

// postSiteTexts saves one language's own wording; an empty field goes back
// to the default text.
func (s *Server) postSiteTexts(c echo.Context) error {
	return s.editDraft(c, editTexts, func(d *consent.Site) error {
		lang := c.FormValue("lang")
		if !slices.Contains(s.cfg.I18n.Languages(), lang) {
			return consent.FieldError(consent.EInvalid, "texts", "%q is not a supported language", lang).Say("e_not_a_language", map[string]any{"Value": auth.Clip(lang, 80)})
		}
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		msgs := map[string]string{}
		for _, k := range templates.EditableTexts(d) {
			if v := asShown(d.Texts[lang][k], form.Get("t_"+k)); v != "" {
				msgs[k] = v
			}
		}
		if d.Texts == nil {
			d.Texts = map[string]map[string]string{}
		}
		d.Texts[lang] = msgs
		if len(msgs) == 0 {
			delete(d.Texts, lang)
		}
		return nil
	})
}

// postSiteWhatChanged saves the publish form's "what changed" texts into
// the draft without publishing, so that the editor shows which languages
// still lack one before the owner publishes (the console has no
// JavaScript to say so as they type).
func (s *Server) postSiteWhatChanged(c echo.Context) error {
	return s.editDraft(c, editWhatChanged, func(d *consent.Site) error {
		d.WhatChanged = whatChangedTyped(c, s.cfg.I18n.Languages())
		return nil
	})
}

// whatChangedTyped are the publish form's "what changed" texts, by
// language, the empty ones left out.
func whatChangedTyped(c echo.Context, langs []string) map[string]string {
	typed := map[string]string{}
	for _, l := range langs {
		if w := strings.TrimSpace(c.FormValue("what_changed_" + l)); w != "" {
			typed[l] = w
		}
	}
	return typed
}

// publishTypedKey marks a refused publish: the editor shows its form as
// it was posted.
const publishTypedKey = "typed_publish"

// postSitePublish freezes the draft as the next revision. A material one
// asks visitors holding an older revision again, showing them what changed
// in their language; an editorial one asks nobody. The change note stays
// internal.
func (s *Server) postSitePublish(c echo.Context) error {
	ctx := c.Request().Context()
	draft, err := s.cfg.Store.Draft(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	live, err := s.cfg.Store.Site(ctx, draft.ID)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	changes := consent.Describe(live, draft) // as the form listed them
	draft.ChangeNote = strings.TrimSpace(c.FormValue("change_note"))
	editorial := c.FormValue("kind") == "editorial"
	if !editorial {
		draft.WhatChanged = whatChangedTyped(c, s.cfg.I18n.Languages())
	}
	c.Set(publishTypedKey, true) // a refusal shows the form as typed
	show := func(msg templates.Phrase) error { return s.sitePage(c, http.StatusBadRequest, msg) }
	// An editorial revision asks nobody again: of changes that alter what
	// visitors consented to, only when the owner confirms it, so that
	// choosing "editorial" alone never spares a material change.
	despite := editorial && live != nil && consent.AnyMaterial(changes)
	if despite && c.FormValue("confirm_editorial") == "" {
		return s.formError(c, consent.FieldError(consent.EInvalid, "confirm_editorial", "an editorial revision of material changes needs confirm_editorial").
			Say("e_editorial_unconfirmed", nil), templates.SiteLabels, show)
	}
	draft.PrepareRevision(live, editorial)
	if err := draft.ValidateTexts(s.cfg.I18n.Languages()); err != nil {
		return s.formError(c, s.textsLabelled(c, draft, err), templates.SiteLabels, show)
	}
	rev, err := s.cfg.Store.Publish(ctx, draft, shown.All(s.cfg.I18n))
	if err != nil {
		labels, err := s.privacyLinkLabelled(c, err)
		return s.formError(c, s.textsLabelled(c, draft, err), labels, show)
	}
	s.ForgetSites()
	kind, kindWords := "material", words.Say("a_revision_material", nil)
	switch {
	case draft.Editorial && despite:
		kind, kindWords = "editorial, confirmed although material", words.Say("a_revision_editorial_confirmed", nil)
	case draft.Editorial:
		kind, kindWords = "editorial", words.Say("a_revision_editorial", nil)
	}
	if err := s.auditPublish(c, rev, kind, kindWords, live, draft, changes); err != nil {
		return err
	}
	back := "/admin/sites/" + draft.ID
	if err := s.setFlash(c, back, flashPublished+strconv.Itoa(rev)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// getSiteDiff compares two published revisions.
func (s *Server) getSiteDiff(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("site")
	// Both numbers' faults at once: the second left out is said with the
	// first, not after the first is mended.
	var ns [2]int
	var bad []error
	for i, k := range []string{"a", "b"} {
		n, err := strconv.Atoi(c.QueryParam(k))
		if err != nil || n < 1 {
			bad = append(bad, consent.FieldError(consent.EInvalid, k, "give a revision number").Say("e_not_a_revision", map[string]any{"Value": auth.Clip(c.QueryParam(k), 40)}))
		}
		ns[i] = n
	}
	if len(bad) > 0 {
		c.Set(labelsKey, templates.DiffLabels)
		return errors.Join(bad...)
	}
	var revs [2]*consent.Site
	for i, n := range ns {
		var err error
		if revs[i], err = s.cfg.Store.Revision(ctx, id, n); err != nil {
			return err
		}
	}
	draft, err := s.cfg.Store.Draft(ctx, id)
	if err != nil {
		return err
	}
	a := s.adminT(c, currentUser(c))
	return render(c, http.StatusOK, templates.DiffPage(a, templates.DiffView{
		Site: id, Name: draft.Name, A: revs[0].Revision, B: revs[1].Revision, Changes: templates.ChangeRows(a.T, revs[0], revs[1], consent.Describe(revs[0], revs[1])),
	}))
}

// getSiteEmbed is what a site owner pastes, with previews of the banner.
func (s *Server) getSiteEmbed(c echo.Context) error {
	ctx := c.Request().Context()
	draft, err := s.cfg.Store.Draft(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	_, err = s.cfg.Store.Site(ctx, draft.ID)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	live := err == nil
	path, integrity := s.SnippetPath()
	base := c.Scheme() + "://" + c.Request().Host
	more := map[string]bool{}
	for l := range draft.Texts {
		more[l] = true
	}
	if l := c.QueryParam("lang"); l != "" {
		more[s.cfg.I18n.Match(l)] = true
	}
	delete(more, "en")
	previews := append([]string{"en"}, slices.Sorted(maps.Keys(more))...)
	return render(c, http.StatusOK, templates.EmbedPage(s.adminT(c, currentUser(c)), templates.EmbedView{
		Site: draft, Base: base, Src: base + path, Integrity: integrity, Languages: s.cfg.I18n.Languages(),
		Previews: previews, Live: live,
	}))
}

// getSitePreview renders the draft's banner and preference center as a
// static page, in one language, for the embed page's previews.
func (s *Server) getSitePreview(c echo.Context) error {
	draft, err := s.cfg.Store.Draft(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	lang := s.cfg.I18n.Match(c.QueryParam("lang"))
	mode := consent.Mode(c.QueryParam("mode"))
	if mode != consent.OptOut && mode != consent.Notice {
		mode = consent.OptIn
	}
	b := templates.Banner{T: s.cfg.I18n.For(lang).With(draft.Texts[lang]), Site: draft, Mode: mode, Granted: draft.Defaults(mode, false)}
	return render(c, http.StatusOK, templates.PreviewPage(b))
}

// cleanOrigin accepts what an owner pastes from the address bar, such as
// "https://Shop.example/" or "shop.example", as the origin it names.
func cleanOrigin(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") {
		s = "https://" + s
	}
	if o := consent.NormalizeOrigin(s); o != "" {
		return o
	}
	return s
}
