package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/token"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getPrefsPage renders the preference center as a full page for visitors
// without JavaScript.
func (s *Server) getPrefsPage(c echo.Context) error {
	site, ret, err := s.prefsSite(c, c.QueryParam("return"))
	if err != nil {
		return err
	}
	view := s.prefsView(c, site, ret, c.QueryParam("lang"))
	// A visitor who has chosen before sees that choice, and the form starts
	// from it.
	if tok, cl, ok := s.ownToken(c, site); ok {
		view.Current = append([]string{}, cl.Granted...)
		view.ConsentID, view.Token = cl.ConsentID, tok
		view.Granted = map[string]bool{}
		for _, g := range cl.Granted {
			view.Granted[g] = true
		}
	}
	return render(c, http.StatusOK, templates.PrefsPage(view))
}

// postPrefsPage records the form's decision (source nojs), sets the token as
// a cookie on this origin and either redirects to the return URL with the
// token appended, for the site's backend to set first-party, or confirms.
func (s *Server) postPrefsPage(c echo.Context) error {
	site, ret, err := s.prefsSite(c, c.FormValue("return"))
	if err != nil {
		return err
	}
	if o := c.Request().Header.Get("Origin"); o != "" && o != c.Scheme()+"://"+c.Request().Host {
		return consent.Errorf(consent.EForbidden, "this form can only be posted from its own page").Say("page_error_origin", nil)
	}
	rev, err := strconv.Atoi(c.FormValue("revision"))
	if err != nil {
		return consent.FieldError(consent.EInvalid, "revision", "must be a revision number").Say("page_error_form", nil)
	}
	if rev > site.Revision { // published on another instance since this one read the site
		if _, err := s.sites.atLeast(c.Request().Context(), site.ID, rev); err != nil {
			return err
		}
		if site, ret, err = s.prefsSite(c, c.FormValue("return")); err != nil {
			return err
		}
	}
	// The page the visitor chose on is the site's page they came from (the
	// return URL, checked above), not this form's, which the Referer names.
	page := c.Request().Referer()
	if ret != nil {
		page = ret.String()
	}
	req := consent.Request{Action: consent.Action(c.FormValue("action")), Revision: rev,
		Lang: c.FormValue("lang"), Source: consent.SourceNoJS, Page: page}
	// A visitor who chose here before changes their mind under the same
	// consent: the token this page set proves it is theirs. One that is not
	// valid for this site (expired, another site's, forged) proves nothing,
	// and a new consent begins.
	if tok, _, ok := s.ownToken(c, site); ok {
		req.Token = tok
	}
	if req.Action == consent.Custom {
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		req.Categories = map[string]bool{}
		for _, cat := range site.Categories {
			req.Categories[cat.Key] = slices.Contains(form["c"], cat.Key)
		}
	}
	resp, err := s.record(c, site, req)
	if code := consent.ErrorCode(err); code == consent.EInvalid || code == consent.EUnprocessed {
		return consent.Wrap(code, err, "%s", err.Error()).Say("page_error_form", nil)
	} else if err != nil {
		return err
	}
	s.setTokenCookie(c, resp.Token, resp.ExpiresAt)
	if ret != nil {
		q := ret.Query()
		q.Set("consentry_token", resp.Token)
		ret.RawQuery = q.Encode()
		return c.Redirect(http.StatusSeeOther, ret.String())
	}
	view := s.prefsView(c, site, nil, req.Lang)
	view.Saved, view.ConsentID, view.Token = append([]string{}, resp.Granted...), resp.ConsentID, resp.Token
	view.Granted = map[string]bool{}
	for _, g := range resp.Granted {
		view.Granted[g] = true
	}
	return render(c, http.StatusOK, templates.PrefsPage(view))
}

// ownToken is the token in this server's own consentry cookie, the one
// the page without JavaScript sets, with its claims, when it is valid and
// of site.
func (s *Server) ownToken(c echo.Context, site *consent.Site) (string, token.Claims, bool) {
	ck, err := c.Cookie(token.Name)
	if err != nil {
		return "", token.Claims{}, false
	}
	cl, err := s.cfg.Tokens.Decode(ck.Value, time.Now())
	if err != nil || cl.Site != site.ID {
		return "", token.Claims{}, false
	}
	return ck.Value, cl, true
}

// prefsSite loads the site and checks that the return URL, if any, is on
// one of its allowed origins. Its refusals name the sentence (page_error_…)
// their error page says them by in the visitor's language.
func (s *Server) prefsSite(c echo.Context, ret string) (*consent.Site, *url.URL, error) {
	site, err := s.sites.get(c.Request().Context(), c.Param("site"))
	if consent.ErrorCode(err) == consent.ENotFound {
		return nil, nil, consent.Wrap(consent.ENotFound, err, "%s", err.Error()).Say("page_error_site", nil)
	}
	if err != nil || ret == "" {
		return site, nil, err
	}
	u, err := url.Parse(ret)
	if err != nil || !u.IsAbs() || !site.AllowsOrigin(u.Scheme+"://"+u.Host) {
		return nil, nil, consent.FieldError(consent.EForbidden, "return", "%q is not on an origin site %q allows", ret, site.ID).Say("page_error_return", nil)
	}
	return site, u, nil
}

func (s *Server) prefsView(c echo.Context, site *consent.Site, ret *url.URL, lang string) templates.Prefs {
	where := s.jurisdiction(c, site)
	p := templates.Prefs{Banner: templates.Banner{T: s.localizer(c, site, lang), Site: site, GPC: gpcOf(c), Mode: where.Mode,
		Granted: site.Defaults(where.Mode, gpcOf(c))}}
	if ret != nil {
		p.Return = ret.String()
	}
	return p
}

// setTokenCookie stores a consent token on this server's own origin, where
// the demo and the no-JavaScript page live. The snippet must read it, so it
// is not HttpOnly; the MAC, not secrecy, protects it.
func (s *Server) setTokenCookie(c echo.Context, tok string, expires time.Time) {
	c.SetCookie(&http.Cookie{
		Name: token.Name, Value: tok, Path: "/", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(),
	})
}
