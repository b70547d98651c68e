package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

var statusOf = map[consent.Code]int{
	consent.EInvalid:     http.StatusBadRequest,
	consent.EForbidden:   http.StatusForbidden,
	consent.ENotFound:    http.StatusNotFound,
	consent.ETooLarge:    http.StatusRequestEntityTooLarge,
	consent.EUnprocessed: http.StatusUnprocessableEntity,
	consent.ERateLimited: http.StatusTooManyRequests,
	consent.EUnavailable: http.StatusServiceUnavailable,
	consent.EInternal:    http.StatusInternalServerError,
}

// codeOf is the reverse of statusOf for errors Echo raises itself.
func codeOf(status int) consent.Code {
	for code, st := range statusOf {
		if st == status {
			return code
		}
	}
	if status >= 500 {
		return consent.EInternal
	}
	return consent.EInvalid
}

type errorBody struct {
	Error struct {
		Code    consent.Code `json:"code"`
		Message string       `json:"message"`
		Field   string       `json:"field,omitempty"`
	} `json:"error"`
}

// handleError is the one place an error becomes a response: a domain error's
// code picks the status; the body is JSON for the API and for clients that
// ask for it, a plain page otherwise. Internal errors are logged, never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var (
		de *consent.Error
		he *echo.HTTPError
		e  = &consent.Error{Code: consent.EInternal, Message: "something went wrong on our side; it has been logged", Key: "e_internal"}
	)
	switch {
	case errors.As(err, &de):
		e = de
	case errors.As(err, &he):
		e = &consent.Error{Code: codeOf(he.Code), Message: strings.ToLower(http.StatusText(he.Code))}
		if m, ok := he.Message.(string); ok {
			e.Message = m
		}
	}
	if e.Code == consent.EInternal && de == nil && he == nil && s.databaseDown(c.Request().Context()) {
		// Not a fault of ours to log as one: the database is away, and the
		// client's answer is to retry, as /readyz already tells the load
		// balancer (a sign-in during an outage was a 500 and an ERROR line).
		s.cfg.Log.Warn("request failed: the database does not answer", "method", c.Request().Method, "path", c.Path(), "err", err)
		e = &consent.Error{Code: consent.EUnavailable, Message: "the database cannot be reached right now; retry shortly", Key: "e_database_down"}
	}
	status := statusOf[e.Code]
	if he != nil && de == nil && he.Code == http.StatusMethodNotAllowed {
		// A method the address does not take: 405 with the Allow header
		// Echo set, which a 400 ("the request could not be read") belied.
		status = he.Code
	}
	s.metrics.refusal(e.Code)
	if status == http.StatusInternalServerError {
		s.cfg.Log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if e.Code == consent.EUnavailable {
		c.Response().Header().Set("Retry-After", "1")
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
		var b errorBody
		b.Error.Code, b.Error.Message, b.Error.Field = e.Code, e.Message, e.Field
		c.JSON(status, b)
		return
	}
	said := error(e) // every fault of a refusal that has several (errors.Join)
	if de != nil {
		said = err
	}
	if u, ok := c.Get(userKey).(*auth.User); ok {
		s.consoleError(c, u, status, e, said, he != nil && de == nil)
		return
	}
	loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.Request().Header.Get("Accept-Language")))
	msg, signIn := e.Error(), ""
	if he != nil && de == nil && strings.EqualFold(e.Message, http.StatusText(status)) {
		// Echo's own refusal (no page at this address) carries only its
		// status's English name, which the title says in the visitor's words.
		msg = ""
	}
	if strings.HasPrefix(c.Request().URL.Path, "/admin") && msg != "" {
		// The console refused before it knew the user (a form over the
		// size limit): in the user's console when the session can be read.
		if _, u, csrf, ok, _ := s.signedIn(c, time.Now()); ok {
			c.Set(csrfKey, csrf)
			s.consoleError(c, u, status, e, said, false)
			return
		}
		// Without one (its sign-in form expired, a form posted after the
		// session ended, the database away) as its sign-in page speaks.
		a := s.adminT(c, nil)
		loc, msg, signIn = a.T, templates.ErrorWords(a.T, e, nil).String(), a.T.T("a_error_sign_in")
	}
	if strings.HasPrefix(c.Request().URL.Path, "/p/") {
		// The page without JavaScript speaks the visitor's language, the one
		// its address or form asked for, and so does its refusal: a detail
		// the visitor's catalogue has no sentence for is left to the title.
		loc = s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().PostForm.Get("lang"), c.Request().Header.Get("Accept-Language")))
		msg = ""
		if e.Key != "" {
			if t := loc.TData(e.Key, e.Args); t != e.Key {
				msg = t
			}
		}
	}
	if err := render(c, status, templates.ErrorPage(loc, status, statusTitle(loc, status), msg, signIn)); err != nil {
		c.String(status, http.StatusText(status)+": "+e.Error()+"\n")
	}
}

// consoleError shows a signed-in user's failed console page inside the
// console, in the user's language, with its navigation and a way back, so
// that a refusal or a mistyped address is no dead end. Echo's own errors
// (no such route) carry only the status's English name, which the title
// already says: the console says what it means instead. said is the
// refusal as the handler returned it, every fault of it (e its first).
func (s *Server) consoleError(c echo.Context, u *auth.User, status int, e *consent.Error, said error, echoOwn bool) {
	a := s.adminT(c, u)
	labels, _ := c.Get(labelsKey).(templates.Labels)
	msg := templates.ErrorWords(a.T, said, labels)
	if echoOwn && strings.EqualFold(e.Message, http.StatusText(status)) {
		msg = nil
		if status == http.StatusNotFound {
			msg = templates.Plain(a.T.T("a_error_no_page"))
		}
	}
	title := strconv.Itoa(status) + " · " + statusTitle(a.T, status)
	if err := render(c, status, templates.ConsoleErrorPage(a, title, msg)); err != nil {
		c.String(status, http.StatusText(status)+": "+e.Error()+"\n")
	}
}

// statusTitle is an error page's title: what the status means, in words.
func statusTitle(loc *i18n.Localizer, status int) string {
	title := loc.T("error_" + strconv.Itoa(status))
	if title == "error_"+strconv.Itoa(status) {
		title = http.StatusText(status)
	}
	return title
}

// labelsKey holds, for a handler whose refusal becomes the console's error
// page, the labels of the form it refused (templates.Labels), so that the
// page names the field as the form shows it.
const labelsKey = "form_labels"

// databaseDown reports whether the database fails to answer a ping within a
// second: asked only when a request has failed for a reason of no known kind.
func (s *Server) databaseDown(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	return s.cfg.Store.Ping(ctx) != nil
}

// formError shows a validation error on the page it came from, in the
// console's language and naming the field by the form's labels; anything
// else is a real failure. err may join several (errors.Join), one a field,
// which the page says together.
// The fields at fault, when the form has them, are kept under invalidKey,
// so that the page marks each (templates.Faults).
func (s *Server) formError(c echo.Context, err error, labels templates.Labels, show func(templates.Phrase) error) error {
	if code := consent.ErrorCode(err); code == consent.EInvalid || code == consent.EUnprocessed {
		each := []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			each = joined.Unwrap()
		}
		var faults templates.Faults
		for _, one := range each {
			var e *consent.Error
			field := ""
			if errors.As(one, &e) {
				if _, ok := labels[e.Field]; ok {
					field = e.Field
				}
			}
			faults = append(faults, field)
		}
		c.Set(invalidKey, faults)
		return show(s.errorWords(c, err, labels))
	}
	return err
}

// invalidKey holds the fields a refused form has at fault, as its labels
// name them.
const invalidKey = "form_invalid"

// errorWords is err as the signed-in user's console says it.
func (s *Server) errorWords(c echo.Context, err error, labels templates.Labels) templates.Phrase {
	return templates.ErrorWords(s.adminT(c, currentUser(c)).T, err, labels)
}
