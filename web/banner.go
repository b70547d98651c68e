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
	Site       string           `json:"site"`
	Revision   int              `json:"revision"`
	Lang       string           `json:"lang"`
	Dir        string           `json:"dir"`
	Mode       string           `json:"mode"`
	GPC        bool             `json:"gpc"`
	Categories []bannerCategory `json:"categories"`
	Cookies    []bannerCookie   `json:"cookies"`
	TextsHash  string           `json:"texts_hash"`
	Reopen     string           `json:"reopen"`
	HTML       string           `json:"html"`
	CSS        string           `json:"css"`
}

type bannerCategory struct {
	Key      string `json:"key"`
	Required bool   `json:"required"`
	Default  bool   `json:"default"`
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
	if rev := c.QueryParam("rev"); rev != "" {
		n, err := strconv.Atoi(rev)
		if err != nil {
			return consent.FieldError(consent.EInvalid, "rev", "must be a revision number")
		}
		if n == site.Revision {
			h.Set("Cache-Control", "public, max-age=300")
			return c.NoContent(http.StatusNoContent)
		}
	}
	gpc := gpcOf(c) || c.QueryParam("gpc") == "1"
	loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language")))
	view := templates.Banner{T: loc, Site: site, GPC: gpc}
	var html bytes.Buffer
	if err := templates.BannerFragment(view).Render(c.Request().Context(), &html); err != nil {
		return err
	}
	st := bannerState{
		Site: site.ID, Revision: site.Revision, Lang: loc.Lang, Dir: loc.Dir(), Mode: "opt-in", GPC: gpc,
		TextsHash: hex.EncodeToString(s.shown(site, loc).hash[:]),
		Reopen:    loc.T("reopen"), HTML: html.String(), CSS: string(s.assets.css.body),
	}
	for _, cat := range site.Categories {
		st.Categories = append(st.Categories, bannerCategory{Key: cat.Key, Required: cat.Required, Default: cat.Required})
	}
	for _, sv := range site.Services {
		for _, k := range sv.Cookies {
			st.Cookies = append(st.Cookies, bannerCookie{Category: sv.Category, Name: k.Name})
		}
	}
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Accept-Language, Sec-GPC")
	return c.JSON(http.StatusOK, st)
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
var bannerMessages = []string{
	"banner_title", "banner_body", "banner_accept", "banner_reject", "banner_customize", "banner_gpc",
	"prefs_title", "prefs_intro", "prefs_save", "prefs_always_on",
}

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
	for _, cat := range site.Categories {
		rec.Categories = append(rec.Categories, consent.TextsCategory{Key: cat.Key, Required: cat.Required,
			Name: templates.CategoryName(loc, cat), Description: templates.CategoryDescription(loc, cat)})
	}
	body, _ := json.Marshal(rec) // plain strings, maps and slices: cannot fail
	t := &shownTexts{hash: sha256.Sum256(body), body: body}
	v, _ := s.texts.LoadOrStore(key, t)
	return v.(*shownTexts)
}
