package web

import (
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// continued returns the consent ID a decision continues: the one its token
// names, when the token proves it. named is the consent ID the request
// names (uuid.Nil for none); uuid.Nil back means a new consent begins.
//
// A consent ID alone proves nothing: anyone who has seen one (a receipt, a
// support ticket, a guess) could record decisions as that visitor's, and
// verify would then report the stranger's grants as the visitor's newest.
// The token is the proof: signed by this server, of this site, and, when
// the request names a consent ID too, naming that one. A server's request
// (no Origin) without that proof is refused, 422, and records nothing: its
// author can mend it. A page's (the snippet's, whose Origin was checked)
// begins a new consent instead, and the answer's consent_id says so: its
// visitor cannot mend a snippet build released before the token was sent,
// nor a token signed with a key since retired, and must still be able to
// decide (a withdrawal above all).
func (s *Server) continued(c echo.Context, site *consent.Site, req consent.Request, named uuid.UUID) (uuid.UUID, error) {
	if req.Token == "" && named == uuid.Nil {
		return uuid.Nil, nil
	}
	id, err := s.proven(site, req.Token, named)
	if err != nil && c.Request().Header.Get("Origin") != "" {
		return uuid.Nil, nil
	}
	return id, err
}

// proven checks tok as the proof of a continuation on site and returns the
// consent ID it names, which must be named when that is not uuid.Nil.
func (s *Server) proven(site *consent.Site, tok string, named uuid.UUID) (uuid.UUID, error) {
	if tok == "" {
		return uuid.Nil, consent.FieldError(consent.EUnprocessed, "token",
			"is required to continue a consent: send the visitor's current token (the consentry cookie's value, or the token of the last answer) with consent_id, or leave consent_id out to begin a new consent")
	}
	cl, err := s.cfg.Tokens.Decode(tok, time.Now())
	if err != nil {
		return uuid.Nil, consent.FieldError(consent.EUnprocessed, "token", "cannot continue a consent: %s", err)
	}
	if cl.Site != site.ID {
		return uuid.Nil, consent.FieldError(consent.EUnprocessed, "token", "cannot continue a consent: the token is for another site, not %q", site.ID)
	}
	id, err := uuid.Parse(cl.ConsentID)
	if err != nil || id == uuid.Nil {
		return uuid.Nil, consent.FieldError(consent.EUnprocessed, "token", "cannot continue a consent: the token names no consent ID")
	}
	if named != uuid.Nil && named != id {
		return uuid.Nil, consent.FieldError(consent.EUnprocessed, "consent_id", "is not the consent ID of the token sent with it: send the visitor's own token, or leave consent_id out")
	}
	return id, nil
}
