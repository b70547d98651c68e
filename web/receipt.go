package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// getReceipt lets a visitor download the record of their own decisions: the
// token proves whose they are.
func (s *Server) getReceipt(c echo.Context) error {
	cl, err := s.cfg.Tokens.Decode(c.QueryParam("token"), time.Now())
	if err != nil {
		return err
	}
	id, err := uuid.Parse(cl.ConsentID)
	if err != nil {
		return consent.Errorf(consent.EInvalid, "the token names no consent ID")
	}
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-receipt-%s.json"`, id))
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	return c.JSONPretty(http.StatusOK, portability(id, es), "  ")
}
