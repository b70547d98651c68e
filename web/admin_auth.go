package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

const userKey = "user"

// currentUser is the signed-in user; the session middleware guarantees one
// on every route behind it.
func currentUser(c echo.Context) *auth.User { return c.Get(userKey).(*auth.User) }

// csrf is the echo CSRF middleware for the sign-in form, the one console
// form without a session: a token in an HttpOnly, SameSite=Strict cookie
// that the form posts back. Signed-in forms carry the session's own token
// instead (see session).
func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup: "form:_csrf,header:X-CSRF-Token", CookieName: "consentry_csrf", CookiePath: "/admin",
		CookieHTTPOnly: true, CookieSameSite: http.SameSiteStrictMode, CookieSecure: s.cfg.SecureCookies,
		ErrorHandler: func(err error, c echo.Context) error { return errCSRF },
	})
}

var errCSRF = consent.Errorf(consent.EForbidden, "the form expired or did not come from this console; reload the page and try again").
	Say("e_form_expired", nil)

// Context keys of a signed-in request.
const (
	sessionKey = "session"
	csrfKey    = "csrf" // where templates find the token, as echo's CSRF middleware puts it
)

// session admits a request only with a live session of an enabled user: the
// cookie names a session row (one index probe, joined with its user), so
// ending the row ends the session on every instance. The last use is
// written at most once a minute. Every request but GET, HEAD and OPTIONS
// must carry the session's CSRF token. Without a session a page view goes
// to sign-in and anything else is refused.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		now := time.Now()
		sess, u, csrf, ok, err := s.signedIn(c, now)
		if err != nil {
			return err
		}
		if !ok {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/admin/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return consent.Errorf(consent.EForbidden, "sign in first").Say("e_sign_in_first", nil)
		}
		// Known before the CSRF check, so that its refusal is the console's
		// page in the user's language.
		c.Set(userKey, u)
		c.Set(sessionKey, sess)
		c.Set(csrfKey, csrf)
		c.Response().Header().Set("Cache-Control", "no-store")
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			sent := c.Request().Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = c.FormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(csrf)) != 1 {
				return errCSRF
			}
		}
		if now.Sub(sess.Seen) > auth.TouchEvery {
			if err := s.cfg.Store.TouchSession(c.Request().Context(), sess.ID, now); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// signedIn finds the request's session, its user and its CSRF token. A
// database that cannot be read is an error (503), not a signed-out visitor:
// sending a signed-in user to the sign-in page, or refusing their form with
// "sign in first", while the database is away would say they were signed out.
func (s *Server) signedIn(c echo.Context, now time.Time) (auth.Session, *auth.User, string, bool, error) {
	ck, err := c.Cookie(auth.SessionCookie)
	if err != nil {
		return auth.Session{}, nil, "", false, nil
	}
	id, csrf, ok := s.cfg.Sessions.Open(ck.Value)
	if !ok {
		return auth.Session{}, nil, "", false, nil
	}
	sess, u, err := s.cfg.Store.Session(c.Request().Context(), id)
	var typed *consent.Error
	if err != nil && !errors.As(err, &typed) {
		return auth.Session{}, nil, "", false, consent.Wrap(consent.EUnavailable, err, "the database cannot be read right now; retry shortly").Say("e_database_down", nil)
	}
	if err != nil || u.Disabled || !sess.Live(now) {
		return auth.Session{}, nil, "", false, nil
	}
	return sess, u, csrf, true, nil
}

// requireAdmin refuses a signed-in viewer.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentUser(c).Can(auth.Admin) {
			return consent.Errorf(consent.EForbidden, "only an admin may do this").Say("e_only_admin", nil)
		}
		return next(c)
	}
}

// startSession stores a new session for u and gives this browser its cookie.
func (s *Server) startSession(c echo.Context, u *auth.User) error {
	sess, v, err := s.cfg.Sessions.Start(u.ID, time.Now().UTC())
	if err != nil {
		return err
	}
	if err := s.cfg.Store.AddSession(c.Request().Context(), sess); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: v, Path: "/admin", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(), MaxAge: int(auth.AbsoluteTimeout / time.Second)})
	return nil
}

func clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Path: "/admin", MaxAge: -1, HttpOnly: true})
}

// audit appends to the audit trail, the detail in English and in words
// (auth.AuditEntry); a failure to audit fails the request.
func (s *Server) audit(c echo.Context, actor, action, target, detail string, said ...words.Words) error {
	return s.cfg.Store.Audit(c.Request().Context(), auth.AuditEntry{
		Time: time.Now().UTC(), Actor: actor, Action: action, Target: target, Detail: detail, Words: said, IP: c.RealIP(),
	})
}

// auditWindow is how long repeated failures keep counting into one entry.
const auditWindow = 15 * time.Minute

// auditRepeat counts a repeated event (a failed or throttled sign-in) into
// one entry per actor, target and address within auditWindow, so that a
// flood of attempts cannot grow the audit trail without bound.
func (s *Server) auditRepeat(c echo.Context, actor, action, target string) error {
	now := time.Now().UTC()
	return s.cfg.Store.AuditRepeat(c.Request().Context(), auth.AuditEntry{
		Time: now, Actor: actor, Action: action, Target: target, IP: c.RealIP(),
	}, now.Add(-auditWindow))
}

func (s *Server) adminT(c echo.Context, u *auth.User) templates.Admin {
	lang := s.cfg.I18n.MatchConsole(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
	loc := time.UTC
	if u != nil {
		lang, loc = s.cfg.I18n.MatchConsole(u.Lang), u.Location()
	}
	csrf, _ := c.Get(csrfKey).(string)
	due, _ := c.Get(requestsDueKey).(templates.RequestDue)
	a := templates.Admin{T: s.cfg.I18n.For(lang), User: u, CSRF: csrf, Path: c.Path(), Loc: loc, Languages: s.cfg.I18n.ConsoleLanguages(), Due: due}
	// Where the language and time zone form at the page's foot returns:
	// this page, or, refused, the page it was sent from; a page shown for
	// another refused POST has no address to return to.
	switch {
	case c.Path() == "/admin/me":
		a.TZ = auth.Clip(c.FormValue("tz"), 60) // refused: as typed
		if next := c.FormValue("next"); safeNext(next) == next {
			a.Here = next
		}
	case c.Request().Method == http.MethodGet:
		a.Here = c.Request().URL.RequestURI()
	}
	return a
}

func (s *Server) getLogin(c echo.Context) error {
	none, err := s.noUser(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.LoginPage(s.adminT(c, nil), templates.Login{Next: safeNext(c.QueryParam("next")), NoUser: none}))
}

// noUser reports whether the console has no user yet: a deployment
// started without --demo, before `consentry user add`.
func (s *Server) noUser(ctx context.Context) (bool, error) {
	users, err := s.cfg.Store.Users(ctx)
	return len(users) == 0, err
}

// safeNext keeps a post-sign-in redirect inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/log"
}

// postLogin signs a user in. The throttle's state is in the store, so it
// holds across instances: an address that keeps failing is blocked, an
// account is slowed for a bounded time (see auth.Throttle). Failures are
// counted before a password is checked only by the bcrypt comparison's own
// cost: concurrent guesses can overshoot a limit by the few in flight.
func (s *Server) postLogin(c echo.Context) error {
	ctx := c.Request().Context()
	email := auth.Clip(strings.ToLower(strings.TrimSpace(c.FormValue("email"))), auth.MaxEmail)
	view := templates.Login{Email: email, Next: safeNext(c.FormValue("next"))}
	page := s.adminT(c, nil)
	now := time.Now()
	policy := auth.SignIn
	keys := policy.Keys(email, c.RealIP())
	states, err := s.cfg.Store.ThrottleStates(ctx, keys.IP, keys.Account, keys.Known)
	if err != nil {
		return err
	}
	if until, byAccount := policy.Blocked(keys, states, now); !until.IsZero() {
		target := "" // an address's block: one entry per address, whatever it sprays
		if byAccount {
			target = email
		}
		if err := s.auditRepeat(c, "-", "signin_throttled", target); err != nil {
			return err
		}
		view.Error = templates.Plain(page.T.T("login_throttled"))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(until.Sub(now)/time.Second)+1))
		s.metrics.refusal(consent.ERateLimited)
		return render(c, http.StatusTooManyRequests, templates.LoginPage(page, view))
	}
	u, err := s.cfg.Store.UserByEmail(ctx, email)
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
		if _, err := s.cfg.Store.ThrottleFail(ctx, keys.IP, now, policy.IP); err != nil {
			return err
		}
		if _, err := s.cfg.Store.ThrottleFail(ctx, keys.Account, now, policy.Account); err != nil {
			return err
		}
		if err := s.auditRepeat(c, email, "signin_failed", email); err != nil {
			return err
		}
		view.Error = templates.Plain(page.T.T("login_failed"))
		if view.NoUser, err = s.noUser(ctx); err != nil {
			return err
		}
		return render(c, http.StatusUnauthorized, templates.LoginPage(page, view))
	}
	// The owner proved the password: their account's slowdown ends, and this
	// address stays open to them even if others behind it get it blocked.
	if err := s.cfg.Store.ThrottleSet(ctx, keys.Account, auth.ThrottleState{}); err != nil {
		return err
	}
	if err := s.cfg.Store.ThrottleSet(ctx, keys.Known, auth.ThrottleState{Forget: now.Add(policy.Known)}); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "signin", u.Email, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, view.Next)
}

// postLogout ends this session, on every instance and for every copy of
// its cookie.
func (s *Server) postLogout(c echo.Context) error {
	u := currentUser(c)
	if err := s.cfg.Store.EndSession(c.Request().Context(), c.Get(sessionKey).(auth.Session).ID); err != nil {
		return err
	}
	clearSessionCookie(c)
	if err := s.audit(c, u.Email, "signout", u.Email, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
