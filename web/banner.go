package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

type bannerState struct {
	Site     string       `json:"site"`
	Revision int          `json:"revision"`
	Lang     string       `json:"lang"`
	Dir      string       `json:"dir"`
	Mode     consent.Mode `json:"mode"`
	Changed  bool         `json:"changed"`
	// ConsentMode is the Consent Mode bit mask of the defaults, which an
	// opt-out or notice region applies before the visitor decides.
	ConsentMode int              `json:"consent_mode"`
	GPC         bool             `json:"gpc"`
	Categories  []bannerCategory `json:"categories"`
	Cookies     []bannerCookie   `json:"cookies"`
	TextsHash   string           `json:"texts_hash"`
	Reopen      string           `json:"reopen"`
	HTML        string           `json:"html"`
	CSS         string           `json:"css"`
}

type bannerCategory struct {
	Key      string `json:"key"`
	Required bool   `json:"required"`
	Default  bool   `json:"default"`
	GPC      bool   `json:"gpc"`
}

type bannerCookie struct {
	Category string `json:"category"`
	Name     string `json:"name"`
}

// getBanner answers the snippet: the banner and preference center in the
// visitor's language with the state it needs. With ?rev=N it answers 204
// while N is the site's current revision, so that a returning visitor's
// check is one small, cacheable request.
func (s *Server) getBanner(c echo.Context) error {
	site, err := s.sites.get(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	gpc := gpcOf(c) || c.QueryParam("gpc") == "1"
	where := s.jurisdiction(c, site)
	changed := false
	if rev := c.QueryParam("rev"); rev != "" {
		n, err := strconv.Atoi(rev)
		if err != nil {
			return consent.FieldError(consent.EInvalid, "rev", "must be a revision number")
		}
		// A current revision needs no banner, except under GPC in an opt-out
		// region: the snippet must learn the mode to apply the signal's
		// opt-out to a decision made before it was on.
		if n == site.Revision && !(gpc && where.Mode == consent.OptOut) {
			h.Set("Cache-Control", "public, max-age=300")
			return c.NoContent(http.StatusNoContent)
		}
		changed = n < site.Revision
	}
	loc := s.localizer(c, site, c.QueryParam("lang"))
	defaults := site.Defaults(where.Mode, gpc)
	view := templates.Banner{T: loc, Site: site, GPC: gpc, Mode: where.Mode, Granted: defaults, Changed: changed}
	var html bytes.Buffer
	if err := templates.BannerFragment(view).Render(c.Request().Context(), &html); err != nil {
		return err
	}
	st := bannerState{
		Site: site.ID, Revision: site.Revision, Lang: loc.Lang, Dir: loc.Dir(), Mode: where.Mode, Changed: changed, GPC: gpc,
		ConsentMode: site.ConsentModeBits(granted(defaults)),
		TextsHash:   hex.EncodeToString(s.shown(site, loc).hash[:]),
		Reopen:      loc.T("reopen"), HTML: html.String(), CSS: string(s.assets.css.body),
	}
	for _, cat := range site.Categories {
		st.Categories = append(st.Categories, bannerCategory{Key: cat.Key, Required: cat.Required, Default: defaults[cat.Key], GPC: cat.GPC})
	}
	for _, sv := range site.Services {
		for _, k := range sv.Cookies {
			st.Cookies = append(st.Cookies, bannerCookie{Category: sv.Category, Name: k.Name})
		}
	}
	// The answer depends on the country header too: a shared cache must not
	// hand one country's banner to another.
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("Vary", "Accept-Language, Sec-GPC")
	if s.cfg.CountryHeader != "" {
		h.Add("Vary", s.cfg.CountryHeader)
	}
	return c.JSON(http.StatusOK, st)
}

// localizer translates for a site's visitor: the language they prefer, with
// the site's own wording for it.
func (s *Server) localizer(c echo.Context, site *consent.Site, lang string) *i18n.Localizer {
	l := s.cfg.I18n.Match(lang, c.Request().Header.Get("Accept-Language"))
	return s.cfg.I18n.For(l).With(site.Texts[l])
}

// granted lists the keys set to true.
func granted(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	return out
}

// gpcOf reports whether the request carries Global Privacy Control.
func gpcOf(c echo.Context) bool { return c.Request().Header.Get("Sec-GPC") == "1" }

// shownTexts is the canonical record of the exact texts a site's banner shows
// in one language at one revision, and its digest: the proof of what a
// visitor was shown.
type shownTexts struct {
	hash [32]byte
	body []byte
}

// bannerMessages are the message IDs the banner and preference center show.
var bannerMessages = append([]string{"prefs_always_on"}, consent.TextKeys...)

// shown returns the texts snapshot for a site revision in one language,
// computing it once per process.
func (s *Server) shown(site *consent.Site, loc *i18n.Localizer) *shownTexts {
	key := fmt.Sprintf("%s/%d/%s", site.ID, site.Revision, loc.Lang)
	if v, ok := s.texts.Load(key); ok {
		return v.(*shownTexts)
	}
	rec := consent.Texts{Site: site.ID, Revision: site.Revision, Lang: loc.Lang, Messages: map[string]string{}, Services: site.Services}
	for _, id := range bannerMessages {
		rec.Messages[id] = loc.T(id)
	}
	if site.ChangeNote != "" {
		rec.Messages["change_note"] = site.ChangeNote
	}
	for _, cat := range site.Categories {
		rec.Categories = append(rec.Categories, consent.TextsCategory{Key: cat.Key, Required: cat.Required,
			Name: templates.CategoryName(loc, cat), Description: templates.CategoryDescription(loc, cat)})
	}
	body, _ := json.Marshal(rec) // plain strings, maps and slices: cannot fail
	t := &shownTexts{hash: sha256.Sum256(body), body: body}
	v, _ := s.texts.LoadOrStore(key, t)
	return v.(*shownTexts)
}
