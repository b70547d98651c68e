package web

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

func (s *Server) consentEvents(c echo.Context) (uuid.UUID, []*consent.Event, error) {
	id, err := parseIDParam(c)
	if err != nil {
		return id, nil, err
	}
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err == nil && len(es) == 0 {
		err = consent.Errorf(consent.ENotFound, "no events for consent ID %s", id).Say("e_no_events_for_consent", map[string]any{"ID": id.String()})
	}
	return id, es, err
}

// getConsent answers a data-subject request for one consent ID: every event,
// with export and erasure.
func (s *Server) getConsent(c echo.Context) error {
	id, err := parseIDParam(c)
	if err != nil {
		return err
	}
	// An ID with no decisions is still a page, in the console, audited: it
	// may be mistyped, or purged, and for an access request "nothing is held
	// under it" is the answer the lookup gives.
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	req, err := s.forRequest(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	// Looking a visitor up is part of answering their request: audited.
	detail, said := requestDetail(req, "")
	if err := s.audit(c, u.Email, "dsr_lookup", id.String(), detail, said...); err != nil {
		return err
	}
	granted, denied, err := s.split(c, es)
	if err != nil {
		return err
	}
	about, err := s.cfg.Store.RequestsAbout(c.Request().Context(), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(es) == 0 {
		status = http.StatusNotFound
	}
	return render(c, status, templates.ConsentPage(s.adminT(c, u), templates.ConsentView{ID: id, Events: es, Granted: granted, Denied: denied, Request: req,
		Requests: about, Today: today(c)}))
}

// getConsentExport is the portability export (Art. 15, 20): the visitor's
// records as one JSON document, or (format=csv) as the log's CSV.
func (s *Server) getConsentExport(c echo.Context) error {
	id, es, err := s.consentEvents(c)
	if err != nil {
		return err
	}
	req, err := s.forRequest(c)
	if err != nil {
		return err
	}
	format := cmp.Or(c.QueryParam("format"), "json")
	if format != "json" && format != "csv" {
		shown := strings.ToValidUTF8(format[:min(len(format), 40)], "")
		c.Set(labelsKey, templates.Labels{"format": ""}) // its message names the value
		return consent.FieldError(consent.EInvalid, "format", "%q is not an export format: use json or csv", shown).
			Say("e_not_a_consent_export_format", map[string]any{"Value": shown})
	}
	u := currentUser(c)
	// What was handed over, and in which format: the entry says so.
	detail, said := requestDetail(req, "as "+format, words.Say("a_audit_detail_export_as", map[string]words.Words{"Format": words.Written(strings.ToUpper(format))}))
	if err := s.audit(c, u.Email, "dsr_export", id.String(), detail, said...); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-%s.%s"`, id, format))
	if format == "csv" {
		// The log's CSV: its columns, its neutralised cells.
		c.Response().Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.Response().WriteHeader(http.StatusOK)
		enc, err := export.NewEncoder(c.Response(), "csv", export.NewCatalog(c.Request().Context(), s.cfg.Store))
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return enc.Close()
	}
	doc, err := s.portability(c, id, es)
	if err != nil {
		return err
	}
	return c.JSONPretty(http.StatusOK, doc, "  ")
}

// requestDetail is an audit entry's detail, in English and in words, for a
// data-subject action taken for a request from the log: the request named
// first, so the trail shows what each action answered.
func requestDetail(r *consent.SubjectRequest, detail string, said ...words.Words) (string, []words.Words) {
	if r == nil {
		return detail, said
	}
	said = append([]words.Words{words.Say("a_audit_target_request", map[string]words.Words{"N": words.WrittenInt(r.ID)})}, said...)
	if detail == "" {
		return requestTarget(r.ID), said
	}
	return requestTarget(r.ID) + "; " + detail, said
}

type portable struct {
	ConsentID  string          `json:"consent_id"`
	ExportedAt time.Time       `json:"exported_at"`
	Events     []export.Record `json:"events"`
}

func (s *Server) portability(c echo.Context, id uuid.UUID, es []*consent.Event) (portable, error) {
	doc := portable{ConsentID: id.String(), ExportedAt: time.Now().UTC()}
	cat := export.NewCatalog(c.Request().Context(), s.cfg.Store)
	for _, e := range es {
		r, err := cat.Record(e)
		if err != nil {
			return doc, err
		}
		doc.Events = append(doc.Events, r)
	}
	return doc, nil
}
