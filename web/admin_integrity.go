package web

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/words"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/retention"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

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
	// The console and consentry verify (actor "cli") audit every
	// verification: the newest that recorded a checkpoint names who. One
	// from the command line that found tampering moves no checkpoint; newer
	// than the checkpoint, it shows as a finding.
	err = s.scanAudit(ctx, templates.AuditFilter{Action: "verify"}, 0, func(e auth.AuditEntry) bool {
		if strings.HasPrefix(e.Detail, tamperedPrefix) {
			if v.Finding == nil && e.Time.After(v.At) {
				v.Finding = &e
			}
			return true
		}
		v.By = e.Actor
		return false
	})
	if err != nil {
		return v, err
	}
	if v.Head, v.HeadHash, err = s.cfg.Store.Head(ctx); err != nil {
		return v, err
	}
	if v.Purged, err = s.cfg.Store.PurgedTotal(ctx); err != nil {
		return v, err
	}
	purges, err := s.cfg.Store.Purges(ctx, 1)
	if err != nil {
		return v, err
	}
	if len(purges) == 1 {
		p := purges[0]
		v.Purge = &templates.PurgeView{At: p.Finished, Actor: p.Actor, Site: p.Site, Cutoff: p.Cutoff, Count: p.Count, Last: p.Last, LastHash: p.LastHash,
			Done: p.Done, Stopped: p.Interrupted}
		if v.Purge.At.IsZero() {
			v.Purge.At = p.Started
		}
	}
	if s.cfg.Signer != nil {
		v.PublicKey = base64.StdEncoding.EncodeToString(s.cfg.Signer.Public().(ed25519.PublicKey))
	}
	if v.Seq > 0 {
		last, err := s.cfg.Store.Log(ctx, consent.LogQuery{Before: v.Seq + 1, Limit: 1})
		if err != nil {
			return v, err
		}
		if len(last) == 1 {
			v.Last = last[0]
		}
	}
	// The texts half of the head: every snapshot is read and checked, so a
	// forged one shows here rather than in a head to record. What the page
	// says besides (the last verification, the signing key) stays true.
	texts, err := ledger.CheckTexts(ctx, s.cfg.Store, 0)
	if errors.As(err, &v.Break) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Texts, v.TextsDigest = texts.Head()
	pins, err := retention.Pin(ctx, s.cfg.Store, -1)
	if err != nil {
		return v, err
	}
	v.Purges, v.PurgesDigest = pins.Head()
	return v, nil
}

// tamperedPrefix starts the audit detail of a command-line verification
// that found the ledger broken (cmd/consentry verify).
const tamperedPrefix = "TAMPERED: "

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
	v := ledger.VerifierAfter(seq, hash)
	// Every texts snapshot is checked each time (there are few); events are
	// checked from where the last verification stopped, and each must name
	// a stored snapshot.
	v.Texts, err = ledger.CheckTexts(ctx, s.cfg.Store, 0)
	deadline := time.Now().Add(verifyBudget)
	errStop := errors.New("budget spent")
	if err == nil {
		// Runs of events purged since are crossed on their recorded links.
		err = v.Run(ctx, s.cfg.Store, func(e *consent.Event) error {
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
	if done && err == nil && seq == 0 {
		// A walk from the start: its runs must match the purge records.
		var purged int64
		if purged, err = s.cfg.Store.PurgedTotal(ctx); err == nil {
			err = v.Accounted(purged)
		}
	}
	switch {
	case errors.As(err, &brk):
	case err != nil && err != errStop:
		return err
	}
	if at, hash := v.At(); at > seq {
		if err := s.cfg.Store.SetVerified(ctx, at, hash, time.Now().UTC()); err != nil {
			return err
		}
	}
	view, err := s.integrity(c)
	if err != nil {
		return err
	}
	view.Ran, view.Checked, view.Break, view.More = true, v.Count(), brk, !done && brk == nil
	u := currentUser(c)
	detail, said := "intact", []words.Words{words.Say("a_audit_detail_intact", nil)}
	if brk != nil {
		detail, said = brk.Error(), brk.Words()
	}
	if err := s.audit(c, u.Email, "verify", strconv.FormatInt(view.Seq, 10), detail, said...); err != nil {
		return err
	}
	view.By = u.Email
	return render(c, http.StatusOK, templates.IntegrityPage(s.adminT(c, u), view))
}

// getSignedHead downloads the ledger's head signed with the deployment's
// Ed25519 key, for an external timestamp, a ticket or an auditor: the
// head to record, when, on which instance and sites, and who exported it.
// consentry verify --signed-head checks the file later. Audited.
func (s *Server) getSignedHead(c echo.Context) error {
	if s.cfg.Signer == nil {
		return consent.Errorf(consent.EUnprocessed, "this deployment has no signing key: run consentry keys generate and give every instance its CONSENTRY_SIGNING_KEYS line (on SQLite, restart: the key file gets one)").
			Say("a_no_signing_key", nil)
	}
	v, err := s.integrity(c)
	if err != nil {
		return err
	}
	if v.Break != nil {
		return consent.Errorf(consent.EUnprocessed, "the texts snapshots do not verify (%v): a head is not signed over a broken ledger", v.Break).
			Say("e_head_over_broken_ledger", map[string]any{"Break": v.Break})
	}
	ctx := c.Request().Context()
	sites, err := s.cfg.Store.SiteList(ctx)
	if err != nil {
		return err
	}
	u := currentUser(c)
	h := ledger.SignedHead{Head: v.Anchor(), ExportedAt: time.Now().UTC().Truncate(time.Second), Instance: c.Request().Host, ExportedBy: u.Email}
	for _, site := range sites {
		h.Sites = append(h.Sites, site.ID)
	}
	file, err := h.Sign(s.cfg.Signer)
	if err != nil {
		return err
	}
	if err := s.audit(c, u.Email, "head_export", strconv.FormatInt(v.Head, 10), h.Head, words.Written(h.Head)); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consentry-head-%d-%s.json"`, v.Head, h.ExportedAt.Format("20060102-150405")))
	return c.Blob(http.StatusOK, "application/json", file)
}
