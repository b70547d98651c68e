package web

import (
	"crypto/sha256"
	"encoding/json"
	"github.com/consentry/consentry/internal/export"
	"net/http"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

func parseIDParam(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, consent.Errorf(consent.EInvalid, "%q is not an ID", c.Param("id")).
			Say("e_not_an_id_in_address", map[string]any{"Value": auth.Clip(c.Param("id"), 60)})
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
	if consent.ErrorCode(err) == consent.ENotFound {
		// The event before was purged: its link is the recorded run's.
		gaps, gerr := s.cfg.Store.Gaps(ctx, e.Seq-2, 1)
		if gerr != nil {
			return gerr
		}
		if len(gaps) == 1 && gaps[0].Last == e.Seq-1 {
			prev, err = gaps[0].After, nil
		}
	}
	if err != nil && consent.ErrorCode(err) != consent.ENotFound {
		return err
	}
	view := templates.Proof{Event: e, Prev: prev, LinkOK: err == nil && ledger.Check(prev, e) == nil}
	// A proof of a decision the visitor has since replaced says so: it no
	// longer shows what they allow.
	switch newest, err := s.cfg.Store.LastEvent(ctx, e.ConsentID); {
	case err != nil:
		return err
	case newest.ID != e.ID:
		view.Newest = newest
	}
	// The proof shows the visitor's address, browser and page: reading it
	// is looking the visitor up, audited as the visitor's page is.
	u := currentUser(c)
	said := words.Say("a_audit_detail_proof", map[string]words.Words{"Event": words.Written(e.ID.String())})
	if err := s.audit(c, u.Email, "dsr_lookup", e.ConsentID.String(), "proof of event "+e.ID.String(), said); err != nil {
		return err
	}
	if view.Granted, view.Denied, err = export.NewCatalog(ctx, s.cfg.Store).Split(e); err != nil {
		return err
	}
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
	return render(c, http.StatusOK, templates.ProofPage(s.adminT(c, u), view))
}
