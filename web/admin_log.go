package web

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/internal/token"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

const pageSize = 50

// getLog is the consent log: newest first, filtered by the URL, paged by
// keyset. The search box takes an event ID, a consent ID or a token.
func (s *Server) getLog(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	ctx := c.Request().Context()
	if q := strings.TrimSpace(c.QueryParam("q")); q != "" {
		id, err := consent.ParseID(q)
		if err != nil {
			tok, ok := tokenShaped(q)
			if !ok {
				return s.logPage(c, page, consent.LogQuery{}, err)
			}
			cl, err := s.cfg.Tokens.Identify(tok)
			if err != nil {
				return s.logPage(c, page, consent.LogQuery{}, consent.FieldError(consent.EInvalid, "q",
					"this token's signature does not verify: it is not one this deployment issued, or it was altered").Say("e_token_forged", nil))
			}
			if id, err = uuid.Parse(cl.ConsentID); err != nil {
				return s.logPage(c, page, consent.LogQuery{}, consent.FieldError(consent.EInvalid, "q",
					"this token names no consent ID").Say("e_token_no_id", nil))
			}
			// A token names its visitor: their page, audited there.
			return c.Redirect(http.StatusSeeOther, "/admin/consents/"+id.String())
		}
		// A consent ID first: a new visitor's consent ID is also its first
		// event's ID, and whoever searches it wants the visitor's page.
		if _, err := s.cfg.Store.LastEvent(ctx, id); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/consents/"+id.String())
		}
		if _, err := s.cfg.Store.Event(ctx, id); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/events/"+id.String())
		}
		return s.logPage(c, page, consent.LogQuery{}, consent.FieldError(consent.ENotFound, "q", "no event or consent ID %s", id).
			Say("e_no_such_id", map[string]any{"Value": id.String()}))
	}
	// columns=all is how the page is shown, not which events: no filter.
	params := maps.Clone(c.QueryParams())
	delete(params, "columns")
	q, err := consent.ParseLogQuery(params, page.Loc)
	return s.logPage(c, page, q, err)
}

// logPage renders the log; a bad filter shows its message with a 400 and
// no results, never a 500.
func (s *Server) logPage(c echo.Context, page templates.Admin, q consent.LogQuery, qerr error) error {
	// A search reaches the page only when it found nothing: the box keeps
	// what was typed, beside the error.
	view := templates.Log{Query: q, Values: q.Values(page.Loc), Search: strings.TrimSpace(c.QueryParam("q")),
		AllColumns: c.QueryParam("columns") == "all"}
	status := http.StatusOK
	sites, err := s.cfg.Store.SiteList(c.Request().Context())
	if err != nil {
		return err
	}
	if qerr == nil {
		qerr = siteNamed(sites, q.Site)
	}
	if qerr != nil {
		if consent.ErrorCode(qerr) == consent.EInternal {
			return qerr
		}
		view.Error, status = templates.ErrorWords(page.T, qerr, templates.FilterLabels), statusOf[consent.ErrorCode(qerr)]
	} else {
		q.Limit = pageSize + 1
		events, err := s.cfg.Store.Log(c.Request().Context(), q)
		if err != nil {
			return err
		}
		if len(events) > pageSize {
			events = events[:pageSize]
			view.Next = events[pageSize-1].Seq
		}
		view.Events = events
		if view.Granted, view.Denied, err = s.split(c, events); err != nil {
			return err
		}
	}
	for _, st := range sites {
		view.Sites = append(view.Sites, st.ID)
		for _, cat := range st.Categories {
			if !cat.Required && !slices.Contains(view.Categories, cat.Key) {
				view.Categories = append(view.Categories, cat.Key)
			}
		}
	}
	// A category no site offers any more is still one old decisions name.
	for _, k := range []string{q.Granted, q.Denied} {
		if k != "" && !slices.Contains(view.Categories, k) {
			view.Categories = append(view.Categories, k)
		}
	}
	return render(c, status, templates.LogPage(page, view))
}

// siteNamed refuses a site a filter names that the console does not hold:
// the log, its export and the dashboard say so with a 404 in the console's
// language, never "no events" or another site's figures under the name
// asked for.
func siteNamed(sites []*consent.Site, id string) error {
	if id == "" || slices.ContainsFunc(sites, func(st *consent.Site) bool { return st.ID == id }) {
		return nil
	}
	return consent.Errorf(consent.ENotFound, "there is no site %s", id).Say("e_no_such_site", map[string]any{"Site": id})
}

// split names, by event ID, the categories each event granted and those its
// revision offered and it did not grant, both in the revision's order: the
// Granted and Denied columns.
func (s *Server) split(c echo.Context, es []*consent.Event) (granted, denied map[uuid.UUID][]string, err error) {
	cat := export.NewCatalog(c.Request().Context(), s.cfg.Store)
	granted, denied = make(map[uuid.UUID][]string, len(es)), make(map[uuid.UUID][]string, len(es))
	for _, e := range es {
		if granted[e.ID], denied[e.ID], err = cat.Split(e); err != nil {
			return nil, nil, err
		}
	}
	return granted, denied, nil
}

// tokenPattern is how a token looks: base64url of its signed value, with
// padding, never shorter than 40 characters.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{40,}={0,2}$`)

// tokenShaped reads a token as staff paste it: the visitor's consentry
// cookie value or the consentry_token a site's backend holds, alone or
// with its name ("consentry=…", "consentry_token=…") and percent-encoded as
// in a URL. ok is false for anything that does not look like a token.
func tokenShaped(q string) (string, bool) {
	for _, name := range []string{token.Name + "_token=", token.Name + "="} {
		q = strings.TrimPrefix(q, name)
	}
	if u, err := url.QueryUnescape(q); err == nil {
		q = u
	}
	return q, tokenPattern.MatchString(q)
}
