package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getExport streams the current filter as CSV or NDJSON.
func (s *Server) getExport(c echo.Context) error {
	u := currentUser(c)
	q, err := consent.ParseLogQuery(c.QueryParams(), u.Location())
	if err == nil {
		sites, serr := s.cfg.Store.SiteList(c.Request().Context())
		if serr != nil {
			return serr
		}
		err = siteNamed(sites, q.Site)
	}
	format := c.QueryParam("format")
	if err != nil {
		q = consent.LogQuery{}
	} else {
		err = export.CheckFormat(format) // with the filters as they stand
	}
	if err != nil && !strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
		// Back on the log, whose filters these are, saying what is wrong.
		return s.logPage(c, s.adminT(c, u), q, err)
	}
	if err != nil {
		return err
	}
	enc, err := export.NewEncoder(c.Response(), format, export.NewCatalog(c.Request().Context(), s.cfg.Store))
	if err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "export", format, q.Values(time.UTC).Encode(), templates.LogFilterWords(q.Values(time.UTC))...); err != nil {
		return err
	}
	ext := map[string]string{"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
	h := c.Response().Header()
	h.Set("Content-Type", ext[format])
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consentry-%s.%s"`, time.Now().UTC().Format("20060102-150405"), format))
	c.Response().WriteHeader(http.StatusOK)
	// Once the header is out, an error can only cut the stream short; the
	// missing trailer makes a truncated file obvious to whoever opens it.
	err = s.cfg.Store.Export(c.Request().Context(), q, func(e *consent.Event) error {
		if err := enc.Encode(e); err != nil {
			return err
		}
		if enc.Count()%1000 == 0 {
			c.Response().Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return enc.Close()
}
