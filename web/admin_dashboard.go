package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getDashboard shows a site's decisions per day, grant rates and splits for
// a period, from the daily rollup: no scan of the log.
func (s *Server) getDashboard(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	view, status, err := s.dashboard(c, page)
	if err != nil {
		return err
	}
	return render(c, status, templates.DashboardPage(page, view))
}

// getDashboardExport downloads what the decisions chart shows, a row a day
// with its decisions by action, as CSV.
func (s *Server) getDashboardExport(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	view, _, err := s.dashboard(c, page)
	if err != nil {
		return err
	}
	if view.Error != "" {
		return consent.Errorf(consent.EInvalid, "%s", view.Error)
	}
	if view.Site == nil {
		return consent.Errorf(consent.ENotFound, "no site yet")
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consentry-%s-%s-%s.csv"`, view.Site.ID,
		view.From.Format("20060102"), view.To.Format("20060102")))
	w := csv.NewWriter(c.Response())
	actions := []consent.Action{consent.AcceptAll, consent.RejectAll, consent.Custom, consent.Withdraw}
	head := []string{"day"}
	for _, a := range actions {
		head = append(head, string(a))
	}
	if err := w.Write(append(head, "total")); err != nil {
		return err
	}
	for _, d := range view.Stats.Days {
		row, total := []string{d.Day.Format("2006-01-02")}, int64(0)
		for _, a := range actions {
			row = append(row, strconv.FormatInt(d.Actions[a], 10))
			total += d.Actions[a]
		}
		if err := w.Write(append(row, strconv.FormatInt(total, 10))); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// dashboard reads the dashboard's site, period and figures from the URL; a
// bad filter is the view's Error with its status, not an error.
func (s *Server) dashboard(c echo.Context, page templates.Admin) (templates.Dashboard, int, error) {
	ctx := c.Request().Context()
	sites, err := s.cfg.Store.SiteList(ctx)
	if err != nil {
		return templates.Dashboard{}, 0, err
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
			return view, 0, err
		}
		view.Stats = consent.Summarize(counts, from, to)
		view.From, view.To = q.From, q.To.AddDate(0, 0, -1)
	}
	return view, status, nil
}
