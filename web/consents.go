package web

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/token"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

type consentResponse struct {
	ConsentID string    `json:"consent_id"`
	EventID   string    `json:"event_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Revision  int       `json:"revision"`
	Granted   []string  `json:"granted"`
	GPC       bool      `json:"gpc"`
	// GPCDenied names the categories the request asked for that the
	// visitor's Global Privacy Control signal kept off, a binding opt-out
	// in an opt-out or notice region; absent when there are none.
	GPCDenied []string `json:"gpc_denied,omitempty"`
}

// postConsent records one decision and answers 201 with the signed token only
// once the event is durably committed.
func (s *Server) postConsent(c echo.Context) error {
	site, err := s.sites.get(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	if err := s.checkOrigin(c, site); err != nil {
		return err
	}
	var req consent.Request
	if err := readConsentRequest(c, &req); err != nil {
		return err
	}
	if req.Source == consent.SourceNoJS {
		return consent.FieldError(consent.EUnprocessed, "source", "source %q is set by the server", req.Source)
	}
	if req.Revision > site.Revision { // published on another instance since this one read the site
		if site, err = s.sites.atLeast(c.Request().Context(), site.ID, req.Revision); err != nil {
			return err
		}
		if err := s.checkOrigin(c, site); err != nil {
			return err
		}
	}
	resp, err := s.record(c, site, req)
	if err != nil {
		return err
	}
	return writeConsentJSON(c, http.StatusCreated, &resp)
}

// record validates a request, appends its event through the ledger writer
// and issues the token. It is shared by the API and the no-JavaScript form.
func (s *Server) record(c echo.Context, site *consent.Site, req consent.Request) (consentResponse, error) {
	r := c.Request()
	where := s.jurisdiction(c, site)
	d, err := site.Decide(req, where, gpcOf(c))
	if err != nil {
		return consentResponse{}, err
	}
	if d.ConsentID, err = s.continued(c, site, req, d.ConsentID); err != nil {
		return consentResponse{}, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	id, err := uuid.NewV7()
	if err != nil {
		return consentResponse{}, err
	}
	if d.ConsentID == uuid.Nil {
		d.ConsentID = id // a new visitor's consent ID is its first event's ID
	}
	lang := s.cfg.I18n.Match(req.Lang, r.Header.Get("Accept-Language"))
	texts, err := s.snapshot(r.Context(), site.ID, d.Revision, lang)
	if err != nil {
		return consentResponse{}, err
	}
	page := consent.PageOf(req.Page)
	if page == "" {
		page = consent.PageOf(r.Referer())
	}
	ev := &consent.Event{
		ID: id, ConsentID: d.ConsentID, Site: site.ID, Revision: d.Revision, Action: d.Action,
		Granted: d.Granted, Source: d.Source, Lang: lang, Country: where.Country, Rule: where.Rule(),
		GPC: d.GPC, DNT: r.Header.Get("DNT") == "1", TextsHash: texts,
		Time: now, Expires: now.Add(site.LifetimeOrDefault()),
		Personal: consent.Personal{IP: consent.TruncateIP(c.RealIP()), UserAgent: truncate(r.UserAgent(), 512), Page: page},
	}
	ledger.SealPersonal(ev) // here, not in the writer's transaction
	ev.RequestID = d.RequestID
	if err := s.cfg.Writer.Append(r.Context(), ev); err != nil {
		return consentResponse{}, err
	}
	// A retry of a request recorded already (its first attempt may have
	// committed after the client gave up) comes back as the event recorded
	// first: answer that again.
	if ev.Repeat && ev.Site != site.ID {
		return consentResponse{}, consent.FieldError(consent.EUnprocessed, "request_id", "was used already, for a decision on another site")
	}
	if !ev.Repeat {
		s.metrics.consent(ev.Action)
	}
	consentID, eventID := uuidStrings(ev.ConsentID, ev.ID)
	tok, err := s.cfg.Tokens.Encode(token.Claims{
		ConsentID: consentID, EventID: eventID, Site: site.ID, Revision: ev.Revision, Granted: ev.Granted,
		ConsentMode: site.ConsentModeBits(ev.Granted), Issued: ev.Time.Unix(), Expires: ev.Expires.Unix(),
	})
	if err != nil {
		return consentResponse{}, err
	}
	return consentResponse{
		ConsentID: consentID, EventID: eventID, Token: tok, ExpiresAt: ev.Expires,
		Revision: ev.Revision, Granted: ev.Granted, GPC: ev.GPC, GPCDenied: d.GPCDenied,
	}, nil
}

// readJSON decodes the request body into v, whatever its Content-Type (the
// snippet sends text/plain to stay a simple CORS request). A body over the
// limit is 413, one cut short 400.
func readJSON(c echo.Context, v any) error {
	return decodeBody(c, func(b []byte) error { return json.Unmarshal(b, v) })
}

// decodeBody reads the request's body, within its limit, and decodes it
// with decode, which must keep no part of it (the buffer is reused).
func decodeBody(c echo.Context, decode func([]byte) error) error {
	body, err := readBody(c.Request().Body)
	if err != nil {
		return bodyError(err)
	}
	defer putBuffer(body)
	if err := decode(*body); err != nil {
		return consent.Errorf(consent.EInvalid, "the body is not valid JSON: %v", err)
	}
	return nil
}

// uuidStrings returns a.String() and b.String() in one allocation.
func uuidStrings(a, b uuid.UUID) (string, string) {
	var buf [72]byte
	for i, u := range [2]uuid.UUID{a, b} {
		t := buf[36*i : 36*i+36]
		hex.Encode(t[0:8], u[0:4])
		hex.Encode(t[9:13], u[4:6])
		hex.Encode(t[14:18], u[6:8])
		hex.Encode(t[19:23], u[8:10])
		hex.Encode(t[24:36], u[10:16])
		t[8], t[13], t[18], t[23] = '-', '-', '-', '-'
	}
	s := string(buf[:])
	return s[:36], s[36:]
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkOrigin refuses a browser request from a page the site does not allow
// and, for an allowed one, answers CORS. A request without Origin comes from
// a server, not a page, and is recorded with the source it names.
func (s *Server) checkOrigin(c echo.Context, site *consent.Site) error {
	origin := c.Request().Header.Get("Origin")
	if origin == "" {
		return nil
	}
	c.Response().Header().Add("Vary", "Origin")
	// The page may read the answer, a refusal too: the snippet then says
	// the choice was not saved instead of taking it for a network error
	// and trying again. Reading a refusal gives the page nothing and
	// records nothing.
	c.Response().Header().Set("Access-Control-Allow-Origin", origin)
	if !site.AllowsOrigin(origin) {
		if c.Request().Method == http.MethodPost { // a decision; a preflight is none
			s.refusedOrigin(site.ID, origin)
		}
		if s.refused.due(site.ID, origin, time.Now()) {
			s.cfg.Log.Warn("consent refused: the page's origin is not one the site allows (add it to the site's origins if it is yours)",
				"site", site.ID, "origin", truncate(origin, 200))
		}
		return consent.Errorf(consent.EForbidden, "origin %q may not record consents for site %q", origin, site.ID)
	}
	// The snippet reads Retry-After from a 503 to know when to try again.
	c.Response().Header().Set("Access-Control-Expose-Headers", "Retry-After")
	return nil
}

// preflightConsent answers the CORS preflight of a JSON consent post.
func (s *Server) preflightConsent(c echo.Context) error {
	site, err := s.sites.get(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	if err := s.checkOrigin(c, site); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	return c.NoContent(http.StatusNoContent)
}

type verifyRequest struct {
	Token string `json:"token"`
	Site  string `json:"site"`
}

type verifyResponse struct {
	Valid      bool      `json:"valid"`
	Reason     string    `json:"reason,omitempty"`
	Site       string    `json:"site,omitempty"`
	ConsentID  string    `json:"consent_id,omitempty"`
	Revision   int       `json:"revision,omitempty"`
	Current    bool      `json:"current"`
	Superseded bool      `json:"superseded"`
	Granted    []string  `json:"granted"`
	IssuedAt   time.Time `json:"issued_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
}

// postVerify lets a site's backend check a token: only a token whose MAC
// verifies, for the site named (when one is), is reported valid, with what
// it grants and whether its revision is still the site's current one. When
// the ledger holds a later decision of the same consent ID, the token is
// superseded and what it grants is that decision's (nothing after a
// withdrawal), so a backend never acts on a consent the visitor took back.
func (s *Server) postVerify(c echo.Context) error {
	var req verifyRequest
	if err := readJSON(c, &req); err != nil {
		return err
	}
	if req.Token == "" {
		return consent.FieldError(consent.EInvalid, "token", "is required")
	}
	cl, err := s.cfg.Tokens.Decode(req.Token, time.Now())
	if err != nil {
		return c.JSON(http.StatusOK, verifyResponse{Reason: err.Error(), Granted: []string{}})
	}
	if req.Site != "" && req.Site != cl.Site {
		return c.JSON(http.StatusOK, verifyResponse{Reason: fmt.Sprintf("the token is for another site, not %q", req.Site), Granted: []string{}})
	}
	resp := verifyResponse{
		Valid: true, Site: cl.Site, ConsentID: cl.ConsentID, Revision: cl.Revision, Granted: cl.Granted,
		IssuedAt: time.Unix(cl.Issued, 0).UTC(), ExpiresAt: time.Unix(cl.Expires, 0).UTC(),
	}
	ctx := c.Request().Context()
	if cid, err := uuid.Parse(cl.ConsentID); err == nil {
		last, err := s.cfg.Store.LastEvent(ctx, cid)
		switch {
		case err == nil:
			if superseded(cl, last) {
				resp.Superseded, resp.Granted = true, last.Granted
				if last.Action == consent.Withdraw {
					resp.Granted = nil
				}
			}
		case consent.ErrorCode(err) != consent.ENotFound:
			return err
		}
	}
	if resp.Granted == nil {
		resp.Granted = []string{}
	}
	site, err := s.sites.get(ctx, cl.Site)
	var de *consent.Error
	switch {
	case err == nil:
		resp.Current = site.Current(cl.Revision)
	case errors.As(err, &de) && de.Code == consent.ENotFound:
	default:
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// superseded reports whether last, the newest decision of the token's
// consent ID, came after the decision the token was issued for. A token
// names its event; one issued before tokens did is judged by time: a
// decision in a later second than the token's issue supersedes it.
func superseded(cl token.Claims, last *consent.Event) bool {
	if cl.EventID != "" {
		return last.ID.String() != cl.EventID
	}
	return last.Time.Unix() > cl.Issued
}
