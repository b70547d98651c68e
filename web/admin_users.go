package web

import (
	"net/http"
	"strconv"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

func (s *Server) getUsers(c echo.Context) error {
	return s.usersPage(c, http.StatusOK, templates.UsersView{})
}

// usersPage shows the users, with v's error and what was typed.
func (s *Server) usersPage(c echo.Context, status int, v templates.UsersView) error {
	users, err := s.cfg.Store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	v.Users = users
	return render(c, status, templates.UsersPage(s.adminT(c, currentUser(c)), v))
}

// postUsers adds a user; a bad field shows its message on the page, with
// the email and role as typed (the password is typed again).
func (s *Server) postUsers(c echo.Context) error {
	role, err := auth.ParseRole(c.FormValue("role"))
	var u *auth.User
	if err == nil {
		u, err = auth.NewUser(c.FormValue("email"), role, c.FormValue("password"), s.cfg.BcryptCost)
	}
	if err == nil {
		err = s.cfg.Store.AddUser(c.Request().Context(), u)
	}
	if err != nil {
		typed := templates.UsersView{Email: auth.Clip(c.FormValue("email"), 1024), Role: role}
		return s.formError(c, err, templates.UserLabels, func(msg templates.Phrase) error {
			typed.Error = msg
			return s.usersPage(c, http.StatusBadRequest, typed)
		})
	}
	if err := s.audit(c, currentUser(c).Email, "user_add", u.Email, string(u.Role), u.Role.Words()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

// postUser changes a user's role or disables them. An admin cannot lock
// themself out.
func (s *Server) postUser(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return consent.Errorf(consent.EInvalid, "%q is not a user", c.Param("id")).Say("e_not_a_user", map[string]any{"Value": auth.Clip(c.Param("id"), 40)})
	}
	ctx := c.Request().Context()
	u, err := s.cfg.Store.User(ctx, id)
	if err != nil {
		return err
	}
	show := func(msg templates.Phrase) error {
		return s.usersPage(c, http.StatusBadRequest, templates.UsersView{Error: msg})
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		return s.formError(c, err, templates.UserLabels, show)
	}
	me := currentUser(c)
	disabled := c.FormValue("disabled") == "1"
	if u.ID == me.ID && (disabled || role != auth.Admin) {
		return s.formError(c, consent.Errorf(consent.EInvalid, "you cannot disable yourself or give up your own admin role").Say("e_lock_out", nil), nil, show)
	}
	u.Role, u.Disabled = role, disabled
	if err := s.cfg.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	state := words.Say("a_active", nil)
	if disabled {
		state = words.Say("a_disabled", nil)
	}
	said := words.Say("a_audit_detail_user", map[string]words.Words{"Role": role.Words(), "State": state})
	if err := s.audit(c, me.Email, "user_change", u.Email, "role="+string(role)+" disabled="+strconv.FormatBool(disabled), said); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
