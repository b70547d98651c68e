package web

import (
	"fmt"
	"net/http"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getAccount is the signed-in user's own page: their password and their
// sessions.
func (s *Server) getAccount(c echo.Context) error { return s.accountPage(c, http.StatusOK, nil) }

// accountPage shows the account; after a password change (a flash), once,
// that it was changed.
func (s *Server) accountPage(c echo.Context, status int, msg templates.Phrase) error {
	u := currentUser(c)
	changed := c.Request().Method == http.MethodGet && s.takeFlash(c, "/admin/account") == flashChanged
	return render(c, status, templates.AccountPage(s.adminT(c, u), templates.AccountView{Error: msg, Changed: changed}))
}

// postPassword changes the user's own password after checking the current
// one. The store ends every session of the user with it; this browser gets
// a new one, so only the others are signed out.
func (s *Server) postPassword(c echo.Context) error {
	u := currentUser(c)
	page := s.adminT(c, u)
	if err := auth.CheckPassword(u, c.FormValue("current")); err != nil {
		if err != auth.ErrBadCredentials {
			return err
		}
		return s.accountPage(c, http.StatusBadRequest, templates.Plain(page.T.T("a_password_wrong")))
	}
	fresh, err := auth.NewUser(u.Email, u.Role, c.FormValue("password"), s.cfg.BcryptCost)
	if err != nil {
		return s.formError(c, err, templates.AccountLabels, func(msg templates.Phrase) error { return s.accountPage(c, http.StatusBadRequest, msg) })
	}
	u.PasswordHash = fresh.PasswordHash
	if err := s.cfg.Store.UpdateUser(c.Request().Context(), u); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "password_change", u.Email, ""); err != nil {
		return err
	}
	if err := s.setFlash(c, "/admin/account", flashChanged); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/account")
}

// postSignOutEverywhere ends every session of the user, this one included,
// on every instance.
func (s *Server) postSignOutEverywhere(c echo.Context) error {
	u := currentUser(c)
	n, err := s.cfg.Store.EndSessions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	clearSessionCookie(c)
	if err := s.audit(c, u.Email, "signout_everywhere", u.Email, fmt.Sprintf("sessions=%d", n), words.SayN("a_audit_detail_sessions", int(n), nil)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
