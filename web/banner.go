package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// bannerState is what the snippet gets besides the banner's HTML. Fields
// added for automatic blocking, placeholders and vendor signals (issue 9):
//
//	"modal": false when the site's banner must not block the page
//	"services": [{"name":"YouTube","category":"marketing","hosts":["youtube.com",…],"cookies":["YSC",…]}]
//	            the site's services that name hosts; a host covers its subdomains
//	"signals": {"uet":"marketing","meta":"marketing"}: which category grants each vendor signal
//	"texts": {"ph_blocked":"… {service} … {category} …","ph_cookies":"… {cookies} …","ph_once":"…","ph_allow":"… {category} …","sep":", ","save_failed":"…"}
//	          the placeholder's texts in the visitor's language, {…} to be replaced; sep
//	          joins the cookie names of {cookies} as the language separates a list;
//	          save_failed is what the banner says when a decision is not recorded,
//	          load_failed when the preference center could not be loaded;
//	          "gpc_marketing":"…" where Global Privacy Control holds that category off
//	"categories": [{…, "name":"Marketing"}]: each category's name in that language
//	"material": the site's newest material revision: a decision of an older one no
//	            longer stands, so the services of this answer release none of its
//	            grants (automatic blocking holds them until the visitor decides again)
type bannerState struct {
	Site     string       `json:"site"`
	Revision int          `json:"revision"`
	Material int          `json:"material"`
	Lang     string       `json:"lang"`
	Dir      string       `json:"dir"`
	Mode     consent.Mode `json:"mode"`
	// A false flag is left out (changed, gpc, a category's required,
	// default and gpc): every snippet build reads them as true or not, and
	// every first visit downloads them.
	Changed bool `json:"changed,omitempty"`
	// ConsentMode is the Consent Mode bit mask of the defaults, which an
	// opt-out or notice region applies before the visitor decides.
	ConsentMode int              `json:"consent_mode"`
	GPC         bool             `json:"gpc,omitempty"`
	Categories  []bannerCategory `json:"categories"`
	Cookies     []bannerCookie   `json:"cookies"`
	TextsHash   string           `json:"texts_hash,omitempty"`
	Reopen      string           `json:"reopen"`
	HTML        string           `json:"html"`
	// CSS is the whole stylesheet, for builds released before v=2 only.
	CSS string `json:"css,omitempty"`
	// Stylesheet is the path of the stylesheet's immutable URL and Vars the
	// site's colours as CSS custom properties, for v=2 builds: those it
	// changed from the defaults, which the stylesheet falls back to.
	Stylesheet string            `json:"stylesheet,omitempty"`
	Vars       string            `json:"vars"`
	Modal      bool              `json:"modal"`
	Services   []bannerService   `json:"services,omitempty"`
	Signals    map[string]string `json:"signals,omitempty"`
	Texts      map[string]string `json:"texts"`
}

type bannerCategory struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Required bool   `json:"required,omitempty"`
	Default  bool   `json:"default,omitempty"`
	GPC      bool   `json:"gpc,omitempty"`
}

type bannerService struct {
	Name     string   `json:"name"`
	Category string   `json:"category"`
	Hosts    []string `json:"hosts"`
	Cookies  []string `json:"cookies,omitempty"`
}

// placeholders are the texts of the snippet's click-to-load placeholder in
// the visitor's language, with {service}, {category} and {cookies} for the
// snippet to fill in, and the separator it joins the cookie names with.
// Where the visitor's Global Privacy Control signal holds a category off
// (b.GPCLocks: an opt-out or notice region), no choice on the page can
// allow it: "gpc_<category>" says so as the banner does, and the snippet
// shows it instead of "blocked until you allow" and its Allow button.
func placeholders(loc *i18n.Localizer, b templates.Banner) map[string]string {
	out := templates.PlaceholderTexts(loc)
	out["sep"], out["save_failed"], out["load_failed"] = loc.ListSep(), loc.T("banner_save_failed"), loc.T("prefs_load_failed")
	for _, c := range b.Site.Categories {
		if b.GPCLocks(c) {
			out["gpc_"+c.Key] = templates.GPCBinding(loc, b.Site)
		}
	}
	return out
}

type bannerCookie struct {
	Category string `json:"category"`
	Name     string `json:"name"`
}

// getBanner answers the snippet: the banner and preference center in the
// visitor's language with the state it needs. With ?rev=N it answers 204
// while N is the site's current revision, so that a returning visitor's
// check is one small, cacheable request. With ui=1 as well (the snippet
// keeps no texts for the language this page asks for), a current revision
// gets the banner state without its HTML instead of the 204: the
// placeholders' texts, category names and reopen label in this page's
// language, which a visitor who decided on a page in another language has
// not got.
//
// With v=2 (every build since the strict-CSP one) the answer names the
// stylesheet's immutable URL and the site's colours instead of inlining
// them; without it, it keeps the shape released builds expect (inline css,
// colours in a style attribute). Each answer is rendered once per site
// version, language, mode, GPC and "changed", stored compressed, and
// dropped when the site changes (siteCache). With v=3 the stylesheet comes
// in two parts: the first answer names the first layer's, the preference
// center's answer (part=prefs) the rest, which a first visit does not wait
// for. v=4 is v=3's content in compactState's short keys.
func (s *Server) getBanner(c echo.Context) error {
	e, err := s.sites.entry(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	site := e.site
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	// The answer depends on these headers: a shared cache must not hand one
	// country's, language's or signal's banner to another.
	h.Set("Vary", s.bannerVary)
	gpc := gpcOf(c) || c.QueryParam("gpc") == "1"
	where := s.jurisdiction(c, site)
	changed, textsOnly := false, false
	v := c.QueryParam("v")
	legacy, split, compact := v == "", v == "3" || v == "4", v == "4"
	if rev := c.QueryParam("rev"); rev != "" {
		n, err := strconv.Atoi(rev)
		if err != nil {
			return consent.FieldError(consent.EInvalid, "rev", "must be a revision number")
		}
		// A current revision needs no banner, except under GPC in an opt-out
		// region: the snippet must learn the mode to apply the signal's
		// opt-out to a decision made before it was on.
		// An editorial revision asks nobody again: a decision stands until
		// the next material revision.
		current := site.Current(n) && !(gpc && where.Mode == consent.OptOut)
		// u is the revision the snippet's kept services and texts are of
		// (builds since automatic blocking held undeclared hosts): an older
		// one, though the decision stands, gets the texts-only answer, so a
		// service's hosts published since (an editorial revision) reach the
		// visitor's snippet within minutes too.
		kept := c.QueryParam("u")
		if current && (legacy || c.QueryParam("ui") != "1") && (kept == "" || kept == strconv.Itoa(site.Revision)) {
			h.Set("Cache-Control", "public, max-age=300")
			return c.NoContent(http.StatusNoContent)
		}
		textsOnly = current
		changed = n < site.Material()
	}
	lang := s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
	key := bannerKey{lang: lang, mode: where.Mode, gpc: gpc, changed: changed, legacy: legacy, split: split, compact: compact, prefs: c.QueryParam("part") == "prefs", texts: textsOnly}
	a, ok := e.banners.Load(key)
	if !ok {
		loc := s.cfg.I18n.For(lang).With(site.Texts[lang])
		fresh, err := s.renderBanner(c, site, loc, key)
		if err != nil {
			return err
		}
		a, _ = e.banners.LoadOrStore(key, fresh)
	}
	ans := a.(*bannerAnswer)
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("ETag", ans.etag)
	if c.Request().Header.Get("If-None-Match") == ans.etag {
		return c.NoContent(http.StatusNotModified)
	}
	return sendEncoded(c, http.StatusOK, echo.MIMEApplicationJSON, ans.json, ans.gz, ans.br)
}

// bannerKey names one precomputed banner answer of a site version.
type bannerKey struct {
	lang                 string
	mode                 consent.Mode
	gpc, changed, legacy bool
	// split names the stylesheet's two parts (v=3 and later): the first
	// layer's in the first answer, the preference center's in the
	// part=prefs one.
	split bool
	// compact is the short shape of v=4 (compactState).
	compact bool
	// prefs asks for the preference center alone (v=2 with part=prefs):
	// the first answer carries only the first layer, which keeps the bytes
	// before the banner shows low.
	prefs bool
	// texts asks for the state without HTML (a current revision with
	// ui=1): the texts a returning visitor's snippet keeps, in one language.
	texts bool
}

// bannerAnswer is a banner answer ready to send, plain and compressed.
type bannerAnswer struct {
	json, gz, br []byte
	etag         string
}

// renderBanner renders the banner answer for one key.
func (s *Server) renderBanner(c echo.Context, site *consent.Site, loc *i18n.Localizer, key bannerKey) (*bannerAnswer, error) {
	texts, err := s.snapshot(c.Request().Context(), site.ID, site.Revision, loc.Lang)
	if err != nil {
		return nil, err
	}
	defaults := site.Defaults(key.mode, key.gpc)
	view := templates.Banner{T: loc, Site: site, GPC: key.gpc, Mode: key.mode, Granted: defaults, Changed: key.changed, InlineVars: key.legacy}
	frag := templates.BannerLayer(view)
	switch {
	case key.legacy:
		frag = templates.BannerFragment(view)
	case key.prefs:
		frag = templates.PrefsDialog(view)
	}
	var html bytes.Buffer
	if !key.texts {
		if err := frag.Render(c.Request().Context(), &html); err != nil {
			return nil, err
		}
	}
	if key.prefs && !key.legacy {
		p := prefsPart{HTML: html.String()}
		if key.split {
			p.Stylesheet = s.prefsStylesheet()
		}
		if key.compact {
			return newBannerAnswer(compactPrefs(p))
		}
		return newBannerAnswer(p)
	}
	st := bannerState{
		Site: site.ID, Revision: site.Revision, Material: site.Material(), Lang: loc.Lang, Dir: loc.Dir(), Mode: key.mode, Changed: key.changed, GPC: key.gpc,
		ConsentMode: site.ConsentModeBits(granted(defaults)),
		TextsHash:   hex.EncodeToString(texts[:]),
		Reopen:      loc.T("reopen"), HTML: html.String(),
		Modal: !site.Appearance.NonBlocking, Signals: site.Signals, Texts: placeholders(loc, view),
	}
	if key.legacy {
		st.CSS = string(s.assets.css.body)
	} else {
		st.Stylesheet = s.StylesheetPath()
		if key.split {
			st.Stylesheet = s.firstLayerStylesheet()
		}
		st.Vars = site.Appearance.OwnCSSVars()
		st.TextsHash = "" // the server keeps what was shown; a v=2 build has no use for it
	}
	for _, cat := range site.Categories {
		st.Categories = append(st.Categories, bannerCategory{Key: cat.Key, Name: templates.CategoryName(loc, cat),
			Required: cat.Required, Default: defaults[cat.Key], GPC: cat.GPC})
	}
	for _, sv := range site.Services {
		var names []string
		for _, k := range sv.Cookies {
			st.Cookies = append(st.Cookies, bannerCookie{Category: sv.Category, Name: k.Name})
			names = append(names, k.Name)
		}
		if len(sv.Hosts) > 0 {
			st.Services = append(st.Services, bannerService{Name: templates.ServiceName(loc, sv), Category: sv.Category, Hosts: sv.Hosts, Cookies: names})
		}
	}
	if key.compact {
		// Builds since v=4 say why an embed of a host no service of the
		// site lists stays blocked; earlier ones showed no sentence.
		st.Texts["ph_undeclared"] = loc.TData("ph_undeclared", map[string]any{"Service": "{service}"})
		return newBannerAnswer(compactOf(st))
	}
	return newBannerAnswer(st)
}

// prefsPart is the answer to part=prefs: the preference center's fragment
// and, for v=3, the path of the stylesheet's part it needs.
type prefsPart struct {
	HTML       string `json:"html"`
	Stylesheet string `json:"stylesheet,omitempty"`
}

func newBannerAnswer(v any) (*bannerAnswer, error) {
	// Not HTML-escaped: the answer is JSON read by a script, never written
	// into a page, and every first visit downloads its html, whose < and >
	// as \u003c and \u003e cost 25 B even compressed. The encoder ends it
	// with a newline, as c.JSON wrote it.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	sum := sha256.Sum256(body)
	// 40 bits, as an asset's (newAsset): enough to tell two answers of one
	// URL apart, and every first visit downloads the header.
	return &bannerAnswer{json: body, gz: gzipBest(body), br: brotliBest(body), etag: `"` + hex.EncodeToString(sum[:5]) + `"`}, nil
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
