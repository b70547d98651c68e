package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

const userKey = "user"

// currentUser is the signed-in user; the session middleware guarantees one
// on every route behind it.
func currentUser(c echo.Context) *auth.User { return c.Get(userKey).(*auth.User) }

// csrf is the echo CSRF middleware for the console: a token in an HttpOnly,
// SameSite=Strict cookie that every state-changing form posts back.
func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup: "form:_csrf,header:X-CSRF-Token", CookieName: "consentry_csrf", CookiePath: "/admin",
		CookieHTTPOnly: true, CookieSameSite: http.SameSiteStrictMode, CookieSecure: s.cfg.SecureCookies,
		ErrorHandler: func(err error, c echo.Context) error {
			return consent.Errorf(consent.EForbidden, "the form expired or did not come from this console; reload the page and try again")
		},
	})
}

// session admits a request only with a valid session of an enabled user,
// refreshing the idle timeout. Without one, a page view goes to sign-in and
// anything else is refused.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		now := time.Now()
		var sess auth.Session
		ok := false
		if ck, err := c.Cookie(auth.SessionCookie); err == nil {
			sess, ok = s.cfg.Sessions.Decode(ck.Value, now)
		}
		var u *auth.User
		if ok {
			var err error
			if u, err = s.cfg.Store.User(c.Request().Context(), sess.UserID); err != nil || u.Disabled {
				ok = false
			}
		}
		if !ok {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/admin/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return consent.Errorf(consent.EForbidden, "sign in first")
		}
		if now.Unix()-sess.Seen > 60 {
			sess.Seen = now.Unix()
			if err := s.setSession(c, sess); err != nil {
				return err
			}
		}
		c.Set(userKey, u)
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// requireAdmin refuses a signed-in viewer.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentUser(c).Can(auth.Admin) {
			return consent.Errorf(consent.EForbidden, "only an admin may do this")
		}
		return next(c)
	}
}

func (s *Server) setSession(c echo.Context, sess auth.Session) error {
	v, err := s.cfg.Sessions.Encode(sess)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: v, Path: "/admin", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(), MaxAge: int(auth.AbsoluteTimeout / time.Second)})
	return nil
}

// audit appends to the audit trail; a failure to audit fails the request.
func (s *Server) audit(c echo.Context, actor, action, target, detail string) error {
	return s.cfg.Store.Audit(c.Request().Context(), auth.AuditEntry{
		Time: time.Now().UTC(), Actor: actor, Action: action, Target: target, Detail: detail, IP: c.RealIP(),
	})
}

func (s *Server) adminT(c echo.Context, u *auth.User) templates.Admin {
	lang := s.cfg.I18n.MatchConsole(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
	loc := time.UTC
	if u != nil {
		lang, loc = s.cfg.I18n.MatchConsole(u.Lang), u.Location()
	}
	csrf, _ := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	return templates.Admin{T: s.cfg.I18n.For(lang), User: u, CSRF: csrf, Path: c.Path(), Loc: loc, Languages: s.cfg.I18n.ConsoleLanguages()}
}

func (s *Server) getLogin(c echo.Context) error {
	return render(c, http.StatusOK, templates.LoginPage(s.adminT(c, nil), templates.Login{Next: safeNext(c.QueryParam("next"))}))
}

// safeNext keeps a post-sign-in redirect inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/log"
}

func (s *Server) postLogin(c echo.Context) error {
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	view := templates.Login{Email: email, Next: safeNext(c.FormValue("next"))}
	page := s.adminT(c, nil)
	if !s.signins.Allow(email, c.RealIP()) {
		if err := s.audit(c, email, "signin_throttled", email, ""); err != nil {
			return err
		}
		view.Error = page.T.T("login_throttled")
		c.Response().Header().Set("Retry-After", "60")
		return render(c, http.StatusTooManyRequests, templates.LoginPage(page, view))
	}
	u, err := s.cfg.Store.UserByEmail(c.Request().Context(), email)
	if consent.ErrorCode(err) == consent.ENotFound {
		u, err = nil, nil
	}
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(u, c.FormValue("password")); err != nil {
		if err != auth.ErrBadCredentials {
			return err
		}
		if err := s.audit(c, email, "signin_failed", email, ""); err != nil {
			return err
		}
		view.Error = page.T.T("login_failed")
		return render(c, http.StatusUnauthorized, templates.LoginPage(page, view))
	}
	now := time.Now().Unix()
	if err := s.setSession(c, auth.Session{UserID: u.ID, Started: now, Seen: now}); err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "signin", u.Email, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, view.Next)
}

func (s *Server) postLogout(c echo.Context) error {
	u := currentUser(c)
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Path: "/admin", MaxAge: -1, HttpOnly: true})
	if err := s.audit(c, u.Email, "signout", u.Email, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
