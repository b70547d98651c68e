package web

import (
	"net/http"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getAudit pages through the audit trail.
func (s *Server) getAudit(c echo.Context) error {
	before, err := consent.ParseCursor(c.QueryParam("before"))
	if err != nil {
		return err
	}
	entries, err := s.cfg.Store.AuditLog(c.Request().Context(), before, pageSize+1)
	if err != nil {
		return err
	}
	view := templates.AuditView{Entries: entries}
	if len(entries) > pageSize {
		view.Entries, view.Next = entries[:pageSize], entries[pageSize-1].Seq
	}
	return render(c, http.StatusOK, templates.AuditPage(s.adminT(c, currentUser(c)), view))
}
