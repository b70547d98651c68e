package web

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

const pageSize = 50

// getLog is the consent log: newest first, filtered by the URL, paged by
// keyset. The search box takes an event ID or a consent ID.
func (s *Server) getLog(c echo.Context) error {
	page := s.adminT(c, currentUser(c))
	ctx := c.Request().Context()
	if q := strings.TrimSpace(c.QueryParam("q")); q != "" {
		id, err := consent.ParseID(q)
		if err != nil {
			return s.logPage(c, page, consent.LogQuery{}, err)
		}
		// A consent ID first: a new visitor's consent ID is also its first
		// event's ID, and whoever searches it wants the visitor's page.
		if _, err := s.cfg.Store.LastEvent(ctx, id); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/consents/"+id.String())
		}
		if _, err := s.cfg.Store.Event(ctx, id); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/events/"+id.String())
		}
		return s.logPage(c, page, consent.LogQuery{}, consent.FieldError(consent.ENotFound, "q", "no event or consent ID %s", id))
	}
	q, err := consent.ParseLogQuery(c.QueryParams(), page.Loc)
	return s.logPage(c, page, q, err)
}

// logPage renders the log; a bad filter shows its message with a 400 and
// no results, never a 500.
func (s *Server) logPage(c echo.Context, page templates.Admin, q consent.LogQuery, qerr error) error {
	view := templates.Log{Query: q, Values: q.Values(page.Loc)}
	status := http.StatusOK
	if qerr != nil {
		if consent.ErrorCode(qerr) == consent.EInternal {
			return qerr
		}
		view.Error, status = qerr.Error(), statusOf[consent.ErrorCode(qerr)]
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
	}
	sites, err := s.cfg.Store.SiteList(c.Request().Context())
	if err != nil {
		return err
	}
	for _, st := range sites {
		view.Sites = append(view.Sites, st.ID)
	}
	return render(c, status, templates.LogPage(page, view))
}

// getExport streams the current filter as CSV or NDJSON.
func (s *Server) getExport(c echo.Context) error {
	u := currentUser(c)
	q, err := consent.ParseLogQuery(c.QueryParams(), u.Location())
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	enc, err := export.NewEncoder(c.Response(), format)
	if err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "export", format, q.Values(time.UTC).Encode()); err != nil {
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

func parseIDParam(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, consent.Errorf(consent.EInvalid, "%q is not an ID", c.Param("id"))
	}
	return id, nil
}

// getEvent is the proof of one decision: every field, the texts shown and
// whether its ledger link verifies.
func (s *Server) getEvent(c echo.Context) error {
	id, err := parseIDParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.cfg.Store.Event(ctx, id)
	if err != nil {
		return err
	}
	prev, err := s.cfg.Store.Hash(ctx, e.Seq-1)
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	view := templates.Proof{Event: e, Prev: prev, LinkOK: err == nil && ledger.Check(prev, e) == nil}
	// The texts are evidence too: shown only when they still hash to what
	// the event recorded.
	body, err := s.cfg.Store.Texts(ctx, e.TextsHash)
	switch {
	case err == nil && sha256.Sum256(body) != e.TextsHash:
		view.TextsForged = true
	case err == nil:
		var texts templates.ShownTexts
		if json.Unmarshal(body, &texts) == nil {
			view.Texts = &texts
		}
	case consent.ErrorCode(err) != consent.ENotFound:
		return err
	}
	return render(c, http.StatusOK, templates.ProofPage(s.adminT(c, currentUser(c)), view))
}

func (s *Server) consentEvents(c echo.Context) (uuid.UUID, []*consent.Event, error) {
	id, err := parseIDParam(c)
	if err != nil {
		return id, nil, err
	}
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err == nil && len(es) == 0 {
		err = consent.Errorf(consent.ENotFound, "no events for consent ID %s", id)
	}
	return id, es, err
}

// getConsent answers a data-subject request for one consent ID: every event,
// with export and erasure.
func (s *Server) getConsent(c echo.Context) error {
	id, es, err := s.consentEvents(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.ConsentPage(s.adminT(c, currentUser(c)), templates.ConsentView{ID: id, Events: es}))
}

// getConsentExport is the portability export (Art. 15, 20): the visitor's
// records as one JSON document.
func (s *Server) getConsentExport(c echo.Context) error {
	id, es, err := s.consentEvents(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.audit(c, u.Email, "dsr_export", id.String(), ""); err != nil {
		return err
	}
	doc := portability(id, es)
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-%s.json"`, id))
	return c.JSONPretty(http.StatusOK, doc, "  ")
}

type portable struct {
	ConsentID  string          `json:"consent_id"`
	ExportedAt time.Time       `json:"exported_at"`
	Events     []export.Record `json:"events"`
}

func portability(id uuid.UUID, es []*consent.Event) portable {
	doc := portable{ConsentID: id.String(), ExportedAt: time.Now().UTC()}
	for _, e := range es {
		doc.Events = append(doc.Events, export.RecordOf(e))
	}
	return doc
}

// postErase erases the personal fields of one consent ID's events, with a
// reason; the ledger still verifies afterwards.
func (s *Server) postErase(c echo.Context) error {
	id, _, err := s.consentEvents(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" || len(reason) > 500 {
		return consent.FieldError(consent.EInvalid, "reason", "say why, in at most 500 characters (for example the request's reference)")
	}
	n, err := s.cfg.Store.Erase(c.Request().Context(), id, reason, time.Now().UTC())
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.audit(c, u.Email, "erase", id.String(), fmt.Sprintf("%d events: %s", n, reason)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/consents/"+id.String())
}

// getReceipt lets a visitor download the record of their own decisions: the
// token proves whose they are.
func (s *Server) getReceipt(c echo.Context) error {
	cl, err := s.cfg.Tokens.Decode(c.QueryParam("token"), time.Now())
	if err != nil {
		return err
	}
	id, err := uuid.Parse(cl.ConsentID)
	if err != nil {
		return consent.Errorf(consent.EInvalid, "the token names no consent ID")
	}
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-receipt-%s.json"`, id))
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	return c.JSONPretty(http.StatusOK, portability(id, es), "  ")
}
