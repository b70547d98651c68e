package app

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/web"
)

// DemoSite is the demo pharmacy's configuration, allowing the given origins.
// Its cookies' lifetimes are whole days, as the catalog, YAML and the
// console store them. Consentry's own service is the catalog's, as on a
// site created in the console, and the other services are named by the
// demo's messages and say what they do with the catalog's purposes, so
// every visitor reads them in their own language (English text written
// here reached Arabic and German visitors as it was). Its banner links to
// the demo's privacy and legal notices at the first origin.
func DemoSite(origins ...string) *consent.Site {
	const (
		name     = "Green Cross Pharmacy (demo)"
		pharmacy = "Green Cross Pharmacy"
	)
	return &consent.Site{
		ID: web.DemoSite, Name: name, NameKey: "demo_site_name", Origins: origins,
		Categories: consent.BuiltInCategories(),
		Services: []consent.Service{
			consent.OwnService(name, consent.DefaultLifetime),
			{Name: "Shop session", NameKey: "demo_service_session", Provider: pharmacy, Category: consent.Necessary, DescriptionKey: "purpose_session",
				Cookies: []consent.Cookie{{Name: "session", Provider: pharmacy, PurposeKey: "purpose_session", Session: true}}},
			{Name: "Language and store", NameKey: "demo_service_settings", Provider: pharmacy, Category: consent.Preferences, DescriptionKey: "purpose_settings",
				Cookies: []consent.Cookie{{Name: "demo_lang", Provider: pharmacy, PurposeKey: "purpose_settings", Days: 365}}},
			{Name: "Demo Analytics", NameKey: "demo_service_analytics", Provider: "Demo Analytics Ltd.", Category: consent.Analytics, DescriptionKey: "purpose_visitor_id",
				PolicyURL: "https://analytics.example/privacy",
				Cookies: []consent.Cookie{
					{Name: "_demo_ga", Provider: "Demo Analytics Ltd.", PurposeKey: "purpose_visitor_id", Days: 395},
					{Name: "_demo_ga_*", Provider: "Demo Analytics Ltd.", PurposeKey: "purpose_behaviour", Days: 395},
				}},
			{Name: "Demo Ads", NameKey: "demo_service_ads", Provider: "Demo Ads Inc.", Category: consent.Marketing, DescriptionKey: "purpose_ads",
				PolicyURL: "https://ads.example/privacy",
				Cookies:   []consent.Cookie{{Name: "_demo_ads", Provider: "Demo Ads Inc.", PurposeKey: "purpose_conversion", Days: 90}}},
			{Name: web.DemoVideo, NameKey: web.DemoVideoKey, Provider: "Demo Video LLC", Category: consent.Marketing, DescriptionKey: "purpose_video",
				Cookies: []consent.Cookie{{Name: "_demo_video", Provider: "Demo Video LLC", PurposeKey: "purpose_ads", Days: 1}}},
		},
		Lifetime:   consent.Duration{Duration: consent.DefaultLifetime},
		ConsentMap: consent.DefaultConsentMap(),
		Links:      DemoLinks(origins...),
	}
}

// seedDemo publishes the demo site on first start, and a new editorial
// revision when the server now answers on an origin the site does not
// allow yet, or when the site is still one an earlier Consentry published
// and a new demo's services say more (earlierDemo). A draft the owner was
// editing outlives the publication, in the same transaction (keepDraft).
func seedDemo(ctx context.Context, st store.Store, bundle *i18n.Bundle, base string, log *slog.Logger) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	origins := []string{base, "http://localhost:" + u.Port()}
	site, err := st.Site(ctx, web.DemoSite)
	if consent.ErrorCode(err) == consent.ENotFound {
		site, err = DemoSite(origins...), nil
		site.Revision = 0
	}
	if err != nil {
		return err
	}
	draft, err := st.Draft(ctx, web.DemoSite)
	switch {
	case consent.ErrorCode(err) == consent.ENotFound:
		draft, err = nil, nil
	case err == nil && site.Revision > 0 && len(consent.Diff(site, draft)) == 0:
		draft = nil // nothing unpublished
	}
	if err != nil {
		return err
	}
	if site.Revision > 0 {
		// A new address, or the services' texts in every visitor
		// language, change nothing a visitor consented to: an editorial
		// revision, which asks nobody again and tells nobody of the last
		// material change as if it were new.
		next := *site
		var notes []string
		if added := slices.DeleteFunc(origins, site.AllowsOrigin); len(added) > 0 {
			next.Origins = slices.Concat(site.Origins, added)
			notes = append(notes, "serve --demo now also answers on "+strings.Join(added, " and "))
		}
		earlier, err := earlierDemo(ctx, st, site)
		if err != nil {
			return err
		}
		if earlier {
			next.Services = DemoSite().Services
			if len(consent.Diff(&consent.Site{Services: site.Services}, &consent.Site{Services: next.Services})) > 0 {
				notes = append(notes, "the demo's services are a new demo's, which say what they do in every visitor language")
			}
			if next.NameKey = DemoSite().NameKey; next.NameKey != site.NameKey {
				notes = append(notes, "the demo's name is said in every visitor language")
			}
		}
		if links, ok := demoLinksFor(site, base, earlier || len(notes) > 0); ok {
			next.Links = links
			notes = append(notes, "the banner links to the demo's privacy and legal notices at "+base)
		}
		if len(notes) == 0 {
			return nil
		}
		next.ChangeNote = strings.Join(notes, "; ")
		next.PrepareRevision(site, true)
		site = &next
	}
	added := keepDraft(draft, site.Origins)
	if links, ok := demoLinksFor(draft, base, len(added) > 0); ok {
		draft.Links = links
	}
	rev, err := st.PublishKeeping(ctx, site, shown.All(bundle), draft)
	if err != nil {
		if draft != nil {
			return errors.Join(errors.New("publishing the demo site and keeping its unpublished draft (nothing changed)"), err)
		}
		return errors.Join(errors.New("publishing the demo site"), err)
	}
	log.Info("published demo site", "site", site.ID, "revision", rev, "origins", site.Origins, "at", time.Now().UTC().Format(time.RFC3339))
	switch {
	case draft == nil:
	case len(added) > 0:
		log.Info("kept the demo site's unpublished draft, which now also allows the demo's addresses", "site", draft.ID, "added", added)
	default:
		log.Info("kept the demo site's unpublished draft", "site", draft.ID)
	}
	return nil
}

// DemoLinks are the demo shop's privacy notice and legal notice, served at
// the first of origins (none: no links), in every visitor language: the
// banner's first layer links to them.
func DemoLinks(origins ...string) map[string]consent.Links {
	if len(origins) == 0 {
		return nil
	}
	links := map[string]consent.Links{}
	for _, l := range i18n.Visitor {
		q := "?" + url.Values{"lang": {l.Code}}.Encode()
		links[l.Code] = consent.Links{Privacy: origins[0] + "/demo/privacy" + q, Legal: origins[0] + "/demo/legal" + q}
	}
	return links
}

// demoLinksFor returns the demo's links at base for a site (nil: none)
// that the demo publishes again anyway (moving): one on a new address, or
// still as an earlier Consentry published it. Only a site with no links,
// or with the demo's own at another of its addresses, gets them: links an
// owner wrote stay as they are, and an owner's site the demo does not
// publish again is not touched.
func demoLinksFor(site *consent.Site, base string, moving bool) (map[string]consent.Links, bool) {
	if site == nil || !moving {
		return nil, false
	}
	want := DemoLinks(base)
	if len(site.Links) == 0 {
		return want, true
	}
	if maps.Equal(site.Links, want) {
		return nil, false
	}
	for _, o := range site.Origins {
		if maps.Equal(site.Links, DemoLinks(o)) {
			return want, true
		}
	}
	return nil, false
}

// keepDraft gives the draft an owner was editing, which the publication
// keeps (store.Sites.PublishKeeping: nothing typed in the site editor is
// lost by starting the demo elsewhere), the addresses the demo now answers
// on, so that publishing it later does not refuse the demo's own pages,
// and returns those it added: the log says so, as the editor shows only
// the owner's own changes pending.
func keepDraft(draft *consent.Site, origins []string) []string {
	if draft == nil {
		return nil
	}
	added := slices.DeleteFunc(slices.Clone(origins), draft.AllowsOrigin)
	draft.Origins = slices.Concat(draft.Origins, added)
	return added
}

// DemoAdminEmail is the account `serve --demo` creates for the console.
const DemoAdminEmail = "admin@demo.example"

// seedAdmin creates the demo admin with a random password when the console
// has no users yet, and hands the password to show, once.
func seedAdmin(ctx context.Context, st store.Store, cost int, show func(email, password string)) error {
	users, err := st.Users(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	b := make([]byte, 12)
	rand.Read(b)
	password := base64.RawURLEncoding.EncodeToString(b)
	u, err := auth.NewUser(DemoAdminEmail, auth.Admin, password, cost)
	if err != nil {
		return err
	}
	if err := st.AddUser(ctx, u); err != nil {
		return err
	}
	if show != nil {
		show(u.Email, password)
	}
	return nil
}

// earlierDemos holds the demo site as earlier Consentry versions
// published it, origins aside, written by their DemoSite: its services in
// English, with lifetimes as text (lifetimes-as-text.json) and then in
// days (english-texts.json), then describing themselves in every visitor
// language but with no links to the demo's notices
// (services-in-every-language.json), then with those links at whichever
// address the demo answered on but its services named in English
// (notice-links.json), then with its services named in every visitor
// language but its own name in English (services-named.json).
//
//go:embed demo_earlier/*.json
var earlierDemos embed.FS

// earlierDemo reports a demo site that is still the demo's own as an
// earlier Consentry published it (any origins), with no edit in its
// draft: one whose services a new demo's replace without touching
// anything an owner did.
func earlierDemo(ctx context.Context, st store.Store, live *consent.Site) (bool, error) {
	files, err := earlierDemos.ReadDir("demo_earlier")
	if err != nil {
		return false, err
	}
	for _, f := range files {
		b, err := earlierDemos.ReadFile("demo_earlier/" + f.Name())
		if err != nil {
			return false, err
		}
		var was consent.Site
		if err := json.Unmarshal(b, &was); err != nil {
			return false, err
		}
		if len(was.Links) > 0 && maps.Equal(was.Links, DemoLinks(was.Origins...)) {
			// The demo's own links, at whichever of its addresses it
			// published them.
			for _, o := range live.Origins {
				if maps.Equal(live.Links, DemoLinks(o)) {
					was.Links = live.Links
				}
			}
		}
		was.Origins = live.Origins
		if len(consent.Diff(&was, live)) > 0 {
			continue
		}
		draft, err := st.Draft(ctx, live.ID)
		if err != nil {
			return false, err
		}
		return len(consent.Diff(live, draft)) == 0, nil
	}
	return false, nil
}
