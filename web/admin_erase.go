package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// postErase erases the personal fields of one consent ID's events, with a
// reason; the ledger still verifies afterwards.
func (s *Server) postErase(c echo.Context) error {
	id, es, err := s.consentEvents(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" || utf8.RuneCountInString(reason) > 500 { // characters, as the message and the form's maxlength say
		c.Set(labelsKey, templates.EraseLabels)
		return consent.FieldError(consent.EInvalid, "reason", "say why, in at most 500 characters (for example the request's reference)").
			Say("e_required_max", map[string]any{"Max": 500})
	}
	req, err := s.forRequest(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	// The first post shows what will go and asks again; only the second,
	// from that page, erases.
	if c.FormValue("confirm") != "yes" {
		return render(c, http.StatusOK, templates.EraseConfirmPage(s.adminT(c, u), templates.EraseConfirm{ID: id, Events: es, Reason: reason, Request: req}))
	}
	n, err := s.cfg.Store.Erase(c.Request().Context(), id, reason, time.Now().UTC())
	if err != nil {
		return err
	}
	detail, said := requestDetail(req, fmt.Sprintf("%d events: %s", n, reason),
		words.SayN("a_audit_detail_erased", int(n), map[string]words.Words{"Reason": words.Written(reason)}))
	if err := s.audit(c, u.Email, "erase", id.String(), detail, said...); err != nil {
		return err
	}
	back := "/admin/consents/" + id.String()
	if req != nil {
		back += "?request=" + strconv.FormatInt(req.ID, 10)
	}
	return c.Redirect(http.StatusSeeOther, back)
}
