package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// requestsShown bounds one list of requests. Open requests are tens at a
// time, not thousands; the answered list shows the newest answers.
const requestsShown = 500

// requestsDueKey is where requestsDue leaves the navigation's counts.
const requestsDueKey = "requestsDue"

// today is the signed-in user's calendar day: due dates are days, and a
// request due today is not overdue anywhere before midnight where its
// officer works.
func today(c echo.Context) time.Time {
	return consent.DateOf(time.Now(), currentUser(c).Location())
}

// requestsDue counts, for every console page, the open requests overdue and
// due within consent.DueSoonDays, so that the navigation says so wherever
// staff are. One query on a partial index of the open requests.
func (s *Server) requestsDue(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodGet {
			overdue, soon, err := s.cfg.Store.RequestsDue(c.Request().Context(), today(c), consent.DueSoonDays)
			if err != nil {
				return err
			}
			c.Set(requestsDueKey, templates.RequestDue{Overdue: overdue, Soon: soon})
		}
		return next(c)
	}
}

// getRequests lists open requests, soonest due first, or with
// ?show=answered the newest answers.
func (s *Server) getRequests(c echo.Context) error {
	var form templates.RequestForm
	// From a visitor's page: the form starts with their consent ID.
	if id, err := uuid.Parse(c.QueryParam("consent")); err == nil {
		form.ConsentIDs = id.String()
	}
	return s.requestsPage(c, http.StatusOK, form, nil)
}

func (s *Server) requestsPage(c echo.Context, status int, form templates.RequestForm, msg templates.Phrase) error {
	ctx := c.Request().Context()
	v := templates.RequestsView{Today: today(c), Answered: c.QueryParam("show") == "answered", Form: form, Error: msg}
	var err error
	if v.Answered {
		v.Requests, err = s.cfg.Store.AnsweredRequests(ctx, requestsShown)
	} else {
		v.Requests, err = s.cfg.Store.OpenRequests(ctx, requestsShown)
	}
	if err != nil {
		return err
	}
	return render(c, status, templates.RequestsPage(s.adminT(c, currentUser(c)), v))
}

// parseDay reads a form's YYYY-MM-DD day.
func parseDay(c echo.Context, field string) (time.Time, error) {
	v := strings.TrimSpace(c.FormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return d, consent.FieldError(consent.EInvalid, field, "%q is not a day: use YYYY-MM-DD", clipText(v, 20)).
			Say("e_not_a_day", map[string]any{"Value": clipText(v, 20)})
	}
	return d, nil
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// postRequests records a new request; its due date follows from the day it
// was received. A bad field shows on the page with what was typed.
func (s *Server) postRequests(c echo.Context) error {
	u := currentUser(c)
	form := templates.RequestForm{Kind: c.FormValue("kind"), Received: c.FormValue("received"), Reference: c.FormValue("reference"),
		ConsentIDs: c.FormValue("consent_ids"), Note: c.FormValue("note")}
	r := &consent.SubjectRequest{Kind: consent.RequestKind(form.Kind), Reference: form.Reference, Note: form.Note,
		CreatedAt: time.Now().UTC(), CreatedBy: u.Email}
	var err error
	r.Received, err = parseDay(c, "received")
	if err == nil {
		r.ConsentIDs, err = consent.ParseConsentIDs(form.ConsentIDs)
	}
	if err == nil {
		err = r.Validate(today(c))
	}
	if err == nil {
		err = s.cfg.Store.AddRequest(c.Request().Context(), r)
	}
	if err != nil {
		return s.formError(c, err, templates.RequestLabels, func(msg templates.Phrase) error { return s.requestsPage(c, http.StatusBadRequest, form, msg) })
	}
	detail := fmt.Sprintf("%s, received %s, due %s: %s", r.Kind, day(r.Received), day(r.Due), r.Reference)
	said := words.Say("a_audit_detail_add", map[string]words.Words{"Kind": words.SayCode("a_request_kind_", string(r.Kind)),
		"Received": words.Written(day(r.Received)), "Due": words.Written(day(r.Due)), "Reference": words.Written(r.Reference)})
	if err := s.audit(c, u.Email, "request_add", requestTarget(r.ID), detail, said); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/requests/"+strconv.FormatInt(r.ID, 10))
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// requestTarget names a request in the audit trail.
func requestTarget(id int64) string { return "request " + strconv.FormatInt(id, 10) }

// request reads the request a route names.
func (s *Server) request(c echo.Context) (*consent.SubjectRequest, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, consent.Errorf(consent.EInvalid, "%q is not a request number", clipText(c.Param("id"), 40)).
			Say("e_not_a_request", map[string]any{"Value": clipText(c.Param("id"), 40)})
	}
	return s.cfg.Store.Request(c.Request().Context(), id)
}

// getRequest shows one request.
func (s *Server) getRequest(c echo.Context) error {
	r, err := s.request(c)
	if err != nil {
		return err
	}
	return s.requestPage(c, http.StatusOK, r, nil)
}

func (s *Server) requestPage(c echo.Context, status int, r *consent.SubjectRequest, msg templates.Phrase) error {
	unheld, err := s.unheld(c.Request().Context(), r.ConsentIDs)
	if err != nil {
		return err
	}
	return render(c, status, templates.RequestPage(s.adminT(c, currentUser(c)), templates.RequestView{R: r, Today: today(c), Error: msg, Unheld: unheld}))
}

// unheld says, of each of ids under which the ledger holds no decision,
// whether one was ever recorded there (consent.WhyUnheld), so that a
// mistyped ID is not answered "nothing is held": an index probe an ID, and
// the purge records once if one has none.
func (s *Server) unheld(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]consent.Unheld, error) {
	var (
		out    map[uuid.UUID]consent.Unheld
		cutoff *time.Time
	)
	for _, id := range ids {
		_, err := s.cfg.Store.LastEvent(ctx, id)
		if consent.ErrorCode(err) != consent.ENotFound {
			if err != nil {
				return nil, err
			}
			continue
		}
		if cutoff == nil {
			p, err := s.cfg.Store.NewestCutoff(ctx)
			if err != nil && consent.ErrorCode(err) != consent.ENotFound {
				return nil, err
			}
			cutoff, out = &p.Cutoff, map[uuid.UUID]consent.Unheld{}
		}
		out[id] = consent.WhyUnheld(id, *cutoff, time.Now())
	}
	return out, nil
}

// postRequestAnswer records that a request was answered, on which day and
// how; answered after its due date, it stays marked late.
func (s *Server) postRequestAnswer(c echo.Context) error {
	r, err := s.request(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	var on time.Time
	on, err = parseDay(c, "answered")
	if err == nil {
		err = r.Answered(consent.RequestAnswer{On: on, Outcome: c.FormValue("outcome"), At: time.Now().UTC(), By: u.Email}, today(c))
	}
	if err == nil {
		err = s.cfg.Store.AnswerRequest(c.Request().Context(), r.ID, *r.Answer)
	}
	if err != nil {
		return s.formError(c, err, templates.RequestLabels, func(msg templates.Phrase) error {
			fresh, ferr := s.cfg.Store.Request(c.Request().Context(), r.ID)
			if ferr != nil {
				return ferr
			}
			return s.requestPage(c, statusOf[consent.ErrorCode(err)], fresh, msg)
		})
	}
	detail := fmt.Sprintf("answered %s, %s: %s", day(r.Answer.On), r.State(today(c)), r.Answer.Outcome)
	state := words.Say("a_request_on_time", nil)
	if r.State(today(c)) == consent.StateAnsweredLate {
		state = words.Say("a_request_late", nil)
	}
	said := words.Say("a_audit_detail_answer", map[string]words.Words{"State": state, "Day": words.Written(day(r.Answer.On)),
		"Outcome": words.Written(r.Answer.Outcome)})
	if err := s.audit(c, u.Email, "request_answer", requestTarget(r.ID), detail, said); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/requests/"+strconv.FormatInt(r.ID, 10))
}

// postRequestExtend moves a request's due date once, by one or two months,
// with the reason (GDPR Art. 12(3)).
func (s *Server) postRequestExtend(c echo.Context) error {
	r, err := s.request(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	months, err := strconv.Atoi(c.FormValue("months"))
	if err != nil {
		err = consent.FieldError(consent.EInvalid, "months", "extend by 1 or %d months", consent.MaxExtensionMonths).
			Say("e_request_months", map[string]any{"Max": consent.MaxExtensionMonths})
	}
	if err == nil {
		err = r.Extend(consent.RequestExtension{Months: months, Reason: c.FormValue("reason"), At: time.Now().UTC(), By: u.Email}, today(c))
	}
	if err == nil {
		err = s.cfg.Store.ExtendRequest(c.Request().Context(), r.ID, r.Due, *r.Extension)
	}
	if err != nil {
		return s.formError(c, err, templates.RequestLabels, func(msg templates.Phrase) error {
			fresh, ferr := s.cfg.Store.Request(c.Request().Context(), r.ID)
			if ferr != nil {
				return ferr
			}
			return s.requestPage(c, statusOf[consent.ErrorCode(err)], fresh, msg)
		})
	}
	detail := fmt.Sprintf("by %d months, due %s: %s", months, day(r.Due), r.Extension.Reason)
	said := words.Say("a_audit_detail_extend", map[string]words.Words{"By": words.SayN("a_n_months", months, nil),
		"Due": words.Written(day(r.Due)), "Reason": words.Written(r.Extension.Reason)})
	if err := s.audit(c, u.Email, "request_extend", requestTarget(r.ID), detail, said); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/requests/"+strconv.FormatInt(r.ID, 10))
}

// forRequest reads the ?request= a data-subject action carries (from a
// request's page), so that its audit entry names the request; nil when
// none was given.
func (s *Server) forRequest(c echo.Context) (*consent.SubjectRequest, error) {
	v := c.QueryParam("request")
	if v == "" {
		v = c.FormValue("request")
	}
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		c.Set(labelsKey, templates.Labels{"request": ""}) // its message names it
		return nil, consent.FieldError(consent.EInvalid, "request", "%q is not a request number", clipText(v, 40)).
			Say("e_not_a_request", map[string]any{"Value": clipText(v, 40)})
	}
	return s.cfg.Store.Request(c.Request().Context(), id)
}
