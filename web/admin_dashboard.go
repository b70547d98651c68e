package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// getDashboard shows a site's decisions per day, opt-in rates over time,
// grant rates, splits and two revisions compared, for a period, from the
// daily rollup: no scan of the log.
func (s *Server) getDashboard(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	view, status, err := s.dashboard(c, page)
	if err != nil {
		return err
	}
	return render(c, status, templates.DashboardPage(page, view))
}

// getDashboardExport downloads what one of the dashboard's views shows, as
// CSV: the decisions chart (a row a day, decisions by action), view=optin
// (a row a day or week and category: granted, decisions, rate) or
// view=revisions (the comparison of base and rev).
func (s *Server) getDashboardExport(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	view, status, err := s.dashboard(c, page)
	if err != nil {
		return err
	}
	if len(view.Error) > 0 {
		return consent.Errorf(codeOf(status), "%s", view.Error)
	}
	if view.Site == nil {
		return consent.Errorf(consent.ENotFound, "no site yet").Say("e_no_site_yet", nil)
	}
	c.Set(labelsKey, templates.FilterLabels)
	kind := c.QueryParam("view")
	var rows [][]string
	switch kind {
	case "":
		rows = chartCSV(view)
	case "optin":
		rows = optInCSV(view)
	case "revisions":
		if view.Compare == nil {
			return consent.Errorf(consent.ENotFound, "site %q has one published revision: nothing to compare", view.Site.ID).Say("a_compare_one", nil)
		}
		rows = compareCSV(view.Compare)
		kind = fmt.Sprintf("revisions-%d-%d", view.Compare.A.Revision, view.Compare.B.Revision)
	default:
		return consent.FieldError(consent.EInvalid, "view", "%q is chart (none), optin or revisions", kind).
			Say("e_not_a_dashboard_view", map[string]any{"Value": auth.Clip(kind, 40)})
	}
	name := fmt.Sprintf("consentry-%s-%s-%s", view.Site.ID, view.From.Format("20060102"), view.To.Format("20060102"))
	if kind != "" {
		name += "-" + kind
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w := csv.NewWriter(c.Response())
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return w.Error()
}

// chartActions are the outcomes the exports count, by their codes: the
// four actions and gpc, the Global Privacy Control signal's opt-outs.
var chartActions = consent.Outcomes

func chartCSV(view templates.Dashboard) [][]string {
	head := []string{"day"}
	for _, a := range chartActions {
		head = append(head, string(a))
	}
	rows := [][]string{append(head, "total")}
	for _, d := range view.Stats.Days {
		row, total := []string{d.Day.Format("2006-01-02")}, int64(0)
		for _, a := range chartActions {
			row = append(row, strconv.FormatInt(d.Actions[a], 10))
			total += d.Actions[a]
		}
		rows = append(rows, append(row, strconv.FormatInt(total, 10)))
	}
	return rows
}

// optInCSV is the opt-in chart's figures: per day (or week from Monday) and
// category, the decisions on a revision offering it, how many granted it
// and the rate in percent (empty without decisions).
func optInCSV(view templates.Dashboard) [][]string {
	rows := [][]string{{"from", "days", "category", "granted", "decisions", "opt_in_percent"}}
	for _, s := range view.OptIn {
		for _, p := range s.Points {
			rate := ""
			if r, ok := p.Rate(); ok {
				rate = strconv.FormatFloat(100*r, 'f', 2, 64)
			}
			rows = append(rows, []string{p.From.Format("2006-01-02"), strconv.Itoa(p.Days), s.Category,
				strconv.FormatInt(p.Granted, 10), strconv.FormatInt(p.Decisions, 10), rate})
		}
	}
	return rows
}

// compareCSV is the comparison's figures: decisions, then each outcome's and
// each category's count and share per revision, and the difference in
// percentage points (empty where a revision has no figure). An outcome's
// share is of every decision, a category's of the decisions visitors made
// (without the Global Privacy Control signal's opt-outs, which asked
// nobody: consent.RevisionStats.Rate).
func compareCSV(cmp *templates.Comparison) [][]string {
	a, b := strconv.Itoa(cmp.A.Revision), strconv.Itoa(cmp.B.Revision)
	rows := [][]string{
		{"measure", "key", "revision_" + a + "_count", "revision_" + a + "_percent", "revision_" + b + "_count", "revision_" + b + "_percent", "difference_pp"},
		{"decisions", "", strconv.FormatInt(cmp.A.Total, 10), "", strconv.FormatInt(cmp.B.Total, 10), "", ""},
	}
	percent := func(n, total int64, offered bool) (string, string, bool) {
		if !offered {
			return "", "", false
		}
		if total == 0 {
			return "0", "", false
		}
		return strconv.FormatInt(n, 10), strconv.FormatFloat(100*float64(n)/float64(total), 'f', 2, 64), true
	}
	add := func(measure, key string, na, nb, ofA, ofB int64, offA, offB bool) {
		ca, pa, okA := percent(na, ofA, offA)
		cb, pb, okB := percent(nb, ofB, offB)
		diff := ""
		if okA && okB {
			diff = strconv.FormatFloat(100*(float64(nb)/float64(ofB)-float64(na)/float64(ofA)), 'f', 2, 64)
		}
		rows = append(rows, []string{measure, key, ca, pa, cb, pb, diff})
	}
	for _, act := range chartActions {
		add("action", string(act), cmp.A.Actions[act], cmp.B.Actions[act], cmp.A.Total, cmp.B.Total, true, true)
	}
	for _, c := range cmp.Categories {
		add("opt_in", c.Key, cmp.A.Granted[c.Key], cmp.B.Granted[c.Key], cmp.A.Asked(), cmp.B.Asked(), cmp.OffersA[c.Key], cmp.OffersB[c.Key])
	}
	return rows
}

// dashboard reads the dashboard's site, period, revisions and figures from
// the URL; a bad filter is the view's Error with its status, not an error.
func (s *Server) dashboard(c echo.Context, page templates.Admin) (templates.Dashboard, int, error) {
	ctx := c.Request().Context()
	sites, err := s.cfg.Store.SiteList(ctx)
	if err != nil {
		return templates.Dashboard{}, 0, err
	}
	view := templates.Dashboard{Sites: sites}
	status := http.StatusOK
	params := url.Values{}
	for k, v := range c.QueryParams() {
		params[k] = v
	}
	var revs [2]int // base, rev: 0 for the defaults
	var bad []error // both numbers' faults at once
	for i, k := range []string{"base", "rev"} {
		if v := params.Get(k); v != "" {
			if revs[i], err = strconv.Atoi(v); err != nil || revs[i] < 1 {
				bad = append(bad, consent.FieldError(consent.EInvalid, k, "%q is not a revision number", v).Say("e_not_a_revision", map[string]any{"Value": v}))
			}
		}
		delete(params, k)
	}
	if len(bad) > 0 {
		view.Error = templates.ErrorWords(page.T, errors.Join(bad...), templates.FilterLabels)
		return view, http.StatusBadRequest, nil
	}
	delete(params, "view")
	q, err := consent.ParseLogQuery(params, page.Loc)
	if err == nil {
		// Never another site's figures under a name that was asked for.
		err = siteNamed(sites, q.Site)
	}
	switch {
	case err != nil:
		view.Error, status = templates.ErrorWords(page.T, err, templates.FilterLabels), statusOf[consent.ErrorCode(err)]
		return view, status, nil
	case len(sites) == 0:
		return view, status, nil
	}
	view.Site = sites[0]
	for _, st := range sites {
		if st.ID == q.Site {
			view.Site = st
		}
	}
	// The period is calendar days as the user names them, in their time
	// zone ("today" is theirs); the rollup counts UTC days, and each date
	// stands for the UTC day of the same date.
	today := time.Now().In(page.Loc)
	first, last := dateOf(today).AddDate(0, 0, -29), dateOf(today)
	if !q.To.IsZero() {
		last = dateOf(q.To.Add(-time.Nanosecond).In(page.Loc))
		first = last.AddDate(0, 0, -29)
	}
	if !q.From.IsZero() {
		first = dateOf(q.From.In(page.Loc))
	}
	from, to := consent.Day(first), consent.Day(last)
	switch {
	case to < from:
		view.Error, status = templates.Plain(page.T.T("e_period_reversed")), http.StatusBadRequest
		return view, status, nil
	case to-from > 366:
		view.Error, status = templates.Plain(page.T.T("e_period_too_long")), http.StatusBadRequest
		return view, status, nil
	}
	counts, err := s.cfg.Store.Counts(ctx, view.Site.ID, from, to)
	if err != nil {
		return view, 0, err
	}
	view.Stats = consent.Summarize(counts, from, to)
	view.From, view.To = first, last
	offers := revisionCategories(ctx, s, view.Site.ID)
	var keys []string
	for _, cat := range view.Site.Categories {
		if !cat.Required {
			view.Optional, keys = append(view.Optional, cat), append(keys, cat.Key)
		}
	}
	view.Weekly = to-from+1 > 31
	view.OptIn = consent.OptInRates(counts, from, to, view.Weekly, keys, offers.has)
	if err := offers.err; err != nil {
		return view, 0, err
	}
	if err := s.compare(ctx, page, &view, revs, offers); err != nil {
		return view, 0, err
	}
	if len(view.Error) > 0 {
		status = http.StatusNotFound
	}
	return view, status, nil
}

// compare fills the dashboard's comparison of two revisions: by default the
// current one and the one before. A revision the site never published is
// the view's Error.
func (s *Server) compare(ctx context.Context, page templates.Admin, view *templates.Dashboard, revs [2]int, offers *categoriesByRevision) error {
	list, err := s.cfg.Store.Revisions(ctx, view.Site.ID)
	if err != nil {
		return err
	}
	published := map[int]time.Time{}
	for _, r := range list {
		view.Revisions = append(view.Revisions, templates.RevisionOption{Number: r.Number, PublishedAt: r.PublishedAt})
		published[r.Number] = r.PublishedAt
	}
	if len(list) < 2 {
		return nil
	}
	base, rev := revs[0], revs[1]
	if rev == 0 {
		rev = view.Site.Revision
	}
	if base == 0 {
		base = max(rev-1, 1)
		if base == rev {
			base = rev + 1
		}
	}
	for _, n := range []int{base, rev} {
		if _, ok := published[n]; !ok {
			view.Error, _ = templates.Said(page.T, "e_no_such_revision", map[string]any{"Site": view.Site.ID, "Revision": n})
			return nil
		}
	}
	cmp := &templates.Comparison{AAt: published[base], BAt: published[rev], OffersA: map[string]bool{}, OffersB: map[string]bool{}}
	for i, n := range []int{base, rev} {
		counts, err := s.cfg.Store.RevisionCounts(ctx, view.Site.ID, n)
		if err != nil {
			return err
		}
		st := consent.RevisionStats{Revision: n, Actions: map[consent.Action]int64{}, Granted: map[string]int64{}}
		if r := consent.RevisionTotals(counts)[n]; r != nil {
			st = *r
		}
		if i == 0 {
			cmp.A = st
		} else {
			cmp.B = st
		}
	}
	// The categories either revision offered, the current site's order first.
	seen := map[string]bool{}
	for _, site := range []*consent.Site{view.Site, offers.site(base), offers.site(rev)} {
		if site == nil {
			continue
		}
		for _, cat := range site.Categories {
			if !cat.Required && !seen[cat.Key] {
				seen[cat.Key] = true
				cmp.Categories = append(cmp.Categories, cat)
			}
		}
	}
	for _, cat := range cmp.Categories {
		cmp.OffersA[cat.Key], cmp.OffersB[cat.Key] = offers.has(base, cat.Key), offers.has(rev, cat.Key)
	}
	view.Compare = cmp
	return offers.err
}

// categoriesByRevision answers which categories a site's revisions offered,
// reading each revision's configuration once per request.
type categoriesByRevision struct {
	ctx   context.Context
	s     *Server
	id    string
	sites map[int]*consent.Site
	err   error
}

func revisionCategories(ctx context.Context, s *Server, id string) *categoriesByRevision {
	return &categoriesByRevision{ctx: ctx, s: s, id: id, sites: map[int]*consent.Site{}}
}

func (r *categoriesByRevision) site(n int) *consent.Site {
	if site, ok := r.sites[n]; ok {
		return site
	}
	site, err := r.s.cfg.Store.Revision(r.ctx, r.id, n)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound && r.err == nil {
		r.err = err
	}
	r.sites[n] = site
	return site
}

func (r *categoriesByRevision) has(n int, key string) bool {
	site := r.site(n)
	if site == nil {
		return false
	}
	_, ok := site.Category(key)
	return ok
}

// dateOf is t's calendar date as a UTC midnight.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
