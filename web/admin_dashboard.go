package web

import (
	"net/http"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getDashboard shows a site's decisions per day, grant rates and splits for
// a period, from the daily rollup: no scan of the log.
func (s *Server) getDashboard(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	ctx := c.Request().Context()
	sites, err := s.cfg.Store.SiteList(ctx)
	if err != nil {
		return err
	}
	view := templates.Dashboard{Sites: sites}
	status := http.StatusOK
	q, err := consent.ParseLogQuery(c.QueryParams(), page.Loc)
	switch {
	case err != nil:
		view.Error, status = err.Error(), statusOf[consent.ErrorCode(err)]
	case len(sites) == 0:
	default:
		view.Site = sites[0]
		for _, st := range sites {
			if st.ID == q.Site {
				view.Site = st
			}
		}
		today := time.Now().In(page.Loc)
		if q.To.IsZero() {
			q.To = time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, page.Loc)
		}
		if q.From.IsZero() {
			q.From = q.To.AddDate(0, 0, -30)
		}
		from, to := consent.Day(q.From), consent.Day(q.To.Add(-time.Nanosecond))
		if to-from > 366 {
			view.Error, status = "the period may be at most a year", http.StatusBadRequest
			break
		}
		counts, err := s.cfg.Store.Counts(ctx, view.Site.ID, from, to)
		if err != nil {
			return err
		}
		view.Stats = consent.Summarize(counts, from, to)
		view.From, view.To = q.From, q.To.AddDate(0, 0, -1)
	}
	return render(c, status, templates.DashboardPage(page, view))
}
