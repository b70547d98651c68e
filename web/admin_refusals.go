package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/shown"
	"github.com/consentry/consentry/internal/store"
	"github.com/consentry/consentry/internal/words"
	"github.com/consentry/consentry/templates"
	"github.com/labstack/echo/v4"
)

// flashAllowed, followed by a revision's number, a space and an origin, is
// the part a flash names after the site editor allowed a refused origin.
const flashAllowed = "allowed "

// refusedOrigins are the origins live refused decisions from in the last
// week and does not allow now, most refused in the last day first, at
// most store.MaxRefusedOrigins: what the site editor tells the owner. This
// instance's own counts are added to the store first, so what was refused
// a moment ago is there.
func (s *Server) refusedOrigins(c echo.Context, live *consent.Site) ([]templates.RefusedOrigin, error) {
	ctx := c.Request().Context()
	if err := s.FlushRefusals(ctx); err != nil {
		s.cfg.Log.Warn("counting refused origins", "err", err) // the others' counts still show
	}
	now := time.Now()
	rows, err := s.cfg.Store.RefusedOrigins(ctx, live.ID, store.RefusalHour(now.Add(-store.RefusalsKept)))
	if err != nil {
		return nil, err
	}
	day := store.RefusalHour(now.Add(-24 * time.Hour))
	at := map[string]int{} // an origin's place in out
	var out []templates.RefusedOrigin
	for _, r := range rows {
		if live.AllowsOrigin(r.Origin) {
			continue
		}
		i, ok := at[r.Origin]
		if !ok {
			i, at[r.Origin] = len(out), len(out)
			out = append(out, templates.RefusedOrigin{Origin: r.Origin})
		}
		out[i].Week += r.Count
		if r.Hour > day {
			out[i].Day += r.Count
		}
	}
	slices.SortFunc(out, func(a, b templates.RefusedOrigin) int {
		return cmp.Or(cmp.Compare(b.Day, a.Day), cmp.Compare(b.Week, a.Week), cmp.Compare(a.Origin, b.Origin))
	})
	return out[:min(len(out), store.MaxRefusedOrigins)], nil
}

// refusingSites are, of sites, those that refused decisions lately from
// origins they do not allow now, with how many: the site list flags them.
// Only a site the store has refusals of is asked about its origins.
func (s *Server) refusingSites(c echo.Context, sites []*consent.Site) (map[string]templates.RefusedOrigin, error) {
	if err := s.FlushRefusals(c.Request().Context()); err != nil {
		s.cfg.Log.Warn("counting refused origins", "err", err)
	}
	some, err := s.cfg.Store.RefusingSites(c.Request().Context(), store.RefusalHour(time.Now().Add(-store.RefusalsKept)))
	if err != nil || len(some) == 0 {
		return nil, err
	}
	out := map[string]templates.RefusedOrigin{}
	for _, site := range sites {
		if some[site.ID] == 0 || site.Revision == 0 {
			continue
		}
		origins, err := s.refusedOrigins(c, site)
		if err != nil {
			return nil, err
		}
		var sum templates.RefusedOrigin
		for _, o := range origins {
			sum.Day, sum.Week = sum.Day+o.Day, sum.Week+o.Week
		}
		if sum.Week > 0 {
			out[site.ID] = sum
		}
	}
	return out, nil
}

// postSiteAllowOrigin allows an origin whose decisions were refused, at
// once: it publishes an editorial revision, the live one with that origin
// added and nothing else (nobody is asked again), and keeps the owner's
// unpublished draft, the origin added to it too, in the same transaction
// (store.Sites.PublishKeeping). The audit trail records the publication as
// Publish does.
func (s *Server) postSiteAllowOrigin(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("site")
	back := "/admin/sites/" + id
	origin := consent.RefusedOrigin(c.FormValue("origin"))
	if origin == "" || origin != c.FormValue("origin") {
		v := auth.Clip(c.FormValue("origin"), 60)
		return consent.FieldError(consent.EInvalid, "origin", "%q is not an origin like https://shop.example", v).
			Say("e_not_an_origin_one", map[string]any{"Value": v})
	}
	live, err := s.cfg.Store.Site(ctx, id)
	if err != nil {
		return err
	}
	if live.AllowsOrigin(origin) { // allowed meanwhile (twice clicked, or by another owner)
		return c.Redirect(http.StatusSeeOther, back)
	}
	draft, err := s.cfg.Store.Draft(ctx, id)
	if err != nil {
		return err
	}
	if len(consent.Diff(live, draft)) == 0 {
		draft = nil // nothing unpublished to keep
	} else if !draft.AllowsOrigin(origin) {
		draft.Origins = append(draft.Origins, origin)
	}
	next := live.Clone()
	next.Origins = append(next.Origins, origin)
	a := s.adminT(c, currentUser(c))
	next.ChangeNote = a.T.TData("a_refused_change_note", map[string]any{"Origin": origin})
	next.PrepareRevision(live, true)
	rev, err := s.cfg.Store.PublishKeeping(ctx, next, shown.All(s.cfg.I18n), draft)
	if err != nil {
		return err
	}
	s.ForgetSites()
	if err := s.auditPublish(c, rev, "editorial", words.Say("a_revision_editorial", nil), live, next, consent.Describe(live, next)); err != nil {
		return err
	}
	if err := s.setFlash(c, back, flashAllowed+strconv.Itoa(rev)+" "+origin); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// auditPublish records the publication of revision rev, of the kind said,
// from live (nil for a site's first) to site, with each of the changes.
func (s *Server) auditPublish(c echo.Context, rev int, kind string, kindWords words.Words, live, site *consent.Site, changes []consent.Change) error {
	args := map[string]words.Words{"N": words.WrittenInt(rev), "Kind": kindWords}
	said := words.Say("a_audit_detail_publish_bare", args)
	if site.ChangeNote != "" {
		args["Note"] = words.Written(site.ChangeNote)
		said = words.Say("a_audit_detail_publish", args)
	}
	detail, all := templates.ChangesSaid(s.cfg.I18n.For("en"), fmt.Sprintf("revision %d (%s): %s", rev, kind, site.ChangeNote), said, live, site, changes)
	return s.audit(c, currentUser(c).Email, "publish", site.ID, detail, all...)
}
