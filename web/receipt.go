package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/templates"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// getReceipt lets a visitor download the record of their own decisions: the
// token proves whose they are.
func (s *Server) getReceipt(c echo.Context) error {
	// A browser following a link asks for HTML; a download anchor, fetch
	// and other clients do not, and get the JSON as before.
	page := c.QueryParam("format") != "json" && strings.Contains(c.Request().Header.Get("Accept"), "text/html")
	cl, err := s.cfg.Tokens.Decode(c.QueryParam("token"), time.Now())
	if err != nil {
		if page {
			// A genuine token that Decode refuses has expired.
			_, err := s.cfg.Tokens.Identify(c.QueryParam("token"))
			return s.receiptRefused(c, err == nil)
		}
		return err
	}
	id, err := uuid.Parse(cl.ConsentID)
	if err != nil {
		if page {
			return s.receiptRefused(c, false)
		}
		return consent.Errorf(consent.EInvalid, "the token names no consent ID")
	}
	es, err := s.cfg.Store.EventsByConsent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	receiptHeaders(c)
	if page {
		return render(c, http.StatusOK, templates.ReceiptPage(s.receiptView(c, cl.Site, id, es)))
	}
	doc, err := s.portability(c, id, es)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-receipt-%s.json"`, id))
	return c.JSONPretty(http.StatusOK, doc, "  ")
}

// receiptRefused tells a visitor whose receipt link carries no token this
// server honours, in their language, why it shows nothing: its token has
// expired (genuine, past its time), or is not valid (altered, cut short,
// not signed here). The API's English error is for programs; a person
// following the link gets a page they can read.
func (s *Server) receiptRefused(c echo.Context, expired bool) error {
	loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language")))
	msg := loc.T("receipt_token_invalid")
	if expired {
		msg = loc.T("receipt_token_expired")
	}
	receiptHeaders(c)
	return render(c, http.StatusBadRequest, templates.ReceiptPage(templates.Receipt{T: loc, Refused: msg}))
}

// receiptHeaders keeps a receipt, or its refusal, out of every cache and
// its token out of any Referer, and names what the answer depends on.
func receiptHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Add("Vary", "Accept, Accept-Language")
}

// receiptView translates a visitor's decisions into their language: the one
// asked for, else the one they last decided in, else their browser's.
func (s *Server) receiptView(c echo.Context, siteID string, id uuid.UUID, es []*consent.Event) templates.Receipt {
	last := ""
	if len(es) > 0 {
		last = es[len(es)-1].Lang
	}
	loc := s.cfg.I18n.For(s.cfg.I18n.Match(c.QueryParam("lang"), last, c.Request().Header.Get("Accept-Language")))
	site, _ := s.sites.get(c.Request().Context(), siteID) // nil when gone: categories show their keys
	q := c.QueryParams()
	q.Set("format", "json")
	v := templates.Receipt{T: loc, ConsentID: id.String(), JSON: c.Request().URL.Path + "?" + q.Encode()}
	if site != nil {
		v.Site, v.Back = templates.SiteName(loc, site), backToSite(site, es)
	}
	for _, e := range slices.Backward(es) {
		v.Rows = append(v.Rows, templates.ReceiptRow{Time: e.Time, Revision: e.Revision,
			Choice: loc.T("action_" + string(consent.Outcome(e.Action, e.Source))), Allowed: allowedNames(loc, site, e.Granted)})
	}
	return v
}

// backToSite is where the receipt's way back goes: the page the visitor
// last decided on, when it is on one of the site's allowed origins, else
// the first of those; "" when the site allows none. Never anywhere else:
// what an event's page says was sent by the visitor's browser.
func backToSite(site *consent.Site, es []*consent.Event) string {
	for _, e := range slices.Backward(es) {
		u, err := url.Parse(e.Personal.Page)
		if err == nil && u.User == nil && site.AllowsOrigin(u.Scheme+"://"+u.Host) {
			return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
		}
	}
	if len(site.Origins) > 0 {
		return site.Origins[0] + "/"
	}
	return ""
}

// allowedNames lists the categories a decision granted beyond the required
// ones, by their translated names.
func allowedNames(loc *i18n.Localizer, site *consent.Site, granted []string) string {
	cats := make([]consent.Category, 0, len(granted))
	if site != nil {
		for _, c := range site.Categories {
			if slices.Contains(granted, c.Key) {
				cats = append(cats, c)
			}
		}
	} else {
		for _, k := range granted {
			cats = append(cats, consent.Category{Key: k, Required: k == "necessary"})
		}
	}
	var names []string
	for _, c := range cats {
		if !c.Required {
			names = append(names, templates.CategoryName(loc, c))
		}
	}
	if len(names) == 0 {
		return loc.T("page_only_necessary")
	}
	return loc.List(names)
}
