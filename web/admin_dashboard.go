package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
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

// getIntegrity shows how far the ledger has been verified; it changes nothing.
func (s *Server) getIntegrity(c echo.Context) error {
	view, err := s.integrity(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.IntegrityPage(s.adminT(c, currentUser(c)), view))
}

func (s *Server) integrity(c echo.Context) (templates.Integrity, error) {
	ctx := c.Request().Context()
	var v templates.Integrity
	var err error
	if v.Seq, _, v.At, err = s.cfg.Store.Verified(ctx); err != nil {
		return v, err
	}
	if v.Head, v.HeadHash, err = s.cfg.Store.Head(ctx); err != nil {
		return v, err
	}
	// The texts half of the head: every snapshot is read and checked, so a
	// forged one shows here rather than in a head to record.
	texts, err := ledger.CheckTexts(ctx, s.cfg.Store, 0)
	if errors.As(err, &v.Break) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Texts, v.TextsDigest = texts.Head()
	if v.Seq > 0 {
		last, err := s.cfg.Store.Log(ctx, consent.LogQuery{Before: v.Seq + 1, Limit: 1})
		if err != nil {
			return v, err
		}
		if len(last) == 1 {
			v.Last = last[0]
		}
	}
	return v, nil
}

// verifyBudget bounds one verification request; the page offers to go on.
const verifyBudget = 5 * time.Second

// postIntegrity verifies the ledger from where the last verification
// stopped (or from the start, with full=1) and records how far it got.
func (s *Server) postIntegrity(c echo.Context) error {
	ctx := c.Request().Context()
	seq, hash, _, err := s.cfg.Store.Verified(ctx)
	if err != nil {
		return err
	}
	if c.FormValue("full") == "1" {
		seq, hash = 0, [32]byte{}
	}
	headSeq, headHash, err := s.cfg.Store.Head(ctx)
	if err != nil {
		return err
	}
	v := ledger.VerifierAfter(hash)
	// Every texts snapshot is checked each time (there are few); events are
	// checked from where the last verification stopped, and each must name
	// a stored snapshot.
	v.Texts, err = ledger.CheckTexts(ctx, s.cfg.Store, 0)
	deadline := time.Now().Add(verifyBudget)
	errStop := errors.New("budget spent")
	if err == nil {
		err = s.cfg.Store.Walk(ctx, seq, func(e *consent.Event) error {
			if err := v.Next(e); err != nil {
				return err
			}
			if v.Count()%1000 == 0 && time.Now().After(deadline) {
				return errStop
			}
			return nil
		})
	}
	var brk *ledger.Break
	done := err == nil
	if done {
		err = v.Finish(headSeq, headHash)
	}
	switch {
	case errors.As(err, &brk):
	case err != nil && err != errStop:
		return err
	}
	if last := v.Last(); last != nil {
		if err := s.cfg.Store.SetVerified(ctx, last.Seq, last.Hash, time.Now().UTC()); err != nil {
			return err
		}
	}
	view, err := s.integrity(c)
	if err != nil {
		return err
	}
	view.Ran, view.Checked, view.Break, view.More = true, v.Count(), brk, !done && brk == nil
	u := currentUser(c)
	detail := "intact"
	if brk != nil {
		detail = brk.Error()
	}
	if err := s.audit(c, u.Email, "verify", strconv.FormatInt(view.Seq, 10), detail); err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.IntegrityPage(s.adminT(c, u), view))
}

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

func (s *Server) getUsers(c echo.Context) error { return s.usersPage(c, http.StatusOK, "") }

func (s *Server) usersPage(c echo.Context, status int, msg string) error {
	users, err := s.cfg.Store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, status, templates.UsersPage(s.adminT(c, currentUser(c)), templates.UsersView{Users: users, Error: msg}))
}

// postUsers adds a user; a bad field shows its message on the page.
func (s *Server) postUsers(c echo.Context) error {
	role, err := auth.ParseRole(c.FormValue("role"))
	var u *auth.User
	if err == nil {
		u, err = auth.NewUser(c.FormValue("email"), role, c.FormValue("password"), s.cfg.BcryptCost)
	}
	if err == nil {
		err = s.cfg.Store.AddUser(c.Request().Context(), u)
	}
	if err != nil {
		return s.formError(err, func(msg string) error { return s.usersPage(c, http.StatusBadRequest, msg) })
	}
	if err := s.audit(c, currentUser(c).Email, "user_add", u.Email, string(u.Role)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

// postUser changes a user's role or disables them. An admin cannot lock
// themself out.
func (s *Server) postUser(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return consent.Errorf(consent.EInvalid, "%q is not a user", c.Param("id"))
	}
	ctx := c.Request().Context()
	u, err := s.cfg.Store.User(ctx, id)
	if err != nil {
		return err
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		return s.usersPage(c, http.StatusBadRequest, err.Error())
	}
	me := currentUser(c)
	disabled := c.FormValue("disabled") == "1"
	if u.ID == me.ID && (disabled || role != auth.Admin) {
		return s.usersPage(c, http.StatusBadRequest, "you cannot disable yourself or give up your own admin role")
	}
	u.Role, u.Disabled = role, disabled
	if err := s.cfg.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := s.audit(c, me.Email, "user_change", u.Email, "role="+string(role)+" disabled="+strconv.FormatBool(disabled)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

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

// BcryptCost is the password hashing cost in production.
const BcryptCost = bcrypt.DefaultCost
