package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// auditBatch is how many entries one read of the audit trail takes while
// filtering. The trail holds staff actions (thousands, not millions of
// rows), so a filter is a scan in Go rather than a query per dialect.
const auditBatch = 500

// parseAuditFilter reads the audit page's filters: who, what, and a day
// range in the user's time zone (to inclusive).
func parseAuditFilter(c echo.Context, loc *time.Location) (templates.AuditFilter, error) {
	f := templates.AuditFilter{Actor: strings.TrimSpace(c.QueryParam("actor")), Action: strings.TrimSpace(c.QueryParam("action")),
		FromDay: c.QueryParam("from"), ToDay: c.QueryParam("to")}
	for _, d := range []struct {
		key, v string
		t      *time.Time
		add    int
	}{{"from", f.FromDay, &f.From, 0}, {"to", f.ToDay, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.v, loc)
		if err != nil {
			return f, consent.FieldError(consent.EInvalid, d.key, "%q is not a day: use YYYY-MM-DD", d.v).Say("e_not_a_day", map[string]any{"Value": d.v})
		}
		*d.t = t.AddDate(0, 0, d.add)
	}
	return f, nil
}

// scanAudit calls fn with each entry before seq (0: the newest) that f
// matches, newest first, until fn returns false or the trail ends.
func (s *Server) scanAudit(ctx context.Context, f templates.AuditFilter, before int64, fn func(auth.AuditEntry) bool) error {
	for {
		entries, err := s.cfg.Store.AuditLog(ctx, before, auditBatch)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if f.Match(e) && !fn(e) {
				return nil
			}
		}
		if len(entries) < auditBatch {
			return nil
		}
		before = entries[len(entries)-1].Seq
		if !f.From.IsZero() && entries[len(entries)-1].Time.Before(f.From) {
			return nil // newest first: nothing older can match
		}
	}
}

// getAudit pages through the audit trail, filtered by who, what and when.
func (s *Server) getAudit(c echo.Context) error {
	u := currentUser(c)
	page := s.adminT(c, u)
	f, err := parseAuditFilter(c, page.Loc)
	var before int64
	if err == nil {
		before, err = consent.ParseCursor(c.QueryParam("before"))
	}
	view := templates.AuditView{Filter: f, Paged: before > 0}
	if err != nil {
		return s.auditRefused(c, page, view, err)
	}
	err = s.scanAudit(c.Request().Context(), f, before, func(e auth.AuditEntry) bool {
		view.Entries = append(view.Entries, e)
		return len(view.Entries) <= pageSize
	})
	if err != nil {
		return err
	}
	if len(view.Entries) > pageSize {
		view.Entries, view.Next = view.Entries[:pageSize], view.Entries[pageSize-1].Seq
	}
	return render(c, http.StatusOK, templates.AuditPage(page, view))
}

// auditRefused shows the trail's filters with what is wrong with them, in
// the console's language after the field's label, and no entries.
func (s *Server) auditRefused(c echo.Context, page templates.Admin, view templates.AuditView, err error) error {
	return s.formError(c, err, templates.AuditLabels, func(msg templates.Phrase) error {
		view.Error = msg
		return render(c, http.StatusBadRequest, templates.AuditPage(page, view))
	})
}

// getAuditExport downloads the filtered audit trail as CSV, with addresses
// truncated as on the page; the export is itself audited.
func (s *Server) getAuditExport(c echo.Context) error {
	u := currentUser(c)
	f, err := parseAuditFilter(c, u.Location())
	if err != nil {
		if strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
			return err
		}
		// Back on the trail, whose filters these are, saying what is wrong.
		return s.auditRefused(c, s.adminT(c, u), templates.AuditView{Filter: f}, err)
	}
	if err := s.audit(c, u.Email, "audit_export", "csv", f.Values().Encode(), words.Filters(f.Values(), auditFilterLabels, "a_audit_")...); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consentry-audit-%s.csv"`, time.Now().UTC().Format("20060102-150405")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	// The codes stay machine-readable; the last column says each action in
	// the exporting user's language.
	t := s.adminT(c, u).T
	if err := w.Write([]string{"time", "last", "count", "actor", "action", "target", "detail", "ip", "action_words"}); err != nil {
		return err
	}
	var werr error
	err = s.scanAudit(c.Request().Context(), f, 0, func(e auth.AuditEntry) bool {
		last := ""
		if e.Count > 1 {
			last = e.Last.UTC().Format(time.RFC3339)
		}
		werr = w.Write([]string{e.Time.UTC().Format(time.RFC3339), last, strconv.Itoa(max(e.Count, 1)), csvCell(e.Actor),
			csvCell(e.Action), csvCell(e.Target), csvCell(e.Detail), consent.TruncateIP(e.IP), csvCell(templates.AuditActionWords(t, e.Action))})
		return werr == nil
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// csvCell keeps a spreadsheet from running a cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
