package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/a-h/templ"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/static"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// DemoSite is the ID of the site `serve --demo` seeds.
const DemoSite = "demo"

// DemoVideo is the name the demo site gives its video service, which its
// video's placeholder names (in the visitor's words, DemoVideoKey): the
// video comes from the demo's own address, which named no service ("This
// content from 127.0.0.1 is blocked").
const DemoVideo = "Demo Video"

// DemoVideoKey is the message that names the demo's video service in the
// visitor's language, in the preference center and on the video's
// placeholder alike.
const DemoVideoKey = "demo_service_video"

// getDemo serves the demo shop. Coming back from the no-JavaScript page with
// ?consentry_token=, it does what a site's backend does: checks the token
// and sets it as a first-party cookie.
func (s *Server) getDemo(c echo.Context) error {
	if tok := c.QueryParam("consentry_token"); tok != "" {
		if cl, err := s.cfg.Tokens.Decode(tok, time.Now()); err == nil && cl.Site == DemoSite {
			s.setTokenCookie(c, tok, time.Unix(cl.Expires, 0))
		}
		q := c.QueryParams()
		q.Del("consentry_token")
		u := url.URL{Path: "/demo", RawQuery: q.Encode()}
		return c.Redirect(http.StatusSeeOther, u.String())
	}
	loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language")))
	self := c.Scheme() + "://" + c.Request().Host
	noJS := "/p/" + DemoSite + "?" + url.Values{"return": {self + "/demo"}, "lang": {loc.Lang}}.Encode()
	// The caption depends on the visitor's country and signal, as the
	// banner does: a shared cache must not hand one's to another.
	c.Response().Header().Set("Vary", s.bannerVary)
	page := templates.Demo{T: loc, Site: DemoSite, NoJS: noJS, Video: loc.T(DemoVideoKey), Caption: s.demoCaption(c)}
	return render(c, http.StatusOK, templates.DemoPage(page))
}

// demoCaption is the message the demo video's caption says, true where the
// visitor is: in an opt-in region the video waits for marketing to be
// allowed; in an opt-out or notice region marketing is on from the start,
// unless Global Privacy Control binds there, which keeps it off whatever
// the visitor chooses on the page (only "load this once" plays the video).
func (s *Server) demoCaption(c echo.Context) string {
	site, err := s.sites.get(c.Request().Context(), DemoSite)
	if err != nil {
		return "demo_video_blocked"
	}
	mode := s.jurisdiction(c, site).Mode
	switch {
	case mode.GPCBinds(gpcOf(c)):
		return "demo_video_gpc"
	case mode == consent.OptIn:
		return "demo_video_blocked"
	}
	return "demo_video_on"
}

// getDemoNotice serves one of the demo shop's notices, which its banner's
// first-layer links open (app.DemoLinks), in the visitor's language: the
// one ?lang= asks for, else their browser's. kept, when given, is the
// plural message that says for how many days a choice is remembered: the
// demo site's lifetime as its Basics form sets it, so the notice never
// contradicts an operator who changed it.
func (s *Server) getDemoNotice(title, body, kept string) echo.HandlerFunc {
	return func(c echo.Context) error {
		loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language")))
		back := "/demo?" + url.Values{"lang": {loc.Lang}}.Encode()
		page := templates.DemoNoticePage{T: loc, Title: title, Body: body, Back: back}
		if kept != "" {
			site, err := s.sites.get(c.Request().Context(), DemoSite)
			if err != nil {
				return err
			}
			page.Kept = loc.N(kept, int(site.LifetimeOrDefault()/(24*time.Hour)))
		}
		return render(c, http.StatusOK, templates.DemoNotice(page))
	}
}

// getDemoVideo stands for a third-party video player, which sets its own
// marketing cookie once it loads.
func (s *Server) getDemoVideo(c echo.Context) error {
	c.SetCookie(&http.Cookie{Name: "_demo_video", Value: "1", Path: "/", MaxAge: 86400, SameSite: http.SameSiteLaxMode})
	nonce := templ.GetNonce(withNonce(c).Context())
	return c.HTML(http.StatusOK, `<!DOCTYPE html><html lang="en"><title>Video</title><style nonce="`+nonce+`">`+
		`body{margin:0;display:grid;place-items:center;height:100vh;background:#111;color:#fff;font:16px system-ui}</style>`+
		`<body><p data-testid="video-loaded">▶ Video player (loaded)</p></body></html>`)
}

// demoAssets serves the demo shop's own files.
var demoAssets = echo.WrapHandler(http.FileServer(http.FS(static.FS)))
