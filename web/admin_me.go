package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// postMe saves the signed-in user's language and time zone, and returns to
// the page whose form sent them (next; the consent log for any other).
func (s *Server) postMe(c echo.Context) error {
	u := currentUser(c)
	lang, tz := c.FormValue("lang"), strings.TrimSpace(c.FormValue("tz"))
	// A refusal is the console's page, naming the field as the form does;
	// the form at its foot keeps the time zone as typed (Admin.TZ).
	c.Set(labelsKey, templates.MeLabels)
	if s.cfg.I18n.MatchConsole(lang) != lang {
		return consent.FieldError(consent.EInvalid, "lang", "%q is not a console language", lang).
			Say("e_not_a_console_language", map[string]any{"Value": auth.Clip(lang, 40)})
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return consent.FieldError(consent.EInvalid, "tz", "%q is not a time zone like Europe/Paris", tz).
			Say("e_not_a_time_zone", map[string]any{"Value": auth.Clip(tz, 60)})
	}
	u.Lang, u.TZ = lang, tz
	if err := s.cfg.Store.UpdateUser(c.Request().Context(), u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}
