package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/labstack/echo/v4"
)

// postMe saves the signed-in user's language and time zone.
func (s *Server) postMe(c echo.Context) error {
	u := currentUser(c)
	lang, tz := c.FormValue("lang"), strings.TrimSpace(c.FormValue("tz"))
	if s.cfg.I18n.MatchConsole(lang) != lang {
		return consent.FieldError(consent.EInvalid, "lang", "%q is not a console language", lang)
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return consent.FieldError(consent.EInvalid, "tz", "%q is not a time zone like Europe/Paris", tz)
	}
	u.Lang, u.TZ = lang, tz
	if err := s.cfg.Store.UpdateUser(c.Request().Context(), u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}
